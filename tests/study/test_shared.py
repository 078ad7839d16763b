"""Several processes on one study through shared storage, dead processes taken over, and a chaos test: a
search killed with SIGKILL again and again ends exactly as an uninterrupted one."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from nasforge.evaluators import NB201Evaluator
from nasforge.spaces import Architecture
from nasforge.storages import get_storage
from nasforge.strategies import create_strategy
from nasforge.study import Budget, TrialState, create_study, load_study
from nasforge.study._liveness import is_stale, owner_is_dead
from nasforge.trial import FrozenTrial


def _join(url: str, name: str, start: Any) -> None:
    study = load_study(name=name, storage=url, take_over=True, join=True)
    start.wait(120)  # every process starts its loop at once: one alone would finish 300 lookups before the others
    study.optimize()


def test_four_processes_share_one_study(shared_url: str, nb201_path: str) -> None:
    create_study(evaluator=NB201Evaluator(nb201_path=nb201_path), strategy=create_strategy("evolution", seed=0),
                 budget=Budget(n_trials=300), storage=shared_url, name="shared")
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(4)
    processes = [context.Process(target=_join, args=(shared_url, "shared", start)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(300)
    assert [p.exitcode for p in processes] == [0, 0, 0, 0]
    store = get_storage(shared_url)
    trials = store.get_trials(store.get_study_id("shared"))
    assert [t.number for t in trials] == list(range(len(trials)))
    assert sum(t.counted for t in trials) == 300 and all(t.state is TrialState.COMPLETE for t in trials)
    assert len({t.arch_key for t in trials}) == 300  # no architecture evaluated twice
    assert len({t.owner for t in trials}) >= 2  # the work was shared


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_trials_of_a_dead_process_are_taken_over_and_evaluated_again(tmp_path: Path, nb201_path: str) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    study = create_study(evaluator=NB201Evaluator(nb201_path=nb201_path), strategy=create_strategy("random", seed=1),
                         budget=Budget(n_trials=5), storage=url, name="d")
    store = study.storage
    arch = study.space.sample(__import__("numpy").random.default_rng(0))
    dead = store.create_trial(study.study_id, arch, study.space.key(arch),
                              owner=f"{socket.gethostname()}:{_dead_pid()}:gone")
    other = study.space.sample(__import__("numpy").random.default_rng(1))
    elsewhere = store.create_trial(study.study_id, other, study.space.key(other), owner="another-host:7:live")
    resumed = load_study(name="d", storage=url, take_over=True)
    assert store.get_trial(dead.trial_id).interrupted
    assert store.get_trial(elsewhere.trial_id).state is TrialState.RUNNING  # beating, on another machine
    resumed.optimize()
    trials = store.get_trials(study.study_id)
    (retry,) = [t for t in trials if t.retry_of == dead.number]
    assert retry.state is TrialState.COMPLETE and retry.arch == arch
    assert sum(t.counted for t in trials) + 1 == 5  # the other machine's running trial holds a place


def test_staleness_rules() -> None:
    now = datetime.now(UTC)
    arch = Architecture.of("toy", {"x": 1})
    here = socket.gethostname()

    def trial(owner: str | None, beat_age_s: float) -> FrozenTrial:
        return FrozenTrial(trial_id=1, number=0, state=TrialState.RUNNING, arch=arch, arch_key="k", owner=owner,
                           heartbeat_at=now - timedelta(seconds=beat_age_s), started_at=now)

    me = f"{here}:{os.getpid()}:me"
    assert not owner_is_dead(me) and owner_is_dead(f"{here}:{_dead_pid()}:x") and owner_is_dead(None)
    assert not is_stale(trial(me, 1e6), me, 60)  # never its own
    assert is_stale(trial(f"{here}:{_dead_pid()}:x", 0), me, 60)  # dead on this host: at once
    alive = f"{here}:{os.getppid()}:x"
    assert not is_stale(trial(alive, 10), me, 60)  # alive on this host and beating
    assert is_stale(trial(alive, 61), me, 60)  # alive but silent: hung, or its pid taken by another process
    assert not is_stale(trial("far:1:x", 10), me, 60) and is_stale(trial("far:1:x", 61), me, 60)


def _cli(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "nasforge.cli", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def _count(url: str, name: str) -> int:
    try:
        store = get_storage(url)
        return len(store.get_trials(store.get_study_id(name)))
    except Exception:
        return 0


def test_chaos_sigkill_five_times_then_resume_gives_the_uninterrupted_result(tmp_path: Path, nb201_path: str) -> None:
    url = f"sqlite:///{tmp_path / 'chaos.db'}"
    n_trials = 2000  # the loop runs hundreds of trials a second: enough for five kills in flight
    search = ["search", "--nb201-path", nb201_path, "--strategy", "evolution", "--seed", "7",
              "--n-trials", str(n_trials), "--storage", url]
    rng = random.Random(0)
    kills = 0
    process = _cli(*search, "--study", "chaos")
    while kills < 5:
        target = _count(url, "chaos") + rng.randint(5, 60)
        deadline = time.monotonic() + 120
        while _count(url, "chaos") < target and process.poll() is None and time.monotonic() < deadline:
            time.sleep(rng.uniform(0.0, 0.02))
        assert process.poll() is None, "the search ended before it could be killed; raise n_trials"
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
        process = _cli("resume", "--study", "chaos", "--storage", url)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()[-2000:]
    calm = _cli(*search, "--study", "calm")
    _, err = calm.communicate(timeout=300)
    assert calm.returncode == 0, err.decode()[-2000:]

    store = get_storage(url)
    chaos = store.get_trials(store.get_study_id("chaos"))
    reference = store.get_trials(store.get_study_id("calm"))
    counted = [t for t in chaos if t.counted]
    assert len(counted) == n_trials and all(t.state is TrialState.COMPLETE for t in counted)
    assert not any(t.state is TrialState.RUNNING for t in chaos)
    assert len({t.arch_key for t in counted}) == n_trials  # nothing evaluated twice
    assert [t.number for t in chaos] == list(range(len(chaos)))
    assert [(t.arch_key, dict(t.metrics)) for t in counted] == [(t.arch_key, dict(t.metrics)) for t in reference]
    print(f"chaos: {kills} kills, {sum(t.interrupted for t in chaos)} trials interrupted and evaluated again")


def test_a_result_for_a_trial_taken_over_meanwhile_is_dropped_not_fatal(nb201_path: str) -> None:
    study = create_study(evaluator=NB201Evaluator(nb201_path=nb201_path), strategy="random",
                         budget=Budget(n_trials=3))
    trial = study.ask()
    study.storage.finish_trial(trial.trial_id, TrialState.FAIL, {}, "interrupted: its process stopped")
    stored = study.tell(trial, {"val_acc": 90.0})
    assert stored.interrupted and study.n_counted == 0
    study.optimize()  # the other process's retry is not this one's business; the budget still completes
    assert sum(t.counted for t in study.trials) == 3
