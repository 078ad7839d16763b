"""The Ray executor: a local Ray started for the run, results as from worker processes, faults with reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from nasforge.exceptions import ValidationError
from nasforge.storages import InMemoryStorage
from nasforge.study import Budget, TrialState, create_study
from tests.executors.faulty import FaultyEvaluator, fault_of

pytest.importorskip("ray")


def test_ray_tasks_evaluate_fail_time_out_and_retry_lost_trials(toy_table: str, tmp_path: Path) -> None:
    faults = {"a": "raise", "b": "kill_once"}
    study = create_study(evaluator=FaultyEvaluator(table=toy_table, faults=faults, marker=str(tmp_path / "k")),
                         strategy="grid", storage=InMemoryStorage(), budget=Budget(n_trials=27))
    study.optimize(n_workers=2, executor="ray", trial_timeout_s=120)
    trials = study.trials
    assert sum(t.counted for t in trials) == 27
    assert all(t.fail_reason == "RuntimeError: this architecture cannot be trained" for t in fault_of(trials, "a"))
    lost = [t for t in trials if t.interrupted]
    assert len(lost) == 1 and "its Ray worker died" in (lost[0].fail_reason or "")
    assert all(t.state is TrialState.COMPLETE for t in fault_of(trials, "b") if t.counted)
    assert len([t for t in fault_of(trials, "c") if t.state is TrialState.COMPLETE]) == 9
    import ray

    assert not ray.is_initialized()  # the local Ray started for the run is stopped with it


def test_ray_timeout_and_bad_address(toy_table: str) -> None:
    study = create_study(evaluator=FaultyEvaluator(table=toy_table, faults={"a": "hang"}), strategy="grid",
                         storage=InMemoryStorage(), budget=Budget(n_trials=3))
    study.optimize(n_workers=2, executor="ray", trial_timeout_s=3)
    assert all((t.fail_reason or "").startswith("TrialTimeout") for t in study.trials)
    with pytest.raises(ValidationError, match="'ray_address' parameter '127.0.0.1:9' could not be reached"):
        study.optimize(Budget(n_trials=4), n_workers=2, executor="ray", ray_address="127.0.0.1:9")


def _listening() -> dict[str, str]:
    """inode -> local address of every listening TCP socket on the machine (from /proc/net)."""
    out = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        lines = Path(table).read_text().splitlines()[1:]
        for line in lines:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                out[fields[9]] = fields[1]
    return out


def _is_loopback(address: str) -> bool:
    host = address.split(":")[0]
    return host in ("0100007F", "00000000000000000000000001000000")  # 127.0.0.1, ::1


@pytest.mark.xfail(strict=True, reason="Ray 2.60's GCS, raylet and worker gRPC servers listen on every interface "
                                        "whatever the node address; nasforge warns when it starts a local Ray")
def test_a_local_ray_listens_on_loopback_only(toy_table: str) -> None:
    from nasforge.executors import RayExecutor

    before = set(_listening())
    with pytest.warns(UserWarning, match="listen on every network interface"):
        executor = RayExecutor(FaultyEvaluator(table=toy_table, faults={}), 1)
    try:
        opened = {inode: address for inode, address in _listening().items() if inode not in before}
    finally:
        executor.close()
    assert opened and all(_is_loopback(a) for a in opened.values()), opened
