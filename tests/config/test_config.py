"""YAML search configs: every example validates and builds; the quick ones run; bad files give one precise line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from nasforge import load_study
from nasforge.cli import app
from nasforge.config import check_config, load_config
from nasforge.storages import get_storage

runner = CliRunner()
EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


def _fashion_mnist_available() -> bool:
    from nasforge.data import load_dataset

    try:
        load_dataset("fashion_mnist")
    except Exception:
        return False
    return True


def test_the_examples_cover_what_the_guide_promises() -> None:
    assert {p.stem for p in EXAMPLES} >= {"nb201", "digits", "fashion_mnist", "joint", "gan", "multiobjective", "ray"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_validates_and_builds(path: Path, nb201_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASFORGE_NB201", nb201_path)
    config = load_config(path)
    if config.evaluator.params.get("data") == "fashion_mnist" and not _fashion_mnist_available():
        pytest.skip("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
    evaluator, strategy = check_config(config, str(path))
    assert type(evaluator).__name__ and strategy.seed == config.seed


@pytest.mark.parametrize(("name", "overrides", "expected"), [
    ("nb201", ["budget.n_trials=6"], 6),
    ("multiobjective", ["budget.n_trials=25"], 25),
    ("digits", ["budget.n_trials=3", "evaluator.params.epochs=1", "evaluator.params.measure_latency=false"], 3),
])
def test_quick_examples_run(name: str, overrides: list[str], expected: int, tmp_path: Path, nb201_path: str,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASFORGE_NB201", nb201_path)
    url = f"sqlite:///{tmp_path / 'x.db'}"
    args = ["run", str(Path(__file__).parents[2] / "examples" / f"{name}.yaml"), "--set", f"storage={url}"]
    for assignment in overrides:
        args += ["--set", assignment]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    study = load_study(name=load_config(args[1]).study or "", storage=url)
    assert len(study.completed_trials()) == expected
    if name == "multiobjective":
        assert [str(o) for o in study.objectives] == ["val_acc:max", "latency_ms:min"]
        assert study.pareto_front() and all(t.metrics["params_mb"] <= 1.0 for t in study.pareto_front())


BAD_CONFIGS = [
    ("evaluator: {name: nb201}\nbudget: {n_trials: 5}\nbudget: {n_trials: 6}\n",
     "line 3: the key 'budget' is given twice"),
    ("evaluator: {name: nb201}\nstrategy: {name: evolution, paramz: {}}\nbudget: {n_trials: 5}\n",
     "unknown key 'strategy.paramz'. Did you mean 'params'?"),
    ("evaluator: {name: nb201}\nbudget: {n_trials: 0}\n",
     "budget: The 'n_trials' parameter of Budget must be an int >= 1. Got 0 instead."),
    ("evaluator: {name: nb201\nbudget: 3\n", "line 2, column 7: not valid YAML"),
    ("evaluator: {name: trainer}\nbudget: {n_trials: 3}\n", "evaluator.name: Unknown evaluator 'trainer'. Registered"),
    ("evaluator: {name: train, params: {lr: -1}}\nbudget: {n_trials: 3}\n",
     "evaluator: The 'lr' parameter of TrainingEvaluator must be a number > 0. Got -1"),
    ("evaluator: {name: nb201}\nstrategy: {name: evolution, params: {population_size: 1}}\nbudget: {n_trials: 3}\n",
     "strategy: The 'population_size' parameter of RegularizedEvolution must be an int >= 2"),
    ("evaluator: {name: nb201}\nstrategy: {name: annealing}\nbudget: {n_trials: 3}\n",
     "strategy.name: Unknown strategy 'annealing'. Registered"),
    ("evaluator: {name: nb201}\nbudget: {}\n", "budget: give at least one of n_trials, timeout_s, max_cost"),
    ("evaluator: {name: nb201}\n", "the key 'budget' is required"),
    ("- a\n- b\n", "the file must hold a mapping"),
    ("evaluator: {name: nb201}\nbudget: {n_trials: 3}\nrun: {executor: dask}\n",
     "run: The 'executor' parameter of Study.optimize must be one of 'process', 'ray'. Got 'dask'"),
    ("evaluator: {name: nb201}\nbudget: {n_trials: 3}\nrun: {workers: 2}\npruner: median\n", "use --workers 1"),
    ("evaluator: {name: nb201}\nbudget: {n_trials: 3}\nobjectives: ['val_acc:maximise']\n",
     "objectives: The 'objective' parameter must look like NAME:max"),
    ("evaluator: {name: nb201}\nbudget: {n_trials: 3}\nwarm_start: {top: 5}\n",
     "warm_start: give exactly one of study, proxy"),
    ("evaluator: {name: nb201}\nbudget: {n_trials: 3}\nseed: -1\n",
     "strategy: The 'seed' parameter of RegularizedEvolution must be an int >= 0. Got -1 instead."),
]


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS)
def test_bad_config_is_one_line_and_exit_code_2(text: str, message: str, tmp_path: Path, nb201_path: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASFORGE_NB201", nb201_path)
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    url = f"sqlite:///{tmp_path / 'ok.db'}"
    result = runner.invoke(app, ["run", str(path), "--set", f"storage={url}"])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.output
    if (tmp_path / "ok.db").exists():
        assert get_storage(url).list_studies() == []


def test_set_needs_key_and_value(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("evaluator: {name: nb201}\nbudget: {n_trials: 3}\n")
    result = runner.invoke(app, ["run", str(path), "--set", "n_trials"])
    assert result.exit_code == 2 and "'--set' option must look like KEY=VALUE" in result.stderr
    result = runner.invoke(app, ["run", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2 and "cannot be read" in result.stderr


def test_a_file_without_storage_takes_nasforge_storage(tmp_path: Path, nb201_path: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASFORGE_NB201", nb201_path)
    env_url, file_url = f"sqlite:///{tmp_path / 'env.db'}", f"sqlite:///{tmp_path / 'file.db'}"
    monkeypatch.setenv("NASFORGE_STORAGE", env_url)
    path = tmp_path / "c.yaml"
    path.write_text("study: s\nevaluator: {name: nb201}\nbudget: {n_trials: 2}\n")
    assert runner.invoke(app, ["run", str(path)]).exit_code == 0
    assert len(load_study(name="s", storage=env_url).completed_trials()) == 2
    path.write_text(f"study: s\nstorage: {file_url}\nevaluator: {{name: nb201}}\nbudget: {{n_trials: 2}}\n")
    assert runner.invoke(app, ["run", str(path)]).exit_code == 0  # the file's own storage wins
    assert len(load_study(name="s", storage=file_url).completed_trials()) == 2
