"""The storage contract."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nasforge.spaces import Architecture
from nasforge.trial import FrozenTrial, TrialState


@dataclass(frozen=True)
class StudySummary:
    """A study as listed by a storage."""

    study_id: int
    name: str
    created_at: datetime
    spec: dict[str, Any]
    n_trials: dict[str, int]  # state name -> count
    problem: str | None = None  # why the stored spec cannot be read (then ``spec`` is empty)


class BaseStorage(ABC):
    """Where studies and trials live.

    Guarantees every implementation keeps (the conformance suite checks them):

    - Trial numbers within a study are 0, 1, 2 ... with no gap and no duplicate, also when several
      threads (or, for database storages, several processes) create trials at once.
    - A finished trial (COMPLETE, PRUNED, FAIL) never changes: finishing it again raises StorageError.
    - A failed call leaves the stored data as it was (each call is one transaction).
    - Any backend error is raised as :class:`nasforge.exceptions.StorageError`.
    """

    @abstractmethod
    def create_study(self, name: str, spec: Mapping[str, Any]) -> int:
        """Create a study and return its id; DuplicatedStudyError if the name is taken."""

    @abstractmethod
    def get_study_id(self, name: str) -> int:
        """The id of the study named ``name``; StudyNotFoundError if there is none."""

    @abstractmethod
    def get_study_spec(self, study_id: int) -> dict[str, Any]:
        """The spec the study was created with (or last updated to)."""

    @abstractmethod
    def update_study_spec(self, study_id: int, spec: Mapping[str, Any]) -> None:
        """Replace the study's spec (a resumed study can extend its budget)."""

    @abstractmethod
    def list_studies(self) -> list[StudySummary]:
        """Every study, oldest first, with trial counts per state."""

    @abstractmethod
    def delete_study(self, study_id: int) -> None:
        """Remove a study and its trials."""

    @abstractmethod
    def create_trial(self, study_id: int, arch: Architecture, arch_key: str,
                     retry_of: int | None = None, budget: float | None = None, *, owner: str | None = None,
                     max_active: int | None = None, unique: bool = False) -> FrozenTrial:
        """Create a RUNNING trial with the next number, in one transaction with these checks:

        - ``max_active``: BudgetSpent if the study's running and counted trials already reach it (an exact
          trial budget for several processes sharing the study);
        - ``unique``: DuplicateTrial (carrying that trial) if a RUNNING or COMPLETE trial of the study has the
          same ``arch_key`` and ``budget``.
        """

    @abstractmethod
    def heartbeat(self, trial_ids: Sequence[int]) -> None:
        """Record that the owners of these RUNNING trials are still working on them (finished ones are left)."""

    @abstractmethod
    def get_trials_since(self, study_id: int, after_trial_id: int, also: Sequence[int] = ()) -> list[FrozenTrial]:
        """Trials of the study with an id above ``after_trial_id``, plus those with an id in ``also``, by
        number: what another process added or finished since this one last looked."""

    @abstractmethod
    def report_intermediate(self, trial_id: int, step: int, values: Mapping[str, float]) -> None:
        """Record values a running trial reported at ``step``."""

    @abstractmethod
    def finish_trial(self, trial_id: int, state: TrialState, metrics: Mapping[str, float],
                     fail_reason: str | None = None) -> FrozenTrial:
        """Move a RUNNING trial to a finished state; StorageError if it is already finished."""

    @abstractmethod
    def get_trial(self, trial_id: int) -> FrozenTrial:
        """One trial by id."""

    @abstractmethod
    def get_trials(self, study_id: int, states: Sequence[TrialState] | None = None) -> list[FrozenTrial]:
        """The study's trials ordered by number, optionally only those in ``states``."""

    def close(self) -> None:  # noqa: B027 - optional hook, a no-op by default
        """Release connections."""
