"""``examples/own_model``, run on tiny data (1 epoch, 200 digits): your own model and training loop searched through
``nasforge search --objective-fn``, through ``nasforge run search.yaml`` and through the Python API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nasforge.cli import app
from nasforge.study import TrialState, read_study

EXAMPLE = Path(__file__).parents[2] / "examples" / "own_model"
TINY = {"OWN_MODEL_EPOCHS": "1", "OWN_MODEL_SUBSET": "200"}


def test_objective_fn_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'own.db'}"
    code = "import sys; from nasforge.cli import app; sys.argv = ['nasforge'] + sys.argv[1:]; app()"
    done = subprocess.run([sys.executable, "-c", code, "search", "--objective-fn", "objective:objective",
                           "--space-file", "space.yaml", "--objective", "val_acc:max", "--strategy", "random",
                           "--seed", "0", "--n-trials", "3", "--workers", "2", "--storage", url, "--study", "own"],
                          cwd=EXAMPLE, env={**os.environ, **TINY}, capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stderr
    trials = read_study("own", url).trials
    assert len(trials) == 3 and all(t.state is TrialState.COMPLETE for t in trials)
    assert all(0.0 <= t.metrics["val_acc"] <= 1.0 and sorted(t.intermediate) == [0] for t in trials)


@pytest.fixture()
def in_example(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TINY.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(EXAMPLE)
    monkeypatch.syspath_prepend(str(EXAMPLE))
    for module in ("digits_mlp", "objective", "search_nasforge"):
        monkeypatch.delitem(sys.modules, module, raising=False)


@pytest.mark.usefixtures("in_example")
def test_the_python_api_script_and_the_yaml_config(tmp_path: Path) -> None:
    import search_nasforge

    best = search_nasforge.main(seed=0, n_trials=3, storage=f"sqlite:///{tmp_path / 'api.db'}", strategy="random")
    assert 0.0 < best <= 1.0
    url = f"sqlite:///{tmp_path / 'yaml.db'}"
    ran = CliRunner().invoke(app, ["run", "search.yaml", "--set", "budget.n_trials=2", "--set", f"storage={url}",
                                   "--set", "run.workers=1"])
    assert ran.exit_code == 0, ran.output
    assert len(read_study("own-mlp-yaml", url).completed_trials()) == 2
