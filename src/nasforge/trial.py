"""Trial records: the state of a trial and its immutable snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from nasforge.spaces import Architecture

# Reason stored on a trial whose process died (or was stopped) before it finished.
INTERRUPTED = "interrupted"


class TrialState(StrEnum):
    """Life cycle of a trial: RUNNING, then exactly one of COMPLETE, PRUNED or FAIL."""

    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    PRUNED = "PRUNED"
    FAIL = "FAIL"

    def is_finished(self) -> bool:
        """True for COMPLETE, PRUNED and FAIL."""
        return self is not TrialState.RUNNING


@dataclass(frozen=True)
class FrozenTrial:
    """An immutable snapshot of a trial as stored.

    Attributes:
        trial_id: the storage's id, unique across studies.
        number: 0, 1, 2 ... within the study, in the order trials were asked.
        arch_key: the space's canonical key of ``arch`` (isomorphic architectures share it).
        metrics: everything the evaluator returned (objectives and costs).
        intermediate: step -> values reported while the trial ran (learning curves).
        retry_of: for a re-evaluation after an interruption, the number of the interrupted trial.
        budget: the fidelity (epochs) a multi-fidelity strategy asked for; None: the evaluator's full budget.
        owner: the process running (or that ran) the trial, as ``host:pid:token``; None if not recorded.
        heartbeat_at: when that process last said it is still working on the trial.
    """

    trial_id: int
    number: int
    state: TrialState
    arch: Architecture
    arch_key: str
    metrics: Mapping[str, float] = field(default_factory=dict)
    intermediate: Mapping[int, Mapping[str, float]] = field(default_factory=dict)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    fail_reason: str | None = None
    retry_of: int | None = None
    budget: float | None = None
    owner: str | None = None
    heartbeat_at: datetime | None = None

    @property
    def duration_s(self) -> float | None:
        """Seconds from start to finish, or None while running."""
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def interrupted(self) -> bool:
        """True for a trial that failed only because its process stopped (it is evaluated again)."""
        return self.state is TrialState.FAIL and (self.fail_reason or "").startswith(INTERRUPTED)

    @property
    def counted(self) -> bool:
        """True for a finished trial that counts against the budget (interrupted ones do not)."""
        return self.state.is_finished() and not self.interrupted

    @property
    def occupies_budget(self) -> bool:
        """True for a running trial or a counted one: what a shared study's trial budget is checked against."""
        return self.state is TrialState.RUNNING or self.counted
