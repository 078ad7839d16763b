"""Objectives: named metrics, each maximised or minimised."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from nasforge.exceptions import ValidationError
from nasforge.trial import FrozenTrial, TrialState

Direction = Literal["max", "min"]


def is_test_metric(name: str) -> bool:
    """True for a test-set metric (``test`` or ``test_*``): reported for a selected architecture, never selected
    by (unless a study allows it explicitly)."""
    return name == "test" or name.startswith("test_")


@dataclass(frozen=True)
class Objective:
    """One metric and its direction. ``Objective.parse("val_acc:max")``."""

    name: str
    direction: Direction = "max"

    @classmethod
    def parse(cls, spec: str) -> Objective:
        """Parse ``NAME:max`` or ``NAME:min`` (a bare ``NAME`` means max)."""
        name, sep, direction = spec.rpartition(":") if ":" in spec else (spec, "", "max")
        direction = direction.strip().lower()
        if not name.strip() or direction not in ("max", "min") or (sep and not direction):
            raise ValidationError(
                f"The 'objective' parameter must look like NAME:max or NAME:min. Got {spec!r} instead."
            )
        return cls(name.strip(), "max" if direction == "max" else "min")

    def __str__(self) -> str:
        return f"{self.name}:{self.direction}"

    def signed(self, value: float) -> float:
        """The value turned into 'larger is better'."""
        return value if self.direction == "max" else -value


def parse_objectives(specs: str | Sequence[str]) -> tuple[Objective, ...]:
    """Parse one spec or a list of them; names must be distinct."""
    items = [specs] if isinstance(specs, str) else list(specs)
    if not items:
        raise ValidationError("The 'objectives' parameter must name at least one metric. Got [] instead.")
    objectives = tuple(Objective.parse(s) for s in items)
    names = [o.name for o in objectives]
    if len(set(names)) != len(names):
        raise ValidationError(f"The 'objectives' parameter must name each metric once. Got {names} instead.")
    return objectives


def primary_score(objectives: Sequence[Objective], trial: FrozenTrial) -> float | None:
    """The first objective of a COMPLETE trial as 'larger is better', or None."""
    if trial.state is not TrialState.COMPLETE:
        return None
    value = trial.metrics.get(objectives[0].name)
    if value is None or math.isnan(value):
        return None
    return objectives[0].signed(value)
