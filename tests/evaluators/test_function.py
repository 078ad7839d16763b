"""Your own objective function: ``study.optimize(objective)`` in this process and in worker processes, the clear
lines for what cannot work (a lambda sent to workers, a misspelt objective, a bad import path), intermediate
reports, and a resumed study that continues exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import nasforge
from nasforge.evaluators import Decisions, FunctionEvaluator, ObjectiveError
from nasforge.exceptions import ValidationError
from nasforge.study import Budget, TrialState
from tests.evaluators import function_objectives as fo

SPACE = {"depth": nasforge.Int(1, 4), "width": [16, 32, 64], "act": ["relu", "gelu"],
         "lr": nasforge.Float(1e-4, 1e-1, log=True)}


def _study(objectives: str = "val_acc:max", strategy: str = "random", **kw: Any) -> nasforge.Study:
    return nasforge.create_study(space=nasforge.Space(SPACE), objectives=objectives,
                                 strategy=nasforge.create_strategy(strategy, seed=0), **kw)


def test_inline_objective_gets_the_decisions_and_its_reports_reach_the_study() -> None:
    seen: list[Decisions] = []

    def objective(arch: Decisions, report: Any) -> dict[str, float]:  # a closure: fine in this process
        seen.append(arch)
        return fo.objective(arch, report)

    study = _study()
    study.optimize(objective, n_trials=5)
    assert len(study.trials) == 5 and all(t.state is TrialState.COMPLETE for t in study.trials)
    assert isinstance(seen[0], Decisions) and set(seen[0]) == {"depth", "width", "act", "lr"} and seen[0].budget is None
    with pytest.raises(TypeError):
        seen[0]["depth"] = 3  # type: ignore[index]  # read-only
    trial = study.trials[0]
    assert trial.metrics["val_acc"] == pytest.approx(fo.score(trial.arch))
    assert sorted(trial.intermediate) == [0, 1, 2]
    assert trial.intermediate[2]["val_acc"] == pytest.approx(trial.metrics["val_acc"])
    assert study.budget == Budget(n_trials=5)  # the shortcut became the study's budget (resume continues it)


def test_a_number_is_stored_under_the_study_objective_and_a_budget_reaches_arch_budget() -> None:
    study = _study("score:max", strategy="hyperband")
    study.optimize(fo.scalar, n_trials=6)
    for trial in study.trials:
        assert trial.budget is not None and trial.metrics == {"score": pytest.approx(fo.score(trial.arch)
                                                                                     + trial.budget)}


def test_two_worker_processes_give_the_inline_results_with_their_learning_curves(tmp_path: Path) -> None:
    inline = _study(storage=f"sqlite:///{tmp_path / 'a.db'}")
    inline.optimize(fo.objective, n_trials=6)
    workers = _study(storage=f"sqlite:///{tmp_path / 'b.db'}")
    workers.optimize(fo.objective, n_trials=6, n_workers=2)
    assert len(workers.trials) == 6 and all(t.state is TrialState.COMPLETE for t in workers.trials)
    for trial in workers.trials:  # random search: the same proposals whatever the order of results
        assert trial.metrics["val_acc"] == pytest.approx(fo.score(trial.arch))
        assert sorted(trial.intermediate) == [0, 1, 2]
    assert {t.arch_key for t in inline.trials} == {t.arch_key for t in workers.trials}


def test_a_lambda_or_closure_runs_here_but_gets_one_line_for_workers() -> None:
    study = _study()
    study.optimize(lambda arch: fo.score(arch), n_trials=2)
    assert len(study.completed_trials()) == 2
    with pytest.raises(ValidationError, match="is a lambda: worker processes and Ray import the objective") as lam:
        study.optimize(lambda arch: fo.score(arch), n_trials=4, n_workers=2)
    assert "\n" not in str(lam.value)

    def nested(arch: Decisions) -> float:
        return fo.score(arch)

    with pytest.raises(ValidationError, match="defined inside another function"):
        study.optimize(nested, n_trials=4, executor="ray")
    assert len(study.trials) == 2  # nothing ran


def test_a_misspelt_objective_stops_after_the_first_result_in_one_line() -> None:
    study = _study("val_accuracy:max")
    with pytest.raises(ValidationError, match="'val_accuracy' is not among the metrics .* Did you mean 'val_acc'"):
        study.optimize(fo.objective, n_trials=20)
    assert len(study.trials) == 1


def test_declared_metrics_refuse_a_misspelt_objective_before_any_trial() -> None:
    study = _study("val_accuracy:max")
    with pytest.raises(ValidationError, match="must name metrics of FunctionEvaluator"):
        study.optimize(fo.objective, n_trials=20, metrics=["val_acc", "loss"])
    assert study.trials == []


def test_a_result_that_is_not_a_metric_fails_the_trial_with_the_reason() -> None:
    study = _study()
    with pytest.raises(ValidationError, match="must give a number or a dict of numbers.*Stopped after the first"):
        study.optimize(fo.broken, n_trials=5)  # the same bug for every architecture: not the whole budget
    assert len(study.trials) == 1
    assert study.trials[0].state is TrialState.FAIL
    assert "must give a number or a dict of numbers" in (study.trials[0].fail_reason or "")


def test_bad_import_paths_are_one_line() -> None:
    with pytest.raises(ValidationError, match="must be an import path"):
        FunctionEvaluator(function="no colon")
    with pytest.raises(ObjectiveError, match="No module named 'no_such_module_17'"):
        FunctionEvaluator(function="no_such_module_17:f").load()
    with pytest.raises(ObjectiveError, match="has no attribute 'nope'"):
        FunctionEvaluator(function="tests.evaluators.function_objectives:nope").load()
    study = _study()
    with pytest.raises(ValidationError, match="has no attribute 'nope'"):
        study.optimize("tests.evaluators.function_objectives:nope", n_trials=2)
    assert study.trials == []


def test_a_script_that_searches_when_imported_is_told_in_one_line(tmp_path: Path) -> None:
    script = tmp_path / "unguarded_search.py"
    script.write_text("import nasforge\n\ndef objective(arch):\n    return 1.0\n\n"
                      "nasforge.create_study(space={'a': [1, 2]}, objectives='v:max')"
                      ".optimize(objective, n_trials=1)\n")
    with pytest.raises(ObjectiveError, match="runs a search when it is imported.*if __name__ == \"__main__\":"):
        FunctionEvaluator(function=f"{script}:objective").load()
    guarded = tmp_path / "guarded_search.py"
    guarded.write_text(script.read_text().replace("nasforge.create_study", "if __name__ == '__main__':\n    "
                                                                           "nasforge.create_study"))
    assert FunctionEvaluator(function=f"{guarded}:objective").load()({"a": 1}) == 1.0


def test_the_objective_is_stored_by_its_import_path() -> None:
    study = _study()
    study.optimize(fo.objective, n_trials=1)
    entry = study.storage.get_study_spec(study.study_id)["evaluator"]
    assert entry["name"] == "function"
    assert entry["params"]["function"] == "tests.evaluators.function_objectives:objective"
    assert entry["params"]["objective"] == "val_acc"


def test_a_pruner_stops_trials_from_the_function_reports() -> None:
    from nasforge.study import MedianPruner

    def curve(arch: Decisions, report: Any) -> float:  # steps 0..5; a poor trial stays poor
        for step in range(6):
            report(step, fo.score(arch) * (step + 1) / 6)
        return fo.score(arch)

    study = _study(pruner=MedianPruner(n_startup_trials=3, n_warmup_steps=0))
    study.optimize(curve, n_trials=20)
    pruned = [t for t in study.trials if t.state is TrialState.PRUNED]
    assert pruned and all(max(t.intermediate) < 5 for t in pruned)
    assert len(study.trials) == 20


def test_a_script_objective_imports_the_modules_beside_it(tmp_path: Path) -> None:
    """As under ``python search.py``: the script's own folder is importable (its model file lives there)."""
    (tmp_path / "mymodel_beside_17.py").write_text("def score(depth):\n    return 0.1 * depth\n")
    (tmp_path / "search_beside_17.py").write_text(
        "from mymodel_beside_17 import score\n\n\ndef objective(arch):\n    return score(arch['depth'])\n")
    evaluator = FunctionEvaluator(function=f"{tmp_path / 'search_beside_17.py'}:objective", objective="v:max")
    arch = nasforge.Space(SPACE).sample(__import__("numpy").random.default_rng(0))
    assert evaluator.evaluate(arch)["v"] == pytest.approx(0.1 * float(arch["depth"]))


def test_a_script_that_exits_while_imported_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "exits_17.py").write_text("import sys\nsys.exit(3)\n")
    evaluator = FunctionEvaluator(function=f"{tmp_path / 'exits_17.py'}:objective", objective="v:max")
    with pytest.raises(ObjectiveError, match=r"called sys.exit\(3\) while it was imported"):
        evaluator.load()


def test_an_infinite_score_fails_the_trial_instead_of_winning_for_ever() -> None:
    study = _study("v:max")
    study.optimize(lambda arch: float("inf") if arch["depth"] == 1 else float(arch["depth"]), n_trials=12)
    infinite = [t for t in study.trials if t.arch["depth"] == 1]
    assert infinite and all(t.state is TrialState.FAIL and "is inf" in (t.fail_reason or "") for t in infinite)
    assert study.best_trial is not None and study.best_trial.metrics["v"] < float("inf")


def test_a_pruner_by_name_and_a_refused_name_leaves_no_database(tmp_path: Path) -> None:
    study = _study(pruner="median")
    assert study.pruner is not None and study.pruner.name == "median"
    with pytest.raises(ValidationError, match="must be one of"):
        _study(pruner="medain")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    with pytest.raises(ValidationError, match="control or invisible characters"):
        _study(storage=url, name="wide\x1b[2Jstudy")
    assert not (tmp_path / "w.db").exists()


@pytest.mark.parametrize("result", ["0.9", None, {"val_acc": "high"}])
def test_a_function_that_returns_no_numbers_stops_at_the_first_trial(result: object) -> None:
    study = _study()
    with pytest.raises(ValidationError, match="Stopped after the first trial"):
        study.optimize(lambda arch: result, n_trials=20)
    assert len(study.trials) == 1 and study.trials[0].state is TrialState.FAIL


def test_a_wrong_result_after_a_complete_trial_only_fails_that_trial() -> None:
    study = _study()
    study.optimize(lambda arch: None if arch["depth"] == 1 else {"val_acc": 0.5}, n_trials=12)
    assert len(study.trials) == 12
    assert any(t.state is TrialState.FAIL for t in study.trials) or all(t.arch["depth"] != 1 for t in study.trials)
