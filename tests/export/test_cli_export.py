"""``nasforge export`` on a real-training study and on a NAS-Bench-201 study."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from nasforge.cli import app
from nasforge.export import load_standalone

runner = CliRunner()


@pytest.mark.filterwarnings("ignore:`torch.jit.load` is deprecated")
def test_export_retrains_the_best_trial_and_writes_every_format(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    searched = runner.invoke(app, ["search", "--data", "digits", "--space", "mlp", "--strategy", "random",
                                   "--epochs", "2", "--n-trials", "3", "--seed", "0", "--train-param",
                                   "measure_latency=false", "--storage", url, "--study", "d"])
    assert searched.exit_code == 0, searched.output
    out = tmp_path / "model"
    result = runner.invoke(app, ["export", "d", "--storage", url, "--out", str(out), "--epochs", "3"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"arch.json", "weights.pt", "model.py", "model.torchscript.pt",
                                               "model.onnx"}
    arch = json.loads((out / "arch.json").read_text())
    assert arch["study"] == "d" and arch["input_shape"] == [1, 8, 8] and arch["final_metrics"]["test_accuracy"] > 0.5
    net = load_standalone(out / "model.py", out / "weights.pt")
    x = torch.randn(5, 1, 8, 8)
    scripted = torch.jit.load(str(out / "model.torchscript.pt"))
    with torch.no_grad():
        assert torch.allclose(net(x), scripted(x), atol=1e-5)
    # the trained weights, not a fresh network: they reproduce the retraining's test accuracy
    from nasforge import load_study
    study = load_study(name="d", storage=url)
    split = study.evaluator.split()
    xs, ys = study.evaluator.tensors
    test = torch.from_numpy(split.test)
    with torch.no_grad():
        accuracy = float((net(xs[test]).argmax(1) == ys[test]).float().mean())
    assert abs(accuracy - arch["final_metrics"]["test_accuracy"]) < 1e-6


def test_export_any_trial_of_a_table_study(tmp_path: Path, nb201_path: str) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    searched = runner.invoke(app, ["search", "--nb201-path", nb201_path, "--strategy", "random", "--n-trials", "5",
                                   "--seed", "1", "--storage", url, "--study", "nb"])
    assert searched.exit_code == 0, searched.output
    out = tmp_path / "cell"
    result = runner.invoke(app, ["export", "nb", "--storage", url, "--out", str(out), "--trial", "2",
                                 "--format", "json,module,onnx"])
    assert result.exit_code == 0, result.output
    arch = json.loads((out / "arch.json").read_text())
    assert arch["trial"] == 2 and arch["input_shape"] == [3, 32, 32] and arch["weights"].startswith("untrained")
    assert not (out / "model.torchscript.pt").exists()
    net = load_standalone(out / "model.py", out / "weights.pt")
    assert net(torch.zeros(1, 3, 32, 32)).shape == (1, 10)
    bad = runner.invoke(app, ["export", "nb", "--storage", url, "--trial", "9", "--out", str(out)])
    assert bad.exit_code == 2 and "0 .. 4. Got 9" in bad.stderr


def test_export_a_gan_generator_and_refuse_a_vae(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    for space in ("gan", "vae"):
        searched = runner.invoke(app, ["search", "--task", "generation", "--data", "digits", "--space", space,
                                       "--strategy", "random", "--epochs", "1", "--n-trials", "1", "--seed", "0",
                                       "--train-param", "n_samples=300", "--train-param", "min_diversity=0",
                                       "--storage", url, "--study", space])
        assert searched.exit_code == 0, searched.output  # a run whose every trial failed would exit 1
    out = tmp_path / "gen"
    result = runner.invoke(app, ["export", "gan", "--storage", url, "--out", str(out), "--no-train", "--trial", "0",
                                 "--format", "json,module,onnx"])  # any trial, whatever its state
    assert result.exit_code == 0, result.output
    arch = json.loads((out / "arch.json").read_text())
    z_dim = arch["input_shape"][0]
    with torch.no_grad():
        images = load_standalone(out / "model.py", out / "weights.pt")(torch.randn(3, z_dim))
    assert images.shape == (3, 1, 8, 8) and float(images.abs().max()) <= 1.0  # tanh images
    refused = runner.invoke(app, ["export", "vae", "--storage", url, "--trial", "0", "--out", str(tmp_path / "vae")])
    assert refused.exit_code == 2 and "Only GAN generators can be exported" in refused.stderr
