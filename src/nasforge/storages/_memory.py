"""In-memory storage: fast, for one process; nothing survives the process."""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from nasforge.exceptions import BudgetSpent, DuplicatedStudyError, DuplicateTrial, StorageError, StudyNotFoundError
from nasforge.spaces import Architecture
from nasforge.storages._base import BaseStorage, StudySummary
from nasforge.trial import FrozenTrial, TrialState


class InMemoryStorage(BaseStorage):
    """Studies and trials in dictionaries, guarded by one lock (thread-safe, single process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._studies: dict[int, tuple[str, datetime, dict[str, Any]]] = {}
        self._names: dict[str, int] = {}
        self._trials: dict[int, list[FrozenTrial]] = {}
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
            self._trials[study_id] = []
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
                counts: dict[str, int] = {}
                for trial in self._trials[study_id]:
                    counts[trial.state.value] = counts.get(trial.state.value, 0) + 1
                out.append(StudySummary(study_id, name, created, copy.deepcopy(spec), counts))
            return out

    def delete_study(self, study_id: int) -> None:
        with self._lock:
            name = self._study(study_id)[0]
            for trial in self._trials.pop(study_id):
                del self._trial_index[trial.trial_id]
            del self._studies[study_id], self._names[name]

    def create_trial(self, study_id: int, arch: Architecture, arch_key: str,
                     retry_of: int | None = None, budget: float | None = None, *, owner: str | None = None,
                     max_active: int | None = None, unique: bool = False) -> FrozenTrial:
        with self._lock:
            self._study(study_id)
            trials = self._trials[study_id]
            if max_active is not None and sum(1 for t in trials if t.occupies_budget) >= max_active:
                raise BudgetSpent(f"The study's budget of {max_active} trials is taken.")
            if unique:
                for other in trials:
                    if (other.arch_key == arch_key and other.budget == budget
                            and other.state in (TrialState.RUNNING, TrialState.COMPLETE)):
                        raise DuplicateTrial(f"Trial {other.number} has the same architecture.", other)
            self._last_trial_id += 1
            now = datetime.now(UTC)
            trial = FrozenTrial(trial_id=self._last_trial_id, number=len(trials), state=TrialState.RUNNING,
                                arch=arch, arch_key=arch_key, started_at=now, retry_of=retry_of,
                                budget=budget, owner=owner, heartbeat_at=now)
            trials.append(trial)
            self._trial_index[trial.trial_id] = (study_id, trial.number)
            return trial

    def heartbeat(self, trial_ids: Sequence[int]) -> None:
        now = datetime.now(UTC)
        with self._lock:
            for trial_id in trial_ids:
                study_id, number = self._locate(trial_id)
                trial = self._trials[study_id][number]
                if trial.state is TrialState.RUNNING:
                    self._trials[study_id][number] = replace(trial, heartbeat_at=now)

    def get_trials_since(self, study_id: int, after_trial_id: int, also: Sequence[int] = ()) -> list[FrozenTrial]:
        wanted = set(also)
        with self._lock:
            self._study(study_id)
            return [t for t in self._trials[study_id] if t.trial_id > after_trial_id or t.trial_id in wanted]

    def _locate(self, trial_id: int) -> tuple[int, int]:
        if trial_id not in self._trial_index:
            raise StorageError(f"No trial with id {trial_id}.")
        return self._trial_index[trial_id]

    def report_intermediate(self, trial_id: int, step: int, values: Mapping[str, float]) -> None:
        with self._lock:
            study_id, number = self._locate(trial_id)
            trial = self._trials[study_id][number]
            if trial.state.is_finished():
                raise StorageError(f"Trial {number} is finished ({trial.state.value}); it takes no reports.")
            intermediate = {**trial.intermediate, int(step): dict(values)}
            self._trials[study_id][number] = replace(trial, intermediate=intermediate)

    def finish_trial(self, trial_id: int, state: TrialState, metrics: Mapping[str, float],
                     fail_reason: str | None = None) -> FrozenTrial:
        if not state.is_finished():
            raise StorageError(f"A trial can only be finished as COMPLETE, PRUNED or FAIL, not {state.value}.")
        with self._lock:
            study_id, number = self._locate(trial_id)
            trial = self._trials[study_id][number]
            if trial.state.is_finished():
                raise StorageError(f"Trial {number} is already finished ({trial.state.value}); "
                                   "finished trials never change.")
            done = replace(trial, state=state, metrics=dict(metrics), fail_reason=fail_reason,
                           finished_at=datetime.now(UTC))
            self._trials[study_id][number] = done
            return done

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            study_id, number = self._locate(trial_id)
            return self._trials[study_id][number]

    def get_trials(self, study_id: int, states: Sequence[TrialState] | None = None) -> list[FrozenTrial]:
        with self._lock:
            self._study(study_id)
            trials = list(self._trials[study_id])
        if states is not None:
            wanted = set(states)
            trials = [t for t in trials if t.state in wanted]
        return trials
