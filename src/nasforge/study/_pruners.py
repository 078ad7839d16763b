"""Pruners: stop an unpromising trial early from its intermediate reports."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nasforge._validation import check_int
from nasforge.exceptions import ValidationError
from nasforge.study._objectives import Objective
from nasforge.trial import FrozenTrial, TrialState


class MedianPruner:
    """Stop a trial whose objective at step s is worse than the median of the finished trials at step s
    (the rule of Google Vizier's median stopping; Golovin et al. 2017).

    Args:
        n_startup_trials: never prune before this many trials have finished.
        n_warmup_steps: never prune at steps <= this.
    """

    name = "median"

    def __init__(self, *, n_startup_trials: int = 5, n_warmup_steps: int = 1) -> None:
        self.n_startup_trials = check_int("MedianPruner", "n_startup_trials", n_startup_trials, minimum=0)
        self.n_warmup_steps = check_int("MedianPruner", "n_warmup_steps", n_warmup_steps, minimum=0)

    def get_params(self) -> dict[str, Any]:
        return {"n_startup_trials": self.n_startup_trials, "n_warmup_steps": self.n_warmup_steps}

    def should_prune(self, objective: Objective, step: int, values: Mapping[str, float],
                     finished: Sequence[FrozenTrial]) -> bool:
        """True if the running trial's ``values`` at ``step`` fall below the median of ``finished`` trials."""
        value = values.get(objective.name)
        if value is None or step <= self.n_warmup_steps:
            return False
        done = [t for t in finished if t.state in (TrialState.COMPLETE, TrialState.PRUNED)]
        if len(done) < self.n_startup_trials:
            return False
        others = [objective.signed(t.intermediate[step][objective.name]) for t in done
                  if step in t.intermediate and objective.name in t.intermediate[step]]
        others = [v for v in others if not math.isnan(v)]
        if not others:
            return False
        return objective.signed(value) < float(np.median(others))


def create_pruner(spec: Mapping[str, Any] | None) -> MedianPruner | None:
    """A pruner from its stored spec (``{"name": "median", "params": {...}}``) or None."""
    if not spec:
        return None
    if spec.get("name") != "median":
        raise ValidationError(f"The 'pruner' parameter must be 'median' or None. Got {spec.get('name')!r} instead.")
    return MedianPruner(**spec.get("params", {}))
