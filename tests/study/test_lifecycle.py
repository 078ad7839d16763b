"""A study's life in one process: its heartbeat thread, closing it, why a run stopped, the best trial kept as
trials finish."""

from __future__ import annotations

import math
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nasforge.cli import app
from nasforge.evaluators import TableEvaluator
from nasforge.storages import InMemoryStorage
from nasforge.strategies import GridSearch, RandomSearch
from nasforge.study import Budget, Study, TrialState, create_study
from nasforge.study._constraints import total_violation
from nasforge.study._objectives import primary_score
from nasforge.trial import FrozenTrial
from tests.conftest import toy_space

COLUMNS = ["op_1_0", "op_2_0", "op_2_1"]


def _heartbeats() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "nasforge-heartbeat")


def test_no_thread_is_left_after_500_studies_each_asking_and_telling_a_trial() -> None:
    baseline = threading.active_count()
    storage = InMemoryStorage()
    for i in range(500):
        study = create_study(space=toy_space(), strategy=RandomSearch(seed=i), objectives="score:max",
                             storage=storage, name=f"s{i}")
        trial = study.ask()
        assert study._heartbeat is not None and _heartbeats() >= 1  # beating while the trial runs
        study.tell(trial, {"score": float(i)})
    assert threading.active_count() <= baseline + 5
    assert _heartbeats() == 0


def test_the_heartbeat_stops_when_no_trial_runs_and_starts_again_with_the_next() -> None:
    study = create_study(space=toy_space(), strategy="random", objectives="score:max")
    first, second = study.ask(), study.ask()
    beating = study._heartbeat
    assert beating is not None and beating.alive
    study.tell(first, {"score": 1.0})
    assert beating.alive  # the second trial still runs
    study.tell(second, {"score": 2.0})
    assert not beating.alive and study._heartbeat is None
    third = study.ask()
    assert study._heartbeat is not None and study._heartbeat.alive
    study.tell(third, {"score": 3.0})
    assert _heartbeats() == 0


def test_leaving_a_with_block_stops_the_thread_even_with_a_trial_running() -> None:
    with create_study(space=toy_space(), strategy="random", objectives="score:max") as study:
        study.ask()
        beating = study._heartbeat
        assert beating is not None and beating.alive
    assert not beating.alive
    study.close()  # closing again is harmless


def test_optimize_leaves_no_thread_behind(toy_table: str) -> None:
    evaluator = TableEvaluator(table=toy_table, arch_columns=COLUMNS, objective="score:max")
    study = create_study(evaluator=evaluator, strategy="random", budget=Budget(n_trials=10))
    study.optimize()
    assert study.n_counted == 10 and study.stop_reason is None
    assert study._heartbeat is None and _heartbeats() == 0


def test_a_strategy_with_nothing_new_to_propose_records_why_the_run_stopped(toy_table: str) -> None:
    evaluator = TableEvaluator(table=toy_table, arch_columns=COLUMNS, objective="score:max")
    study = create_study(evaluator=evaluator, strategy=RandomSearch(deduplicate=False, seed=0),
                         budget=Budget(n_trials=100))
    study.optimize()
    assert study.n_counted == 27  # every architecture of the table once, then 1,000 proposals of known ones
    assert study.stop_reason is not None and "1000 architectures in a row" in study.stop_reason
    study.optimize(Budget(n_trials=27))  # a run that ends on its budget has no reason to give
    assert study.stop_reason is None


def test_the_cli_prints_why_a_search_stopped_early(toy_table: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["search", "--table", toy_table, "--arch-columns", ",".join(COLUMNS),
                                      "--objective", "score:max", "--strategy", "grid", "--n-trials", "50",
                                      "--storage", f"sqlite:///{tmp_path / 's.db'}", "--study", "g"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Stopped after")]
    assert lines == ["Stopped after 27 trials: GridSearch has evaluated every architecture of the space."]


def _best_by_scan(study: Study) -> FrozenTrial | None:
    """best_trial's rule, by a pass over the stored trials (what best_trial did before it was kept as trials
    finish)."""
    done = study.completed_trials()
    if any(t.budget is not None for t in done):
        top = math.inf if any(t.budget is None for t in done) else max(t.budget or 0.0 for t in done)
        done = [t for t in done if (math.inf if t.budget is None else t.budget) == top]
    best, best_score = None, -math.inf
    for trial in done:
        if study.constraints and total_violation(study.constraints, trial) > 0:
            continue
        score = primary_score(study.objectives, trial)
        if score is not None and score > best_score:
            best, best_score = trial, score
    return best


@pytest.mark.parametrize("direction", ["max", "min"])
def test_the_best_trial_kept_as_trials_finish_is_the_one_a_pass_over_storage_finds(direction: str) -> None:
    storage = InMemoryStorage()
    study = create_study(space=toy_space(), strategy=GridSearch(), objectives=f"score:{direction}",
                         constraints="size<=5", storage=storage, name="kept")
    archs = list(study.space.enumerate())
    # (budget, score, size, state); trials of another process are created in storage directly
    plan = [(None, 1.0, 1, "COMPLETE"), (3.0, 9.0, 1, "COMPLETE"), (None, 2.0, 9, "COMPLETE"),
            (None, 2.0, 1, "COMPLETE"), (None, 2.0, 1, "COMPLETE"), (None, 7.0, 1, "FAIL"),
            (1.0, 8.0, 1, "COMPLETE"), (None, 0.5, 1, "PRUNED"), (None, -1.0, 2, "COMPLETE")]
    for i, (budget, score, size, state) in enumerate(plan):
        arch = archs[i]
        trial = storage.create_trial(study.study_id, arch, study.space.key(arch), budget=budget, owner="other")
        if i % 2:  # this process tells half of them, the other half another process finishes
            study._hold(trial)
            study.tell(trial, {"score": score, "size": size}, state=TrialState(state))
        else:
            storage.finish_trial(trial.trial_id, TrialState(state), {"score": score, "size": size})
        expected = _best_by_scan(study)
        assert study.best_trial == expected, (i, direction)
    assert study.best_trial is not None


def test_the_best_trial_is_read_without_a_pass_over_storage(toy_table: str) -> None:
    evaluator = TableEvaluator(table=toy_table, arch_columns=COLUMNS, objective="score:max")
    study = create_study(evaluator=evaluator, strategy="random", budget=Budget(n_trials=20))
    study.optimize()
    expected = _best_by_scan(study)
    calls: list[str] = []
    original = study.storage.get_trials

    def counting(*args: object, **kwargs: object) -> list[FrozenTrial]:
        calls.append("get_trials")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    study.storage.get_trials = counting  # type: ignore[method-assign]
    start = time.perf_counter()
    assert study.best_trial == expected
    assert calls == [] and time.perf_counter() - start < 1.0
