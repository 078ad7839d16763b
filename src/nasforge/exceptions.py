"""The exceptions nasforge raises. Every error a user can cause derives from :class:`NasforgeError`."""

from __future__ import annotations

__all__ = [
    "BudgetSpent",
    "DuplicateTrial",
    "DuplicatedStudyError",
    "NasforgeError",
    "SearchSpaceExhausted",
    "StorageError",
    "StudyNotFoundError",
    "TrialPruned",
    "ValidationError",
]


class NasforgeError(Exception):
    """Base class of every nasforge error."""


class ValidationError(NasforgeError, ValueError):
    """Bad input: the message names the parameter, the value given and what is allowed."""


class StorageError(NasforgeError):
    """A storage backend failed (database unreachable, corrupt, locked ...)."""


class DuplicatedStudyError(StorageError):
    """A study of that name already exists in the storage."""


class StudyNotFoundError(StorageError):
    """No study of that name exists in the storage."""


class SearchSpaceExhausted(NasforgeError):
    """A strategy has no architecture left to propose (a finite space fully explored)."""


class TrialPruned(NasforgeError):
    """Raised from inside an evaluation to stop an unpromising trial early."""


class BudgetSpent(StorageError):
    """The study's trial budget is taken: finished and running trials already reach it (several processes)."""


class DuplicateTrial(StorageError):
    """The architecture (at that budget) is already evaluated or being evaluated in the study.

    ``existing`` is that trial: COMPLETE (its result can be reused) or RUNNING (its result is still to come).
    """

    def __init__(self, message: str, existing: object) -> None:
        super().__init__(message)
        self.existing = existing
