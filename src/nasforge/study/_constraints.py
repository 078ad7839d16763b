"""Constraints on a trial's metrics, such as ``latency_ms<=5``."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from nasforge.exceptions import ValidationError
from nasforge.trial import FrozenTrial

_PATTERN = re.compile(r"^\s*([A-Za-z_][\w.\-]*)\s*(<=|>=)\s*([-+0-9.eE]+|inf|-inf)\s*$")


@dataclass(frozen=True)
class Constraint:
    """``metric <= bound`` or ``metric >= bound``. ``Constraint.parse("latency_ms<=5")``."""

    metric: str
    op: Literal["<=", ">="]
    bound: float

    @classmethod
    def parse(cls, spec: str) -> Constraint:
        match = _PATTERN.match(spec) if isinstance(spec, str) else None
        if match is None:
            raise ValidationError(f"The 'constraint' parameter must look like METRIC<=NUMBER or METRIC>=NUMBER. "
                                  f"Got {spec!r} instead.")
        bound = float(match.group(3))
        if math.isnan(bound):
            raise ValidationError(f"The 'constraint' parameter needs a number as its bound. Got {spec!r} instead.")
        return cls(match.group(1), "<=" if match.group(2) == "<=" else ">=", bound)

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{self.bound:g}"

    def violation(self, trial: FrozenTrial) -> float:
        """How far the trial is outside the bound (0 when it satisfies it; inf when the metric is missing)."""
        value = trial.metrics.get(self.metric)
        if value is None or math.isnan(value):
            return math.inf
        excess = value - self.bound if self.op == "<=" else self.bound - value
        return max(0.0, excess)


def parse_constraints(specs: str | Sequence[str] | None) -> tuple[Constraint, ...]:
    """Parse none, one or several constraint specs."""
    if specs is None:
        return ()
    items = [specs] if isinstance(specs, str) else list(specs)
    return tuple(Constraint.parse(s) for s in items)


def total_violation(constraints: Sequence[Constraint], trial: FrozenTrial) -> float:
    """The sum of the constraints' violations (0 for a feasible trial)."""
    return float(sum(c.violation(trial) for c in constraints))
