"""In-memory storage: fast, for one process; nothing survives the process."""

from __future__ import annotations

import copy
import threading
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from nasforge.exceptions import BudgetSpent, DuplicatedStudyError, DuplicateTrial, StorageError, StudyNotFoundError
from nasforge.spaces import Architecture
from nasforge.storages._base import BaseStorage, StudySummary
from nasforge.trial import FrozenTrial, TrialState

_LIVE = (TrialState.RUNNING, TrialState.COMPLETE)  # the states the ``unique`` check of create_trial looks at


@dataclass
class _Trials:
    """A study's trials with the indexes that keep every call O(1) in the number of trials (or O(log n)).

    ``trials[number]`` is the current record; ``ids[number]`` its id (increasing with the number, so the trials
    after an id are found by bisection); ``by_state`` the numbers in each state (dicts as ordered sets);
    ``active`` how many trials are RUNNING or counted (the shared trial budget); ``live`` the numbers of the
    RUNNING and COMPLETE trials of each (arch_key, budget), earliest first.
    """

    trials: list[FrozenTrial] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    by_state: dict[TrialState, dict[int, None]] = field(default_factory=lambda: {s: {} for s in TrialState})
    active: int = 0
    live: dict[tuple[str, float | None], dict[int, None]] = field(default_factory=dict)

    def add(self, trial: FrozenTrial) -> None:
        self.trials.append(trial)
        self.ids.append(trial.trial_id)
        self.by_state[trial.state][trial.number] = None
        self.live.setdefault((trial.arch_key, trial.budget), {})[trial.number] = None
        self.active += 1

    def finish(self, done: FrozenTrial) -> None:
        """Move trial ``done.number`` (RUNNING until now) to its finished record ``done``."""
        self.trials[done.number] = done
        del self.by_state[TrialState.RUNNING][done.number]
        self.by_state[done.state][done.number] = None
        if done.state not in _LIVE:
            key = (done.arch_key, done.budget)
            del self.live[key][done.number]
            if not self.live[key]:
                del self.live[key]
        if not done.counted:
            self.active -= 1

    def first_live(self, arch_key: str, budget: float | None) -> FrozenTrial | None:
        numbers = self.live.get((arch_key, budget))
        return self.trials[next(iter(numbers))] if numbers else None


class InMemoryStorage(BaseStorage):
    """Studies and trials in dictionaries, guarded by one lock (thread-safe, single process).

    Every call that the search loop makes costs O(1) (or O(log n)) in the number of stored trials: budget
    counts, the duplicate check and the trials since an id come from indexes kept up to date on each write.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._studies: dict[int, tuple[str, datetime, dict[str, Any]]] = {}
        self._names: dict[str, int] = {}
        self._trials: dict[int, _Trials] = {}
        self._trial_index: dict[int, tuple[int, int]] = {}  # trial_id -> (study_id, number)
        self._last_study_id = 0
        self._last_trial_id = 0

    def create_study(self, name: str, spec: Mapping[str, Any]) -> int:
        with self._lock:
            if name in self._names:
                raise DuplicatedStudyError(f"A study named {name!r} already exists.")
            self._last_study_id += 1
            study_id = self._last_study_id
            self._studies[study_id] = (name, datetime.now(UTC), copy.deepcopy(dict(spec)))
            self._names[name] = study_id
            self._trials[study_id] = _Trials()
            return study_id

    def get_study_id(self, name: str) -> int:
        with self._lock:
            if name not in self._names:
                raise StudyNotFoundError(f"No study named {name!r}. Studies: {', '.join(self._names) or 'none'}.")
            return self._names[name]

    def _study(self, study_id: int) -> tuple[str, datetime, dict[str, Any]]:
        if study_id not in self._studies:
            raise StudyNotFoundError(f"No study with id {study_id}.")
        return self._studies[study_id]

    def get_study_spec(self, study_id: int) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._study(study_id)[2])

    def update_study_spec(self, study_id: int, spec: Mapping[str, Any]) -> None:
        with self._lock:
            name, created, _ = self._study(study_id)
            self._studies[study_id] = (name, created, copy.deepcopy(dict(spec)))

    def list_studies(self) -> list[StudySummary]:
        with self._lock:
            out = []
            for study_id, (name, created, spec) in self._studies.items():
                counts = {state.value: len(numbers) for state, numbers in self._trials[study_id].by_state.items()
                          if numbers}
                out.append(StudySummary(study_id, name, created, copy.deepcopy(spec), counts))
            return out

    def delete_study(self, study_id: int) -> None:
        with self._lock:
            name = self._study(study_id)[0]
            for trial_id in self._trials.pop(study_id).ids:
                del self._trial_index[trial_id]
            del self._studies[study_id], self._names[name]

    def create_trial(self, study_id: int, arch: Architecture, arch_key: str,
                     retry_of: int | None = None, budget: float | None = None, *, owner: str | None = None,
                     max_active: int | None = None, unique: bool = False) -> FrozenTrial:
        with self._lock:
            self._study(study_id)
            trials = self._trials[study_id]
            if max_active is not None and trials.active >= max_active:
                raise BudgetSpent(f"The study's budget of {max_active} trials is taken.")
            if unique:
                other = trials.first_live(arch_key, budget)
                if other is not None:
                    raise DuplicateTrial(f"Trial {other.number} has the same architecture.", other)
            self._last_trial_id += 1
            now = datetime.now(UTC)
            trial = FrozenTrial(trial_id=self._last_trial_id, number=len(trials.trials), state=TrialState.RUNNING,
                                arch=arch, arch_key=arch_key, started_at=now, retry_of=retry_of,
                                budget=budget, owner=owner, heartbeat_at=now)
            trials.add(trial)
            self._trial_index[trial.trial_id] = (study_id, trial.number)
            return trial

    def heartbeat(self, trial_ids: Sequence[int]) -> None:
        now = datetime.now(UTC)
        with self._lock:
            for trial_id in trial_ids:
                study_id, number = self._locate(trial_id)
                trials = self._trials[study_id].trials
                if trials[number].state is TrialState.RUNNING:
                    trials[number] = replace(trials[number], heartbeat_at=now)

    def get_trials_since(self, study_id: int, after_trial_id: int, also: Sequence[int] = ()) -> list[FrozenTrial]:
        with self._lock:
            self._study(study_id)
            trials = self._trials[study_id]
            first = bisect_right(trials.ids, after_trial_id)  # ids grow with the number within a study
            found = trials.trials[first:]
            located = (self._trial_index.get(i) for i in set(also) if i <= after_trial_id)
            extra = sorted(where[1] for where in located if where is not None and where[0] == study_id)
            return [trials.trials[n] for n in extra] + found

    def _locate(self, trial_id: int) -> tuple[int, int]:
        if trial_id not in self._trial_index:
            raise StorageError(f"No trial with id {trial_id}.")
        return self._trial_index[trial_id]

    def report_intermediate(self, trial_id: int, step: int, values: Mapping[str, float]) -> None:
        with self._lock:
            study_id, number = self._locate(trial_id)
            trials = self._trials[study_id].trials
            trial = trials[number]
            if trial.state.is_finished():
                raise StorageError(f"Trial {number} is finished ({trial.state.value}); it takes no reports.")
            intermediate = {**trial.intermediate, int(step): dict(values)}
            trials[number] = replace(trial, intermediate=intermediate)

    def finish_trial(self, trial_id: int, state: TrialState, metrics: Mapping[str, float],
                     fail_reason: str | None = None) -> FrozenTrial:
        if not state.is_finished():
            raise StorageError(f"A trial can only be finished as COMPLETE, PRUNED or FAIL, not {state.value}.")
        with self._lock:
            study_id, number = self._locate(trial_id)
            trials = self._trials[study_id]
            trial = trials.trials[number]
            if trial.state.is_finished():
                raise StorageError(f"Trial {number} is already finished ({trial.state.value}); "
                                   "finished trials never change.")
            done = replace(trial, state=state, metrics=dict(metrics), fail_reason=fail_reason,
                           finished_at=datetime.now(UTC))
            trials.finish(done)
            return done

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            study_id, number = self._locate(trial_id)
            return self._trials[study_id].trials[number]

    def get_trials(self, study_id: int, states: Sequence[TrialState] | None = None) -> list[FrozenTrial]:
        with self._lock:
            self._study(study_id)
            trials = self._trials[study_id]
            if states is None:
                return list(trials.trials)
            # through the state index: asking for the RUNNING trials costs what is running, not the study
            numbers = sorted(n for state in set(states) for n in trials.by_state.get(state, {}))
            return [trials.trials[n] for n in numbers]
