"""The executor contract: keep up to ``capacity`` evaluations running, hand back outcomes as they finish."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field

from nasforge.evaluators import Evaluator, ObjectiveError
from nasforge.spaces import Architecture
from nasforge.trial import FrozenTrial


@dataclass(frozen=True)
class Outcome:
    """How one submitted trial ended.

    ``metrics`` for a result; otherwise ``reason`` says why it failed. ``lost`` means the process running it
    died (killed, out of memory, the machine gone): the trial is worth one more try elsewhere. ``fatal`` means no
    trial can run (the objective function cannot be imported there): the search stops. ``reports`` are the
    intermediate values the evaluation reported, as (step, values), in order.
    """

    trial: FrozenTrial
    metrics: Mapping[str, float] | None = None
    reason: str | None = None
    lost: bool = False
    fatal: bool = False
    reports: tuple[tuple[int, Mapping[str, float]], ...] = ()


@dataclass(frozen=True)
class WorkResult:
    """What a worker sends back for one evaluation (see :class:`Outcome`)."""

    metrics: dict[str, float] | None = None
    reason: str | None = None
    fatal: bool = False
    reports: list[tuple[int, dict[str, float]]] = field(default_factory=list)

    def outcome(self, trial: FrozenTrial) -> Outcome:
        """The outcome of ``trial``."""
        return Outcome(trial, metrics=self.metrics, reason=self.reason, fatal=self.fatal,
                       reports=tuple(self.reports))


def evaluate_safely(evaluator: Evaluator, arch: Architecture, budget: float | None) -> WorkResult:
    """The result, or the failure's reason: an exception never leaves a worker. Intermediate reports are kept and
    sent back with the result (the driver stores them as the trial's learning curve)."""
    reports: list[tuple[int, dict[str, float]]] = []

    def report(step: int, values: Mapping[str, float]) -> None:
        reports.append((int(step), {str(k): float(v) for k, v in values.items()}))

    try:  # NaN objectives come back as they are: the study fails such a trial with that reason
        metrics = {str(k): float(v) for k, v in evaluator.evaluate(arch, budget=budget, report=report).items()}
        return WorkResult(metrics, reports=reports)
    except MemoryError as exc:
        return WorkResult(reason=f"MemoryError: the evaluation ran out of memory ({exc or 'no detail'})",
                          reports=reports)
    except ObjectiveError as exc:
        return WorkResult(reason=str(exc), fatal=True)
    except Exception as exc:  # a failing architecture must not end the search
        return WorkResult(reason=f"{type(exc).__name__}: {exc}", reports=reports)


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
