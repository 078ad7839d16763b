"""The Study: the ask/tell loop between a strategy, an evaluator and a storage."""

from __future__ import annotations

import math
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from nasforge.evaluators import Evaluator
from nasforge.exceptions import (
    BudgetSpent,
    DuplicateTrial,
    NasforgeError,
    SearchSpaceExhausted,
    StorageError,
    TrialPruned,
    ValidationError,
)
from nasforge.spaces import Architecture, SearchSpace
from nasforge.storages import BaseStorage
from nasforge.strategies import Strategy
from nasforge.study._budget import Budget
from nasforge.study._constraints import Constraint, total_violation
from nasforge.study._liveness import (
    HEARTBEAT_S,
    STALE_AFTER_S,
    Heartbeat,
    is_stale,
    process_owner,
    process_seed,
)
from nasforge.study._objectives import Objective, primary_score
from nasforge.study._pareto import objective_values
from nasforge.study._pruners import Pruner
from nasforge.study._results import BestTrial, StoredResults
from nasforge.trial import INTERRUPTED, FrozenTrial, TrialState

Callback = Callable[["Study", FrozenTrial], None]

# Consecutive proposals of already evaluated architectures (their results reused) before a strategy is taken
# to have nothing new to propose.
MAX_REUSED = 1000


class Study(StoredResults):
    """One search: a space, a strategy, an evaluator, objectives and a budget, kept in a storage.

    Build one with :func:`nasforge.create_study` or reopen one with :func:`nasforge.load_study`.
    ``optimize`` runs the loop; ``ask``/``tell`` let a caller evaluate architectures itself.

    While a trial of the study runs in this process, a heartbeat thread keeps it alive in storage; the thread
    stops when none runs (at the end of ``optimize``, or when ``tell`` finishes the last one). ``close()``, or
    leaving a ``with create_study(...) as study:`` block, stops it in any case (the storage stays open).

    The loop's bookkeeping costs O(1) per trial, whatever the study's size: the counts, the cost and the best
    trial are kept up to date as trials finish, and storage is only asked for what changed since the last look.

    Attributes:
        stop_reason: why the last ``optimize`` ended before its budget was spent (the strategy had nothing new to
            propose, or a callback called ``stop()``), in one line; None when it ran until the budget was spent.
    """

    def __init__(self, *, study_id: int, name: str, storage: BaseStorage, space: SearchSpace,
                 strategy: Strategy, evaluator: Evaluator | None, objectives: Sequence[Objective],
                 budget: Budget, pruner: Pruner | None = None, constraints: Sequence[Constraint] = (),
                 warm_start: Sequence[Architecture] = (), take_over: bool = False,
                 allow_duplicates: bool = False, join: bool = False) -> None:
        self.study_id = study_id
        self.name = name
        self.storage = storage
        self.space = space
        self.strategy = strategy
        self.evaluator = evaluator
        self.objectives = tuple(objectives)
        self.budget = budget
        self.pruner = pruner
        self.constraints = tuple(constraints)
        self.warm_start = tuple(warm_start)
        self.allow_duplicates = allow_duplicates
        self.owner = process_owner()
        self.heartbeat_s = HEARTBEAT_S
        self.stale_after_s = STALE_AFTER_S
        self._lock = threading.Lock()
        self._running: set[int] = set()  # ids of this process's RUNNING trials (kept alive by the heartbeat)
        self._own: set[int] = set()  # ids of trials this process created
        self._others_running: set[int] = set()  # RUNNING trials of other processes, to learn when they finish
        self._last_id = 0  # the largest trial id read from storage
        self._heartbeat: Heartbeat | None = None
        self._stale_checked = -math.inf
        self._finished: list[FrozenTrial] = []  # for the pruner: finished trials with their learning curves
        self._stop = False
        self._retries: list[tuple[int, FrozenTrial]] = []  # (interrupted number, its trial) to evaluate first
        self._counted = 0
        self._cost = 0.0
        self._cost_metric = evaluator.cost_metric() if evaluator is not None else None
        self._best = BestTrial(self._score)  # the best trial so far (see best_trial)
        self._complete_seen = False  # a COMPLETE trial exists: the objectives' names were found in a result
        self._looping = 0  # optimize calls in progress: the heartbeat thread outlives each trial until they end
        self.stop_reason: str | None = None
        self._restore(take_over, join)

    # -- state rebuilt from storage ----------------------------------------------------------------
    def _score(self, trial: FrozenTrial) -> float | None:
        """The primary objective as 'larger is better'; None for a trial that violates a constraint."""
        if self.constraints and total_violation(self.constraints, trial) > 0:
            return None
        return primary_score(self.objectives, trial)

    def _values(self, trial: FrozenTrial) -> np.ndarray | None:
        """Every objective as 'larger is better' (feasible or not), or None."""
        values = objective_values(self.objectives, trial)
        if values is None:
            return None
        signed: np.ndarray = values * np.array([1.0 if o.direction == "max" else -1.0 for o in self.objectives])
        return signed

    def _violation(self, trial: FrozenTrial) -> float:
        return total_violation(self.constraints, trial)

    def _bind(self) -> None:
        self.strategy.bind(self.space, self._score, values=self._values, violation=self._violation,
                           warm_start=self.warm_start)

    def _restore(self, take_over: bool, join: bool = False) -> None:
        """Rebuild the strategy from the stored trials.

        First by replay: ask the freshly bound strategy again and tell it each stored result in the
        original order; a sequential search then continues exactly as if it had never stopped. If a
        replayed proposal differs from the stored one (another strategy version, parallel workers),
        the strategy is rebound and told every finished trial instead. With ``take_over`` (the caller
        continues a run whose process died), RUNNING trials of processes that died or stopped beating are
        marked FAIL ('interrupted') and their architectures evaluated again first (the live processes sharing
        the study keep theirs); without it, the stored study is only read, never changed. A process that
        ``join``s others running the study (or finds live ones running it) gives its strategy a seed of its own,
        derived from the study's seed and this process, so that the processes explore different architectures.
        """
        trials = self.storage.get_trials(self.study_id)
        if take_over and self._fail_stale(trials):
            trials = self.storage.get_trials(self.study_id)
        self._last_id = max((t.trial_id for t in trials), default=0)
        self._others_running = {t.trial_id for t in trials if t.state is TrialState.RUNNING}
        open_retries: dict[int, FrozenTrial] = {}
        for trial in trials:
            origin = trial.number if trial.retry_of is None else trial.retry_of
            if trial.interrupted:
                open_retries[origin] = trial
            elif trial.retry_of is not None:
                open_retries.pop(trial.retry_of, None)
        self._retries = sorted(open_retries.items())
        self._counted = sum(1 for t in trials if t.counted)
        self._finished = [t for t in trials if t.state in (TrialState.COMPLETE, TrialState.PRUNED)]
        self._complete_seen = any(t.state is TrialState.COMPLETE for t in self._finished)
        if self._cost_metric:
            self._cost = sum(t.metrics.get(self._cost_metric, 0.0) for t in trials if t.counted)
        for trial in trials:
            self._compete(trial)
        live = any(t.state is TrialState.RUNNING and not is_stale(t, self.owner, self.stale_after_s) for t in trials)
        if join or live:
            self.strategy.seed = process_seed(self.strategy.seed, self.owner)
        if join or live or not self._replay(trials):
            self._bind()
            for trial in trials:
                if trial.counted:
                    self.strategy.tell(trial)

    def _replay(self, trials: Sequence[FrozenTrial]) -> bool:
        self._bind()
        complete: dict[tuple[str, float | None], FrozenTrial] = {}
        for trial in trials:
            if trial.retry_of is None:
                for _ in range(MAX_REUSED):
                    try:
                        proposed, budget = self.strategy.propose()
                    except SearchSpaceExhausted:
                        return False
                    key = (self.space.key(proposed), budget)
                    if key == (trial.arch_key, trial.budget):
                        break
                    if self.allow_duplicates or key not in complete:
                        return False
                    self.strategy.tell(complete[key])  # the run reused this result, as ask() does
                else:
                    return False
            if trial.counted:
                self.strategy.tell(trial)
            if trial.state is TrialState.COMPLETE:
                complete.setdefault((trial.arch_key, trial.budget), trial)
        return True

    # -- other processes sharing the study ---------------------------------------------------------
    def _fail_stale(self, trials: Iterable[FrozenTrial]) -> list[FrozenTrial]:
        """Mark RUNNING trials of dead or silent processes FAIL ('interrupted'); return those this call marked."""
        marked = []
        for trial in trials:
            if is_stale(trial, self.owner, self.stale_after_s):
                try:
                    marked.append(self.storage.finish_trial(
                        trial.trial_id, TrialState.FAIL, {},
                        f"{INTERRUPTED}: its process ({trial.owner or 'unknown'}) stopped before it finished"))
                except StorageError:
                    continue  # finished meanwhile, by its owner or by another process that saw it first
        return marked

    def _check_stale(self) -> None:
        """Now and then, take over the trials of processes that died: they are evaluated again first."""
        if time.monotonic() - self._stale_checked < self.stale_after_s / 2:
            return
        self._stale_checked = time.monotonic()
        for trial in self._fail_stale(self.storage.get_trials(self.study_id, [TrialState.RUNNING])):
            self._retries.append((trial.number if trial.retry_of is None else trial.retry_of, trial))

    def _sync(self) -> None:
        """Learn the trials other processes added or finished since the last look."""
        fresh = self.storage.get_trials_since(self.study_id, self._last_id, sorted(self._others_running))
        for trial in fresh:
            self._last_id = max(self._last_id, trial.trial_id)
            if trial.trial_id in self._own:
                self._own.discard(trial.trial_id)  # read back once; this process tells it (or told it) itself
                continue
            if trial.state is TrialState.RUNNING:
                self._others_running.add(trial.trial_id)
                self.strategy.mark_seen(trial.arch_key)
                continue
            self._others_running.discard(trial.trial_id)
            self._absorb(trial)

    def _absorb(self, done: FrozenTrial) -> None:
        """Count a finished trial and teach the strategy."""
        if self.pruner is not None and done.state is not TrialState.FAIL:
            self._finished.append(done)
        if done.state is TrialState.COMPLETE:
            self._complete_seen = True
        if done.counted:
            self._counted += 1
            if self._cost_metric:
                self._cost += done.metrics.get(self._cost_metric, 0.0)
            self.strategy.tell(done)
        self._compete(done)

    def _compete(self, trial: FrozenTrial) -> None:
        """Let a finished trial challenge the best trial (the rule is best_trial's)."""
        self._best.offer(trial)

    # -- results -----------------------------------------------------------------------------------
    @property
    def best_trial(self) -> FrozenTrial | None:
        """The COMPLETE trial with the best primary objective (the earliest on ties), or None.

        In a multi-fidelity study only the trials at the largest budget evaluated compete (a trial without a
        budget had the evaluator's full budget), as in Hyperband: a short training is no final result. A trial
        that violates a constraint never is the best.

        Kept up to date as trials finish, so reading it costs nothing: outside ``optimize`` it first learns what
        other processes (or other Study objects) finished since the last look; inside, every ``ask`` does.
        """
        if not self._looping:
            self._sync()
        return self._best.best

    @property
    def n_counted(self) -> int:
        """Finished trials that count against the trial budget, over every process sharing the study (as of this
        process's last look)."""
        return self._counted

    # -- ask / tell --------------------------------------------------------------------------------
    def ask(self, max_trials: int | None = None) -> FrozenTrial:
        """Create a RUNNING trial for the strategy's next proposal (interrupted ones first).

        Unless the study allows duplicates, an architecture already COMPLETE in the study (at the same budget)
        is not evaluated again: its result is told to the strategy, which proposes again; one another process
        is evaluating is skipped (its result arrives when it finishes). ``max_trials``: raise BudgetSpent when
        the study's running and counted trials, over every process sharing it, already reach this many.
        """
        self._sync()
        self._check_stale()
        unique = not self.allow_duplicates
        while self._retries:
            origin, interrupted = self._retries.pop(0)
            try:
                trial = self.storage.create_trial(self.study_id, interrupted.arch, interrupted.arch_key,
                                                  retry_of=origin, budget=interrupted.budget, owner=self.owner,
                                                  max_active=max_trials, unique=unique)
            except DuplicateTrial:
                continue  # evaluated again by another process already
            except BudgetSpent:
                self._retries.insert(0, (origin, interrupted))
                raise
            return self._hold(trial)
        for _ in range(MAX_REUSED):
            arch, budget, key = self.strategy.propose_keyed()
            try:
                trial = self.storage.create_trial(self.study_id, arch, key, budget=budget,
                                                  owner=self.owner, max_active=max_trials, unique=unique)
            except DuplicateTrial as duplicate:
                existing = duplicate.existing
                assert isinstance(existing, FrozenTrial)
                if existing.state is TrialState.COMPLETE:
                    self.strategy.tell(existing)
                continue
            return self._hold(trial)
        raise SearchSpaceExhausted(f"The strategy proposed {MAX_REUSED} architectures in a row that the study had "
                                   "already evaluated; nothing new is left to try.")

    def _hold(self, trial: FrozenTrial) -> FrozenTrial:
        """Register a trial this process now runs, and keep its heartbeat going."""
        with self._lock:
            self._own.add(trial.trial_id)
            self._running.add(trial.trial_id)
            if self._heartbeat is None:
                self._heartbeat = Heartbeat(self.storage.heartbeat, self._running_ids, self.heartbeat_s)
        return trial

    def _idle(self) -> None:
        """Stop the heartbeat thread if no trial of this process runs (the next ask starts another)."""
        with self._lock:
            heartbeat = self._heartbeat if not self._running else None
            if heartbeat is not None:
                self._heartbeat = None
        if heartbeat is not None:
            heartbeat.stop()

    def close(self) -> None:
        """Stop the heartbeat thread. Trials still running stop beating (another process may then take them
        over as stale); the storage is left open. The study can still be used: the next ask beats again."""
        with self._lock:
            heartbeat, self._heartbeat = self._heartbeat, None
        if heartbeat is not None:
            heartbeat.stop()

    def __enter__(self) -> Study:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _running_ids(self) -> list[int]:
        with self._lock:
            return sorted(self._running)

    def report(self, trial: FrozenTrial, step: int, values: Mapping[str, float]) -> None:
        """Record intermediate values of a running trial; raises TrialPruned when the pruner stops it."""
        self.storage.report_intermediate(trial.trial_id, step, values)
        last = self.evaluator.last_step(trial.arch, trial.budget) if self.evaluator is not None else None
        if last is not None and step >= last:
            return
        if self.pruner is not None and self.pruner.should_prune(self.objectives[0], step, values, self._finished):
            raise TrialPruned(f"pruned at step {step}")

    def add_trial(self, arch: Architecture, metrics: Mapping[str, float]) -> FrozenTrial:
        """Record an architecture evaluated elsewhere (for example derived by a one-shot search) as a finished
        trial; it must carry every objective, like any result told to the study."""
        self.space.validate(arch)
        trial = self.storage.create_trial(self.study_id, arch, self.space.key(arch))
        with self._lock:
            self._own.add(trial.trial_id)  # told here: a later look at storage must not count it again
        return self.tell(trial, metrics)

    def tell(self, trial: FrozenTrial, metrics: Mapping[str, float] | None = None, *,
             state: TrialState = TrialState.COMPLETE, fail_reason: str | None = None) -> FrozenTrial:
        """Finish a trial and teach the strategy. A COMPLETE trial must carry every objective."""
        values = {str(k): float(v) for k, v in (metrics or {}).items()}
        if state is TrialState.COMPLETE:
            problem = self._objective_problem(values)
            if problem:
                state, fail_reason = TrialState.FAIL, problem
        elif state is TrialState.RUNNING:
            raise ValidationError("The 'state' parameter of Study.tell must be COMPLETE, PRUNED or FAIL. "
                                  "Got RUNNING instead.")
        try:
            done = self.storage.finish_trial(trial.trial_id, state, values, fail_reason)
        except StorageError:
            stored = self.storage.get_trial(trial.trial_id)
            if not stored.interrupted:
                raise
            return stored  # another process took it over as stale (this one stopped beating); its retry decides
        finally:
            with self._lock:
                self._running.discard(trial.trial_id)
            if not self._looping:
                self._idle()
        if self.pruner is not None and done.state is not TrialState.FAIL:
            done = self.storage.get_trial(done.trial_id)  # with its learning curve
        self._absorb(done)
        if done.interrupted and state is TrialState.FAIL:
            self._retries.append((done.number if done.retry_of is None else done.retry_of, done))
        return done

    def _objective_problem(self, values: Mapping[str, float]) -> str | None:
        for objective in self.objectives:
            if objective.name not in values:
                return (f"objective {objective.name!r} missing from the metrics "
                        f"({', '.join(sorted(values)) or 'none'})")
            if math.isnan(values[objective.name]):
                return f"objective {objective.name!r} is NaN"
            if math.isinf(values[objective.name]):  # an infinite score would be the best trial for ever
                return f"objective {objective.name!r} is {values[objective.name]}"
        return None

    # -- the loop ----------------------------------------------------------------------------------
    def stop(self) -> None:
        """Ask ``optimize`` to stop after the current trial (for callbacks)."""
        self._stop = True

    @property
    def stopping(self) -> bool:
        """True once ``stop()`` was called during the current ``optimize``."""
        return self._stop

    def budget_left(self, budget: Budget, started: float, pending: int = 0) -> bool:
        """True while ``budget`` allows another trial (with ``pending`` trials still running)."""
        if budget.n_trials is not None and self._counted + pending >= budget.n_trials:
            return False
        if budget.max_cost is not None and self._cost >= budget.max_cost:
            return False
        return not (budget.timeout_s is not None and time.monotonic() - started >= budget.timeout_s)

    def evaluate_trial(self, trial: FrozenTrial) -> FrozenTrial:
        """Run the evaluator on a RUNNING trial and tell the result; failures become FAIL trials."""
        if self.evaluator is None:
            raise ValidationError("This study has no evaluator; use ask() and tell() instead of optimize().")
        try:
            metrics = self.evaluator.evaluate(
                trial.arch, budget=trial.budget, report=lambda step, values: self.report(trial, step, values))
        except TrialPruned:
            last = self.storage.get_trial(trial.trial_id).intermediate
            return self.tell(trial, dict(last[max(last)]) if last else {}, state=TrialState.PRUNED)
        except (KeyboardInterrupt, SystemExit):
            self.tell(trial, state=TrialState.FAIL, fail_reason=f"{INTERRUPTED}: stopped by the user")
            raise
        except Exception as exc:  # a failing architecture must not end the search
            reason = f"{type(exc).__name__}: {exc}"
            if not isinstance(exc, NasforgeError):
                reason += "\n" + "".join(traceback.format_exception(exc, limit=-3))
            return self.tell(trial, state=TrialState.FAIL, fail_reason=reason)
        return self.tell(trial, metrics)

    def optimize(self, objective: Callable[..., Any] | str | Budget | None = None, budget: Budget | None = None, *,
                 n_trials: int | None = None, timeout: float | None = None, metrics: Sequence[str] | None = None,
                 callbacks: Iterable[Callback] = (), max_failures: int | None = None, n_workers: int = 1,
                 executor: str = "process", trial_timeout_s: float | None = None, ray_address: str | None = None,
                 memory_limit_mb: int | None = None) -> None:
        """Run ask -> evaluate -> tell until the budget (default: the study's own) is spent.

        Args:
            objective: your own function ``objective(arch, report)`` (or its import path ``module:function``), which
                becomes the study's evaluator: ``arch`` maps each decision to its value (``arch.budget`` is a
                multi-fidelity strategy's budget), ``report(step, metrics)`` records a learning curve, and it
                returns a number (the study's objective) or a dict of metrics. It is stored by its import path, so
                that workers, Ray and ``resume`` import it again. A Budget here is the ``budget`` argument.
            budget: overrides the study's budget for this run.
            n_trials: shortcut for ``Budget(n_trials=...)``: the study's total number of trials (stored as the
                study's budget, so that ``nasforge resume`` continues it).
            timeout: shortcut for ``Budget(timeout_s=...)``: seconds of this run.
            metrics: with ``objective``: the metric names it returns, checked against the objectives before the
                first trial (otherwise at the first result).
            callbacks: called with (study, finished trial) after every trial; one may call ``stop()``.
            max_failures: stop after this many consecutive FAIL trials (a hopeless run).
            n_workers: evaluations running at once, each in a worker (torch threads per worker: cores / N).
                1 with the process executor and no timeout or memory limit evaluates in this process, with
                intermediate reports and pruning.
            executor: 'process' (worker processes on this machine) or 'ray' (Ray tasks; a local Ray is started
                unless ``ray_address`` names a cluster).
            trial_timeout_s: a trial running longer is stopped and FAILS with that reason.
            memory_limit_mb: the most memory a worker process may take (process executor); an evaluation that
                needs more FAILS with a MemoryError as its reason.

        Example:
            >>> def objective(arch, report):  # doctest: +SKIP
            ...     return train_and_score(arch["depth"], arch["width"], lr=arch["lr"])
            >>> study = nasforge.create_study(space=space, objectives="val_acc:max")  # doctest: +SKIP
            >>> study.optimize(objective, n_trials=30, n_workers=2)  # doctest: +SKIP
        """
        from nasforge._script_guard import refuse_while_imported

        refuse_while_imported()
        if isinstance(objective, Budget):
            if budget is not None:
                raise ValidationError("Give Study.optimize one budget, as its first argument or as 'budget'.")
            objective, budget = None, objective
        elif objective is not None and not (callable(objective) or isinstance(objective, str)):
            raise ValidationError(f"The 'objective' parameter of Study.optimize must be a function, an import path "
                                  f"'module:function' or a Budget. Got {type(objective).__name__} instead.")
        from nasforge.study._function_objective import (
            bind_objective,
            check_function,
            first_result_problem,
            result_type_problem,
            run_budget,
        )

        if objective is not None:
            bind_objective(self, objective, metrics)
        elif metrics is not None:
            raise ValidationError("The 'metrics' parameter of Study.optimize goes with an 'objective' function.")
        budget = run_budget(self, budget, n_trials, timeout)
        from nasforge.executors import check_run_options, create_executor
        from nasforge.study._parallel import optimize_with

        if budget.is_unlimited():
            raise ValidationError("The 'budget' of optimize must set n_trials, timeout_s or max_cost.")
        check_run_options(n_workers=n_workers, executor=executor, ray_address=ray_address,
                          trial_timeout_s=trial_timeout_s, memory_limit_mb=memory_limit_mb,
                          max_failures=max_failures, pruning=self.pruner is not None)
        elsewhere = (n_workers > 1 or executor != "process" or trial_timeout_s is not None
                     or memory_limit_mb is not None)
        if elsewhere and self.evaluator is None:
            raise ValidationError("This study has no evaluator; use ask() and tell() instead of optimize().")
        check_function(self.evaluator, elsewhere)
        callbacks = list(callbacks)
        self._stop = False
        self.stop_reason = None
        failures = 0

        def finished(done: FrozenTrial) -> None:
            nonlocal failures
            failures = failures + 1 if done.state is TrialState.FAIL else 0
            if not self._complete_seen:
                problem = first_result_problem(self, done) or result_type_problem(done)
                if problem:
                    raise ValidationError(problem)
            for callback in callbacks:
                callback(self, done)
            if max_failures is not None and failures >= max_failures:
                raise NasforgeError(f"Stopped after {failures} consecutive failed trials; the last one: "
                                    f"{(done.fail_reason or '').splitlines()[0]}")

        self._looping += 1
        try:
            if elsewhere:
                assert self.evaluator is not None
                optimize_with(self, budget, create_executor(
                    executor, self.evaluator, n_workers, trial_timeout_s=trial_timeout_s, ray_address=ray_address,
                    memory_limit_mb=memory_limit_mb), finished)
            else:
                self._loop(budget, finished)
        finally:
            self._looping -= 1
            if not self._looping:
                self._idle()
        if self._stop and self.stop_reason is None:
            self.stop_reason = "a callback called Study.stop()"

    def _loop(self, budget: Budget, finished: Callable[[FrozenTrial], None]) -> None:
        """ask -> evaluate -> tell in this process until the budget is spent."""
        started = time.monotonic()
        while not self._stop and self.budget_left(budget, started):
            try:
                trial = self.ask(max_trials=budget.n_trials)
            except SearchSpaceExhausted as exc:
                self.stop_reason = str(exc)
                break
            except BudgetSpent:  # the rest of the trial budget is held by other processes sharing the study
                break
            finished(self.evaluate_trial(trial))

    def summary(self) -> dict[str, Any]:
        """Counts per state and the best trial's metrics."""
        counts: dict[str, int] = {}
        for trial in self.trials:
            counts[trial.state.value] = counts.get(trial.state.value, 0) + 1
        best = self.best_trial
        return {"name": self.name, "trials": counts,
                "best": None if best is None else {"number": best.number, "arch": self.space.describe(best.arch),
                                                   "metrics": dict(best.metrics)}}
