"""The built-in trainer on your own data: an image folder and a CSV from the command line (acceptance), the
CSV preprocessing fitted on training rows only, in-memory data reaching worker processes, and the examples."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import torch
from PIL import Image
from typer.testing import CliRunner

from nasforge import Budget, create_study, load_study, read_study
from nasforge.cli import app
from nasforge.data import apply_preprocessing
from nasforge.evaluators import GenerationEvaluator, TrainingEvaluator
from nasforge.exceptions import ValidationError
from nasforge.executors._process import evaluator_from_spec, evaluator_spec

runner = CliRunner()
EXAMPLES = Path(__file__).parents[2] / "examples"
QUICK = ["--space", "mlp", "--epochs", "2", "--seed", "0", "--train-param", "threads=1", "--train-param",
         "measure_latency=false", "--train-param", "lr=0.01"]


def _example(path: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(Path(path).stem, EXAMPLES / path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def digits_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 of scikit-learn's digits as 8x8 PNG files (0..16 scaled to 0..255) in class folders."""
    return Path(_example("image_folder/make_digits.py").write_digits(tmp_path_factory.mktemp("png") / "digits", 300))


@pytest.fixture(scope="module")
def customers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 rows: unscaled numbers, two text columns, 5 % empty feature cells, a text target."""
    path = tmp_path_factory.mktemp("csv") / "customers.csv"
    return Path(_example("csv/make_data.py").write_customers(path, rows=300, missing=0.05, seed=0))


def test_search_an_image_folder_from_the_cli(digits_png: Path, tmp_path: Path) -> None:
    assert len(list(digits_png.glob("*/*.png"))) == 300 and len(list(digits_png.iterdir())) == 10
    url = f"sqlite:///{tmp_path / 'x.db'}"
    result = runner.invoke(app, ["search", "--data", "images", "--data-path", str(digits_png), "--n-trials", "3",
                                 *QUICK, "--storage", url, "--study", "png"])
    assert result.exit_code == 0, result.output
    study = load_study(name="png", storage=url)
    assert len(study.completed_trials()) == 3
    assert study.best_trial is not None and study.best_trial.metrics["val_accuracy"] > 0.3  # chance: 0.1
    evaluator = read_study("png", url).build_evaluator()
    assert isinstance(evaluator, TrainingEvaluator) and evaluator.get_params()["data"] == "images"
    assert evaluator.dataset.class_names == [str(d) for d in range(10)]
    spec = evaluator.preprocessing()
    assert spec is not None and spec["factor"] == 1 / 255 and spec["shape"] == [1, 8, 8]
    # the raw PNG pixels, preprocessed by the spec, are the search's inputs bit for bit
    files = sorted(digits_png.glob("*/*.png"), key=lambda p: (p.parent.name, p.name))
    raw = np.stack([np.asarray(Image.open(p)) for p in files])
    assert np.array_equal(apply_preprocessing(spec, raw), evaluator.dataset.x)


def test_search_and_train_a_csv_with_text_and_missing_cells_from_the_cli(customers: Path, tmp_path: Path) -> None:
    with customers.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    cells = [v for row in rows for k, v in row.items() if k != "churn"]
    assert 0.03 < sum(v == "" for v in cells) / len(cells) < 0.07 and {"Oslo", "Paris"} <= {r["city"] for r in rows}
    url = f"sqlite:///{tmp_path / 'x.db'}"
    result = runner.invoke(app, ["search", "--data", "csv", "--data-path", str(customers), "--target", "churn",
                                 "--n-trials", "2", *QUICK, "--storage", url, "--study", "csv"])
    assert result.exit_code == 0, result.output
    study = load_study(name="csv", storage=url)
    assert len(study.completed_trials()) == 2 and study.best_trial is not None
    assert study.best_trial.metrics["val_accuracy"] > 0.6
    out = tmp_path / "models"
    result = runner.invoke(app, ["train-best", "--study", "csv", "--storage", url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    saved = json.loads((out / "best" / "arch.json").read_text())
    assert saved["class_names"] == ["no", "yes"] and saved["feature_names"] == ["age", "income", "city", "plan",
                                                                                 "visits"]
    assert saved["preprocessing"]["kind"] == "columns" and saved["metrics"]["test_accuracy"] > 0.6
    assert saved["input_shape"] == saved["preprocessing"]["shape"]


def test_csv_preprocessing_is_fitted_on_the_training_split_only(customers: Path) -> None:
    params = {"data": "csv", "data_params": {"path": str(customers), "target": "churn"}, "space": "mlp",
              "epochs": 1, "measure_latency": False, "threads": 1}
    ev = TrainingEvaluator(**params)  # type: ignore[arg-type]
    table = ev.dataset.table
    assert table is not None and table.kinds == ["numeric", "numeric", "categorical", "categorical", "numeric"]
    split = ev.split()
    expected = table.fit(split.train).transform(table.values)
    assert np.array_equal(ev.dataset.x, expected)
    train_rows = ev.dataset.x[split.train]
    assert np.allclose(train_rows[:, 0].mean(), 0, atol=1e-5)  # standardised on these rows (missing -> median)
    assert abs(float(ev.dataset.x[split.val][:, 0].mean())) > 1e-4  # ... not on the validation rows
    search, final = ev.preprocessing("train"), ev.preprocessing()
    assert search != final and final == TrainingEvaluator(**params).preprocessing()  # type: ignore[arg-type]
    assert search is not None and search["columns"][0]["mean"] == pytest.approx(
        float(np.nanmean(table.values[split.train, 0].astype(float))), rel=0.05)
    with pytest.raises(ValidationError, match="'fit_on' parameter"):
        ev.preprocessing("everything")
    folds = TrainingEvaluator(**{**params, "cv_folds": 2}).evaluate(  # type: ignore[arg-type]
        ev.natural_space().baseline())  # type: ignore[arg-type]
    assert {"val_accuracy", "val_accuracy_std", "test_accuracy"} <= set(folds)


def _digit_tensors() -> tuple[torch.Tensor, torch.Tensor]:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return torch.from_numpy(bunch.images[:400, None] / 16.0).float(), torch.from_numpy(bunch.target[:400])


def test_in_memory_tensors_travel_as_json_with_the_path_of_one_file() -> None:
    x, y = _digit_tensors()
    evaluator = TrainingEvaluator(data=(x, y), space="mlp", epochs=1, measure_latency=False, threads=1)
    spec = evaluator_spec(evaluator)
    params = json.loads(spec)["params"]
    assert params["data"] == "npz" and Path(params["data_params"]["path"]).is_file()
    rebuilt = evaluator_from_spec(spec)  # what a worker process does
    assert isinstance(rebuilt, TrainingEvaluator) and np.array_equal(rebuilt.dataset.x, x.numpy())
    arch = evaluator.natural_space().baseline()
    assert arch is not None and rebuilt.evaluate(arch)["val_accuracy"] == evaluator.evaluate(arch)["val_accuracy"]
    assert evaluator.preprocessing() == {"kind": "identity", "shape": [1, 8, 8]}
    images = GenerationEvaluator(data={"x": x.numpy(), "y": y.numpy()}, space="vae", epochs=1)
    assert images.image_shape == (1, 8, 8)


@pytest.mark.slow
def test_in_memory_arrays_reach_worker_processes() -> None:
    x, y = _digit_tensors()
    evaluator = TrainingEvaluator(data=(x, y), space="mlp", epochs=1, measure_latency=False, threads=1)
    study = create_study(evaluator=evaluator, strategy="random", budget=Budget(n_trials=2))
    study.optimize(n_workers=2)  # spawned workers rebuild the evaluator from JSON and read the .npz
    assert len(study.completed_trials()) == 2


def test_the_csv_example_runs(customers: Path) -> None:
    result = _example("csv/search.py").search(str(customers), n_trials=2, epochs=2)
    assert result["test_accuracy"] > 0.6 and len(result["predicted"]) == 5
    assert set(result["predicted"]) <= {"no", "yes"}


def test_the_image_folder_example_runs(digits_png: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    args = ["run", str(EXAMPLES / "image_folder" / "search.yaml"), "--set", f"storage={url}",
            "--set", f"evaluator.params.data_params.path={digits_png}", "--set", "budget.n_trials=2",
            "--set", "evaluator.params.epochs=1", "--set", "evaluator.params.measure_latency=false",
            "--set", "evaluator.params.threads=1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(load_study(name="own-images", storage=url).completed_trials()) == 2
