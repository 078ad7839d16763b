"""Parallel evaluation on one machine: a pool of worker processes keeps up to N trials running, while the
strategy, the storage writes and the budget stay in this (the driver) process. A finished trial is told as soon
as it arrives, so a slow trial never holds the others back."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from nasforge.exceptions import NasforgeError, SearchSpaceExhausted
from nasforge.trial import INTERRUPTED, FrozenTrial, TrialState

if TYPE_CHECKING:
    from nasforge.evaluators import Evaluator
    from nasforge.spaces import Architecture
    from nasforge.study._budget import Budget
    from nasforge.study._study import Study


def worker_threads(n_workers: int) -> int:
    """Torch threads per worker so that workers x threads fit the cores."""
    return max(1, (os.cpu_count() or 1) // n_workers)


def _init_worker(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


def _evaluate(evaluator: Evaluator, arch: Architecture, budget: float | None) -> tuple[bool, Mapping[str, float] | str]:
    """Run in a worker: (True, metrics) or (False, the failure's reason); exceptions never cross processes."""
    try:
        return True, evaluator.evaluate(arch, budget=budget)
    except Exception as exc:  # a failing architecture must not end the search
        return False, f"{type(exc).__name__}: {exc}"


def optimize_parallel(study: Study, budget: Budget, n_workers: int,
                      on_done: Callable[[FrozenTrial], None]) -> None:
    """Keep ``n_workers`` evaluations running until ``budget`` is spent; ``on_done`` sees every finished trial.

    Trials run without intermediate reports (pruners need ``n_workers=1``). A worker that dies (killed, out of
    memory) fails the trials it held, with that reason, and stops the run.
    """
    evaluator = study.evaluator
    assert evaluator is not None
    context = multiprocessing.get_context("spawn")  # no forked torch thread pools
    started = time.monotonic()
    running: dict[Future[tuple[bool, Any]], FrozenTrial] = {}
    exhausted = False
    with ProcessPoolExecutor(n_workers, mp_context=context, initializer=_init_worker,
                             initargs=(worker_threads(n_workers),)) as pool:
        try:
            while True:
                while (not exhausted and not study.stopping and len(running) < n_workers
                       and study.budget_left(budget, started, pending=len(running))):
                    try:
                        trial = study.ask()
                    except SearchSpaceExhausted:
                        exhausted = True
                        break
                    running[pool.submit(_evaluate, evaluator, trial.arch, trial.budget)] = trial
                if not running:
                    return
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    trial = running.pop(future)
                    ok, payload = future.result()
                    done = (study.tell(trial, payload) if ok else
                            study.tell(trial, state=TrialState.FAIL, fail_reason=str(payload)))
                    on_done(done)
        except BrokenProcessPool as exc:
            for trial in running.values():
                study.tell(trial, state=TrialState.FAIL, fail_reason=f"a worker process died: {exc}")
            raise NasforgeError(f"A worker process died ({exc}); the trials it held are marked FAIL. "
                                "Resume the study to continue.") from exc
        except BaseException:
            for future, trial in running.items():
                future.cancel()
                study.tell(trial, state=TrialState.FAIL, fail_reason=f"{INTERRUPTED}: the run stopped")
            raise
