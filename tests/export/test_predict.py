"""The exported ``model.py`` predicts raw inputs (digits' 0-16 pixels, a CSV's text rows with missing cells) with
exactly the test accuracy the evaluator measured, on its own (torch and numpy only)."""

from __future__ import annotations

import csv
import importlib.util
import json
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from nasforge import load_study
from nasforge.cli import app

runner = CliRunner()
TOLERANCE = 1e-6


def _import(path: Path, name: str) -> types.ModuleType:
    """``model.py`` imported as a fresh module (its own namespace, nothing shared with nasforge)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _search(url: str, study: str, *extra: str) -> None:
    searched = runner.invoke(app, ["search", "--space", "mlp", "--strategy", "random", "--epochs", "3",
                                   "--n-trials", "2", "--seed", "0", "--train-param", "measure_latency=false",
                                   "--storage", url, "--study", study, *extra])
    assert searched.exit_code == 0, searched.output


def _export(url: str, study: str, out: Path, *extra: str) -> dict[str, object]:
    result = runner.invoke(app, ["export", study, "--storage", url, "--out", str(out), "--format", "json,module",
                                 *extra], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    arch: dict[str, object] = json.loads((out / "arch.json").read_text())
    return arch


@pytest.fixture(scope="module")
def digits_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A finished digits study 'd' (2 MLP trials of 3 epochs): its storage URL."""
    url = f"sqlite:///{tmp_path_factory.mktemp('digits') / 's.db'}"
    _search(url, "d", "--data", "digits")
    return url


def test_digits_model_predicts_raw_pixels_with_the_search_accuracy(tmp_path: Path, digits_db: str) -> None:
    from sklearn.datasets import load_digits

    url = digits_db
    arch = _export(url, "d", tmp_path / "model")
    assert arch["weights_source"] == "retrained"
    spec = arch["preprocessing"]
    assert isinstance(spec, dict) and (spec["kind"], spec["factor"], spec["shape"]) == ("scale", 1 / 16, [1, 8, 8])
    assert arch["class_names"] == [str(i) for i in range(10)] and arch["feature_names"] is None
    evaluator = load_study(name="d", storage=url).evaluator
    test = evaluator.final_split().test
    raw = load_digits().images[test]  # (N, 8, 8) pixels 0..16, as a user has them
    model = _import(tmp_path / "model" / "model.py", "exported_digits")
    predicted = model.predict(raw)
    labels = np.asarray(arch["class_names"])[load_digits().target[test]]
    accuracy = float(np.mean(predicted == labels))
    assert abs(accuracy - arch["final_metrics"]["test_accuracy"]) <= TOLERANCE  # type: ignore[index]
    assert accuracy > 0.5  # a trained network, not a constant
    proba = model.predict_proba(raw)
    assert proba.shape == (len(test), 10) and np.allclose(proba.sum(1), 1, atol=1e-5)
    # a user's process: model.py alone in its folder, nasforge never imported
    np.save(tmp_path / "model" / "raw.npy", raw)
    code = ("import sys, json, numpy as np; sys.path.insert(0, '.'); import model; "
            "p = model.predict(np.load('raw.npy')).tolist(); "
            "print(json.dumps({'p': p, 'nasforge': [m for m in sys.modules if m.startswith('nasforge')]}))")
    run = subprocess.run([sys.executable, "-I", "-c", code], cwd=tmp_path / "model", capture_output=True, text=True,
                         check=True)
    printed = json.loads(run.stdout)
    assert printed["nasforge"] == [] and printed["p"] == predicted.tolist()
    # the architecture alone carries them too
    alone = runner.invoke(app, ["export", "d", "--storage", url, "--out", str(tmp_path / "json"), "--format", "json"])
    assert alone.exit_code == 0, alone.output
    described = json.loads((tmp_path / "json" / "arch.json").read_text())
    assert {k: described[k] for k in ("preprocessing", "class_names", "feature_names")} == \
        {k: arch[k] for k in ("preprocessing", "class_names", "feature_names")}
    # the retrained weights were kept next to the SQLite file: a second export does not train
    assert Path(url.removeprefix("sqlite:///") + ".weights").is_dir()
    again = _export(url, "d", tmp_path / "again")
    assert again["weights_source"] == "reused" and again["final_metrics"] == arch["final_metrics"]
    assert (tmp_path / "again" / "weights.pt").read_bytes() == (tmp_path / "model" / "weights.pt").read_bytes()


def _write_csv(path: Path, rows: int = 400, seed: int = 0) -> None:
    """A CSV as users have them: a text column, unscaled numbers, string class labels, 5 % of cells missing."""
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 3, rows)
    colours = np.array(["red", "green", "blue"])
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["height_cm", "colour", "weight_g", "score", "kind"])
        for i in range(rows):
            cells = [f"{150 + 10 * label[i] + rng.normal(0, 6):.1f}",
                     str(colours[label[i]] if rng.random() < 0.7 else rng.choice(colours)),
                     f"{20000 + 3000 * rng.normal():.0f}",
                     f"{label[i] * 0.5 + rng.normal(0, 1):.3f}"]
            cells = ["" if rng.random() < 0.05 else c for c in cells]  # 5 % missing
            writer.writerow([*cells, ["cat", "dog", "eel"][label[i]]])


def test_csv_model_predicts_raw_rows_with_the_search_accuracy(tmp_path: Path) -> None:
    data = tmp_path / "animals.csv"
    _write_csv(data)
    url = f"sqlite:///{tmp_path / 's.db'}"
    _search(url, "c", "--data", "csv", "--data-path", str(data), "--target", "kind")
    arch = _export(url, "c", tmp_path / "model")
    assert arch["feature_names"] == ["height_cm", "colour", "weight_g", "score"]
    assert arch["class_names"] == ["cat", "dog", "eel"]
    assert arch["preprocessing"]["kind"] == "columns"  # type: ignore[index]
    with data.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    test = load_study(name="c", storage=url).evaluator.final_split().test
    raw = [{k: v for k, v in rows[i].items() if k != "kind"} for i in test]  # text cells, some empty
    assert any("" in r.values() for r in raw)
    model = _import(tmp_path / "model" / "model.py", "exported_csv")
    accuracy = float(np.mean(model.predict(raw) == np.array([rows[i]["kind"] for i in test])))
    assert abs(accuracy - arch["final_metrics"]["test_accuracy"]) <= TOLERANCE  # type: ignore[index]
    # rows as lists in FEATURE_NAMES order give the same predictions
    as_lists = [[r[name] for name in model.FEATURE_NAMES] for r in raw]
    assert model.predict(as_lists).tolist() == model.predict(raw).tolist()


def test_image_folder_model_predicts_raw_png_pixels_with_the_search_accuracy(tmp_path: Path) -> None:
    from PIL import Image
    from sklearn.datasets import load_digits

    folder = tmp_path / "png"
    bunch = load_digits()
    for i in range(300):  # 300 PNG digits in class folders, 0..255 grayscale
        (folder / str(bunch.target[i])).mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.round(bunch.images[i] * 255 / 16).astype(np.uint8)).save(folder / str(bunch.target[i])
                                                                                    / f"{i:04d}.png")
    url = f"sqlite:///{tmp_path / 's.db'}"
    _search(url, "i", "--data", "images", "--data-path", str(folder))
    arch = _export(url, "i", tmp_path / "model")
    files = [f for c in sorted(folder.iterdir()) for f in sorted(c.iterdir())]  # the loader's order
    test = load_study(name="i", storage=url).evaluator.final_split().test
    raw = np.stack([np.asarray(Image.open(files[i])) for i in test])  # (N, 8, 8) uint8, as Pillow reads them
    model = _import(tmp_path / "model" / "model.py", "exported_images")
    accuracy = float(np.mean(model.predict(raw) == np.array([files[i].parent.name for i in test])))
    assert abs(accuracy - arch["final_metrics"]["test_accuracy"]) <= TOLERANCE  # type: ignore[index]


@pytest.mark.filterwarnings("ignore:`torch.jit.load` is deprecated")
def test_export_reuses_the_weights_of_train_best(tmp_path: Path, digits_db: str) -> None:
    import torch

    url, kept_in = digits_db, str(tmp_path / "w")  # a folder of its own: other tests' exports keep weights too
    best = runner.invoke(app, ["train-best", "--study", "d", "--storage", url, "--json", str(tmp_path / "tb.json"),
                               "--weights-dir", kept_in, "--out", str(tmp_path / "tb")])
    assert best.exit_code == 0, best.output
    kept = Path(json.loads((tmp_path / "tb.json").read_text())["best"]["weights_file"])
    assert kept.is_file() and kept.parent.parent.parent == tmp_path / "w"
    first = _export(url, "d", tmp_path / "a", "--weights-dir", kept_in)
    assert first["weights_source"] == "reused"  # train-best's weights, not trained again
    tb = json.loads((tmp_path / "tb.json").read_text())["best"]["metrics"]
    assert first["final_metrics"]["test_accuracy"] == tb["test_accuracy"]  # type: ignore[index]
    exported, saved = torch.load(tmp_path / "a" / "weights.pt"), torch.load(kept)
    assert exported.keys() == saved.keys() and all(torch.equal(exported[k], saved[k]) for k in saved)
    # train-best --out's model.pt given with --weights: its record gives the preprocessing and the test scores
    given = _export(url, "d", tmp_path / "given", "--weights", str(tmp_path / "tb" / "best" / "model.pt"))
    assert given["weights_source"] == "file" and given["final_metrics"] == first["final_metrics"]
    assert given["preprocessing"] == first["preprocessing"] is not None
    # other epochs than train-best's: trained again, but train-best's weights stay the ones kept
    again = runner.invoke(app, ["export", "d", "--storage", url, "--out", str(tmp_path / "b"), "--format",
                                "json,module", "--epochs", "1", "--weights-dir", kept_in], env={"COLUMNS": "200"})
    assert again.exit_code == 0, again.output
    assert "retrained" in again.output and json.loads((tmp_path / "b" / "arch.json").read_text())[
        "weights_source"] == "retrained"
    assert "holds the weights train-best kept" in " ".join(again.output.split())
    third = runner.invoke(app, ["export", "d", "--storage", url, "--out", str(tmp_path / "c"), "--format",
                                "json,module", "--weights-dir", kept_in], env={"COLUMNS": "200"})
    assert third.exit_code == 0 and "weights: reused from" in third.output, third.output
    assert "saved by train-best" in " ".join(third.output.split())
    # a changed model.pt is not trusted: trained again
    changed = bytearray(kept.read_bytes())
    changed[-1] ^= 1
    kept.write_bytes(bytes(changed))
    fourth = _export(url, "d", tmp_path / "d", "--weights-dir", kept_in)
    assert fourth["weights_source"] == "retrained"
