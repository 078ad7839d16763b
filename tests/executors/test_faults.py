"""Trial faults in worker processes: each faulty trial FAILS with its reason and the search goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from nasforge.exceptions import NasforgeError
from nasforge.storages import InMemoryStorage
from nasforge.study import Budget, TrialState, create_study
from tests.executors.faulty import FaultyEvaluator, fault_of


def _study(table: str, faults: dict[str, str], n: int, marker: str = "") -> object:
    return create_study(evaluator=FaultyEvaluator(table=table, faults=faults, marker=marker), strategy="grid",
                        storage=InMemoryStorage(), budget=Budget(n_trials=n))


def test_exceptions_nan_and_memory_fail_with_their_reason(toy_table: str) -> None:
    study = _study(toy_table, {"a": "raise", "b": "memory"}, 27)
    study.optimize(n_workers=2, memory_limit_mb=2048)  # type: ignore[attr-defined]
    trials = study.trials  # type: ignore[attr-defined]
    assert len(trials) == 27
    assert {t.state for t in fault_of(trials, "a")} == {TrialState.FAIL}
    assert all(t.fail_reason == "RuntimeError: this architecture cannot be trained" for t in fault_of(trials, "a"))
    assert all(t.state is TrialState.FAIL and t.fail_reason.startswith("MemoryError: the evaluation ran out of memory")
               for t in fault_of(trials, "b"))
    assert all(t.state is TrialState.COMPLETE for t in fault_of(trials, "c")) and len(fault_of(trials, "c")) == 9
    nan = _study(toy_table, {"a": "nan"}, 27)
    nan.optimize(n_workers=2)  # type: ignore[attr-defined]
    assert all(t.fail_reason == "objective 'score' is NaN" for t in fault_of(nan.trials, "a"))  # type: ignore[attr-defined]


def test_a_trial_past_its_timeout_is_stopped_and_the_others_go_on(toy_table: str) -> None:
    study = _study(toy_table, {"a": "hang"}, 12)
    study.optimize(n_workers=2, trial_timeout_s=2)  # type: ignore[attr-defined]
    trials = study.trials  # type: ignore[attr-defined]
    hung = fault_of(trials, "a")
    assert len(trials) == 12 and hung
    assert all(t.state is TrialState.FAIL and t.fail_reason.startswith("TrialTimeout: still running after the "
                                                                       "trial timeout of 2 s") for t in hung)
    assert all(t.state is TrialState.COMPLETE for t in trials if t not in hung)
    assert all((t.duration_s or 0) < 30 for t in hung)


def test_a_killed_worker_is_replaced_and_its_trial_evaluated_again_once(toy_table: str, tmp_path: Path) -> None:
    once = _study(toy_table, {"a": "kill_once"}, 12, marker=str(tmp_path / "killed"))
    once.optimize(n_workers=2)  # type: ignore[attr-defined]
    trials = once.trials  # type: ignore[attr-defined]
    (lost,) = [t for t in trials if t.interrupted]
    assert "its worker process died (killed by SIGKILL" in (lost.fail_reason or "")
    (retry,) = [t for t in trials if t.retry_of == lost.number]
    assert retry.state is TrialState.COMPLETE and retry.arch == lost.arch
    assert sum(t.counted for t in trials) == 12 and len({t.arch_key for t in trials if t.counted}) == 12

    always = _study(toy_table, {"a": "kill"}, 10)
    always.optimize(n_workers=2)  # type: ignore[attr-defined]
    trials = always.trials  # type: ignore[attr-defined]
    finals = [t for t in fault_of(trials, "a") if t.counted]
    assert finals and all(t.state is TrialState.FAIL and t.retry_of is not None and
                          (t.fail_reason or "").startswith("WorkerDied: its worker process died") for t in finals)
    assert sum(t.counted for t in trials) == 10


def test_max_failures_stops_a_hopeless_run_in_workers(toy_table: str) -> None:
    study = _study(toy_table, {"a": "raise", "b": "raise", "c": "raise"}, 27)
    with pytest.raises(NasforgeError, match="Stopped after 3 consecutive failed trials"):
        study.optimize(n_workers=2, max_failures=3)  # type: ignore[attr-defined]
    trials = study.trials  # type: ignore[attr-defined]
    assert len(trials) < 27 and not any(t.state is TrialState.RUNNING for t in trials)


def test_workers_that_cannot_load_the_evaluator_stop_the_run_with_the_reason(toy_table: str, tmp_path: Path) -> None:
    from nasforge.executors import WorkerStartError

    table = tmp_path / "gone.csv"
    table.write_text(Path(toy_table).read_text())
    study = _study(str(table), {}, 6)
    table.unlink()  # the driver has the table; the workers cannot read it
    with pytest.raises(WorkerStartError, match="could not load the evaluator: .*gone.csv"):
        study.optimize(n_workers=2)  # type: ignore[attr-defined]
    trials = study.trials  # type: ignore[attr-defined]
    assert trials and all(t.interrupted for t in trials)  # nothing lost: a resume evaluates them


def test_a_script_without_a_main_guard_gets_told_so(toy_table: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    script = tmp_path / "search.py"
    script.write_text(
        "from nasforge import create_study\n"
        "from nasforge.evaluators import TableEvaluator\n"
        "from nasforge.study import Budget\n"
        f"ev = TableEvaluator(table={toy_table!r}, arch_columns=['op_1_0', 'op_2_0', 'op_2_1'], "
        "objective='score:max')\n"
        "create_study(evaluator=ev, strategy='grid', budget=Budget(n_trials=4)).optimize(n_workers=2)\n")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode != 0
    assert "runs a search when it is imported" in run.stderr
    assert "put the search under 'if __name__ == \"__main__\":'" in run.stderr
    assert "bootstrapping phase" not in run.stderr  # the workers stopped at the study, quietly, before starting more
