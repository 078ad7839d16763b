"""The driver loop for evaluations that run elsewhere: an executor keeps up to N trials running, while the
strategy, the storage writes and the budget stay in this process. A finished trial is told as soon as it
arrives, so a slow trial never holds the others back."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from nasforge.evaluators import ObjectiveError
from nasforge.exceptions import BudgetSpent, SearchSpaceExhausted
from nasforge.executors import Executor, Outcome
from nasforge.trial import INTERRUPTED, FrozenTrial, TrialState

if TYPE_CHECKING:
    from nasforge.study._budget import Budget
    from nasforge.study._study import Study

POLL_S = 1.0  # how often the loop looks up from waiting (stop requests, stale trials of other processes)


def _tell(study: Study, outcome: Outcome) -> FrozenTrial:
    trial = outcome.trial
    for step, values in outcome.reports:  # the learning curve, stored before the trial finishes
        study.storage.report_intermediate(trial.trial_id, step, values)
    if outcome.fatal:  # nothing can run there: the trial is evaluated again by a resumed run, once it can
        study.tell(trial, state=TrialState.FAIL, fail_reason=f"{INTERRUPTED}: {outcome.reason}")
        raise ObjectiveError(outcome.reason or "the objective cannot run in the workers")
    if outcome.metrics is not None:
        return study.tell(trial, outcome.metrics)
    reason = outcome.reason or "failed without a reason"
    if outcome.lost:  # evaluated again once (elsewhere, or in a fresh worker); a second loss is final
        reason = (f"{INTERRUPTED}: {reason}" if trial.retry_of is None
                  else f"WorkerDied: {reason}, for the second time on this architecture")
    return study.tell(trial, state=TrialState.FAIL, fail_reason=reason)


def optimize_with(study: Study, budget: Budget, executor: Executor, on_done: Callable[[FrozenTrial], None]) -> None:
    """Keep ``executor`` full until ``budget`` is spent; ``on_done`` sees every finished trial.

    Intermediate reports come back with each result and are stored as the trial's learning curve (pruners read them
    as they arrive, so they need the in-process loop). A worker that cannot run the objective at all stops the run
    (ObjectiveError). A trial whose worker dies is
    marked FAIL 'interrupted' and evaluated again once; a trial past the executor's timeout fails with that
    reason. If the loop itself stops (Ctrl-C, a callback's error), trials still running are marked FAIL
    'interrupted' and a resumed run evaluates them again.
    """
    started = time.monotonic()
    exhausted = False
    running: dict[int, FrozenTrial] = {}
    with executor:
        try:
            while True:
                while (not exhausted and not study.stopping and executor.n_running < executor.capacity
                       and study.budget_left(budget, started, pending=executor.n_running)):
                    try:
                        trial = study.ask(max_trials=budget.n_trials)
                    except SearchSpaceExhausted as exc:
                        exhausted = True
                        study.stop_reason = str(exc)
                        break
                    except BudgetSpent:  # other processes hold the rest of the budget
                        break
                    running[trial.trial_id] = trial
                    executor.submit(trial)
                if executor.n_running == 0:
                    return
                for outcome in executor.wait(POLL_S):
                    running.pop(outcome.trial.trial_id, None)
                    on_done(_tell(study, outcome))
        except BaseException:
            for trial in running.values():
                study.tell(trial, state=TrialState.FAIL, fail_reason=f"{INTERRUPTED}: the run stopped")
            raise
