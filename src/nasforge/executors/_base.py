"""The executor contract: keep up to ``capacity`` evaluations running, hand back outcomes as they finish."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass

from nasforge.evaluators import Evaluator
from nasforge.spaces import Architecture
from nasforge.trial import FrozenTrial


@dataclass(frozen=True)
class Outcome:
    """How one submitted trial ended.

    ``metrics`` for a result; otherwise ``reason`` says why it failed. ``lost`` means the process running it
    died (killed, out of memory, the machine gone): the trial is worth one more try elsewhere.
    """

    trial: FrozenTrial
    metrics: Mapping[str, float] | None = None
    reason: str | None = None
    lost: bool = False


def evaluate_safely(evaluator: Evaluator, arch: Architecture, budget: float | None) -> tuple[bool, object]:
    """(True, metrics) or (False, the failure's reason): an exception never leaves a worker."""
    try:  # NaN objectives come back as they are: the study fails such a trial with that reason
        return True, {str(k): float(v) for k, v in evaluator.evaluate(arch, budget=budget).items()}
    except MemoryError as exc:
        return False, f"MemoryError: the evaluation ran out of memory ({exc or 'no detail'})"
    except Exception as exc:  # a failing architecture must not end the search
        return False, f"{type(exc).__name__}: {exc}"


class Executor(ABC):
    """Runs evaluations elsewhere (other processes, other machines) while the strategy stays in this process.

    ``trial_timeout_s``: a trial running longer is stopped and fails with that reason.
    """

    capacity: int
    trial_timeout_s: float | None

    @abstractmethod
    def submit(self, trial: FrozenTrial) -> None:
        """Start evaluating ``trial`` (only while ``n_running < capacity``)."""

    @abstractmethod
    def wait(self, timeout_s: float) -> list[Outcome]:
        """Outcomes of trials that finished, failed, timed out or were lost; waits at most ``timeout_s``."""

    @property
    @abstractmethod
    def n_running(self) -> int:
        """Trials submitted and not yet handed back."""

    @abstractmethod
    def close(self) -> None:
        """Stop every worker; trials still running are abandoned (the caller marks them)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
