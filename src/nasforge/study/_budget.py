"""Budgets: how much a search may spend."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from nasforge._validation import check_float, check_int
from nasforge.exceptions import ValidationError


@dataclass(frozen=True)
class Budget:
    """When a search stops: after ``n_trials`` finished trials, ``timeout_s`` seconds of one run, or
    ``max_cost`` units of the evaluator's cost metric (simulated training seconds on a tabular benchmark)
    summed over finished trials, whichever comes first. None means no limit of that kind.

    Trial and cost limits count the whole study (a resumed run completes the same budget); the time
    limit counts the current run.
    """

    n_trials: int | None = None
    timeout_s: float | None = None
    max_cost: float | None = None

    def __post_init__(self) -> None:
        if self.n_trials is not None:
            check_int("Budget", "n_trials", self.n_trials, minimum=1)
        if self.timeout_s is not None:
            check_float("Budget", "timeout_s", self.timeout_s, minimum=0, strict_minimum=True)
        if self.max_cost is not None:
            check_float("Budget", "max_cost", self.max_cost, minimum=0, strict_minimum=True)

    def is_unlimited(self) -> bool:
        """True when no limit is set."""
        return self.n_trials is None and self.timeout_s is None and self.max_cost is None

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Budget:
        """Inverse of :meth:`to_dict`."""
        data = data or {}
        unknown = set(data) - {"n_trials", "timeout_s", "max_cost"}
        if unknown:
            raise ValidationError(f"Unknown budget keys {sorted(unknown)}; allowed: n_trials, timeout_s, max_cost.")
        return cls(**data)
