"""The storage guarantees, checked on every backend."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nasforge.exceptions import BudgetSpent, DuplicatedStudyError, DuplicateTrial, StorageError, StudyNotFoundError
from nasforge.spaces import Architecture
from nasforge.storages import BaseStorage, InMemoryStorage, SQLStorage, get_storage
from nasforge.trial import TrialState

ARCH = Architecture.of("toy", {"x": 1, "y": "a"})


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BaseStorage]:
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        store: BaseStorage = SQLStorage(url)
    else:
        store = InMemoryStorage() if request.param == "memory" else SQLStorage(f"sqlite:///{tmp_path / 's.db'}")
    yield store
    store.close()


def test_studies(storage: BaseStorage) -> None:
    sid = storage.create_study("a", {"objectives": ["acc:max"], "nested": {"k": [1, 2]}})
    storage.create_study("b", {})
    assert storage.get_study_id("a") == sid
    assert storage.get_study_spec(sid)["nested"] == {"k": [1, 2]}
    with pytest.raises(DuplicatedStudyError):
        storage.create_study("a", {})
    with pytest.raises(StudyNotFoundError, match="'zzz'"):
        storage.get_study_id("zzz")
    storage.update_study_spec(sid, {"budget": 3})
    assert storage.get_study_spec(sid) == {"budget": 3}
    assert [s.name for s in storage.list_studies()] == ["a", "b"]
    storage.delete_study(sid)
    assert [s.name for s in storage.list_studies()] == ["b"]
    with pytest.raises(StudyNotFoundError):
        storage.get_study_spec(sid)


def test_trials_round_trip_and_immutability(storage: BaseStorage) -> None:
    sid = storage.create_study("s", {})
    t0 = storage.create_trial(sid, ARCH, "k0")
    t1 = storage.create_trial(sid, ARCH, "k1", retry_of=0)
    assert (t0.number, t1.number, t1.retry_of) == (0, 1, 0)
    assert t0.state is TrialState.RUNNING
    storage.report_intermediate(t0.trial_id, 1, {"acc": 0.5})
    storage.report_intermediate(t0.trial_id, 2, {"acc": 0.7})
    done = storage.finish_trial(t0.trial_id, TrialState.COMPLETE, {"acc": 0.75, "nan": float("nan")})
    assert done.state is TrialState.COMPLETE and done.metrics["acc"] == 0.75
    assert done.intermediate == {1: {"acc": 0.5}, 2: {"acc": 0.7}}
    assert done.finished_at is not None and done.duration_s is not None and done.duration_s >= 0
    with pytest.raises(StorageError, match="never change"):
        storage.finish_trial(t0.trial_id, TrialState.FAIL, {})
    with pytest.raises(StorageError, match="no reports"):
        storage.report_intermediate(t0.trial_id, 3, {"acc": 1.0})
    storage.finish_trial(t1.trial_id, TrialState.FAIL, {}, "boom")
    trials = storage.get_trials(sid)
    assert [t.number for t in trials] == [0, 1]
    assert trials[0].arch == ARCH and trials[0].arch_key == "k0"
    assert trials[1].fail_reason == "boom"
    assert [t.number for t in storage.get_trials(sid, [TrialState.FAIL])] == [1]
    again = storage.get_trial(t0.trial_id)
    assert again.number == 0 and again.metrics["acc"] == 0.75 and again.metrics["nan"] != again.metrics["nan"]
    assert storage.list_studies()[0].n_trials == {"COMPLETE": 1, "FAIL": 1}


def test_numbers_are_unique_under_threads(storage: BaseStorage) -> None:
    sid = storage.create_study("s", {})

    def work() -> None:
        for _ in range(25):
            t = storage.create_trial(sid, ARCH, "k")
            storage.finish_trial(t.trial_id, TrialState.COMPLETE, {"v": 1.0})

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [t.number for t in storage.get_trials(sid)] == list(range(100))


def _worker(url: str, n: int) -> None:
    store = get_storage(url)
    sid = store.get_study_id("shared")
    for i in range(n):
        t = store.create_trial(sid, ARCH, f"k{i}")
        store.finish_trial(t.trial_id, TrialState.COMPLETE, {"v": float(i)})


def test_database_shared_by_processes(shared_url: str) -> None:
    url = shared_url
    get_storage(url).create_study("shared", {})
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_worker, args=(url, 25)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert all(p.exitcode == 0 for p in procs)
    store = get_storage(url)
    trials = store.get_trials(store.get_study_id("shared"))
    assert [t.number for t in trials] == list(range(100))
    assert all(t.state is TrialState.COMPLETE for t in trials)


def test_get_storage_urls(tmp_path: Path) -> None:
    assert isinstance(get_storage(None), InMemoryStorage)
    assert isinstance(get_storage("memory"), InMemoryStorage)
    assert isinstance(get_storage(str(tmp_path / "x.db")), SQLStorage)
    for bad, message in [("", "database URL"), ("results.txt", "database URL"), ("nosuchdb://x", "driver|URL"),
                         (f"sqlite:///{tmp_path}/missing/dir/x.db", "does not exist")]:
        with pytest.raises(StorageError, match=message):
            get_storage(bad)


def test_corrupt_sqlite_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError, match="failed"):
        get_storage(f"sqlite:///{path}")
    assert path.read_bytes() == b"this is not a database" * 100  # left untouched


def test_budget_and_uniqueness_are_checked_inside_the_transaction(storage: BaseStorage) -> None:
    sid = storage.create_study("s", {})
    a = storage.create_trial(sid, ARCH, "a", owner="h:1:x", max_active=3, unique=True)
    assert a.owner == "h:1:x" and a.heartbeat_at is not None
    with pytest.raises(DuplicateTrial) as running:
        storage.create_trial(sid, ARCH, "a", max_active=3, unique=True)
    assert running.value.existing.trial_id == a.trial_id  # type: ignore[attr-defined]
    storage.create_trial(sid, ARCH, "a", budget=3.0, unique=True)  # another budget is another evaluation
    dup = storage.create_trial(sid, ARCH, "a", max_active=3)  # duplicates when asked
    with pytest.raises(BudgetSpent):
        storage.create_trial(sid, ARCH, "b", max_active=3)
    storage.finish_trial(a.trial_id, TrialState.FAIL, {}, "interrupted: its process stopped")
    b = storage.create_trial(sid, ARCH, "b", max_active=3, unique=True)  # an interrupted trial frees its place
    storage.finish_trial(b.trial_id, TrialState.COMPLETE, {"v": 1.0})
    with pytest.raises(DuplicateTrial) as complete:
        storage.create_trial(sid, ARCH, "b", unique=True)
    assert complete.value.existing.metrics == {"v": 1.0}  # type: ignore[attr-defined]
    storage.finish_trial(dup.trial_id, TrialState.FAIL, {}, "interrupted: its process stopped")
    storage.create_trial(sid, ARCH, "a", unique=True)  # interrupted ones may be evaluated again
    assert [t.number for t in storage.get_trials(sid)] == [0, 1, 2, 3, 4]



def test_heartbeats_and_changes_since(storage: BaseStorage) -> None:
    sid = storage.create_study("s", {})
    t0 = storage.create_trial(sid, ARCH, "k0")
    t1 = storage.create_trial(sid, ARCH, "k1")
    first = storage.get_trial(t0.trial_id).heartbeat_at
    time.sleep(0.05)
    storage.heartbeat([t0.trial_id, t1.trial_id])
    assert first is not None and (storage.get_trial(t0.trial_id).heartbeat_at or first) > first
    storage.finish_trial(t1.trial_id, TrialState.COMPLETE, {"v": 1.0})
    beat = storage.get_trial(t1.trial_id).heartbeat_at
    storage.heartbeat([t1.trial_id])
    assert storage.get_trial(t1.trial_id).heartbeat_at == beat  # finished trials never change
    t2 = storage.create_trial(sid, ARCH, "k2")
    assert [t.number for t in storage.get_trials_since(sid, t1.trial_id)] == [2]
    assert [t.number for t in storage.get_trials_since(sid, t1.trial_id, [t0.trial_id])] == [0, 2]
    assert storage.get_trials_since(sid, t2.trial_id) == []
