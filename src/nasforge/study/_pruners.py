"""Pruners: stop an unpromising trial early from its intermediate reports."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from nasforge._validation import check_int
from nasforge.exceptions import ValidationError
from nasforge.study._objectives import Objective
from nasforge.trial import FrozenTrial, TrialState


class Pruner(ABC):
    """Decides from a running trial's intermediate report whether to stop it. ``name`` and ``get_params``
    let a stored study rebuild it."""

    name: ClassVar[str]

    @abstractmethod
    def get_params(self) -> dict[str, Any]:
        """Constructor parameters."""

    @abstractmethod
    def should_prune(self, objective: Objective, step: int, values: Mapping[str, float],
                     finished: Sequence[FrozenTrial]) -> bool:
        """True to stop the running trial that reported ``values`` at ``step``."""


def _values_at(objective: Objective, step: int, finished: Sequence[FrozenTrial]) -> list[float]:
    """The objective ('larger is better') that finished trials reported at ``step``."""
    done = [t for t in finished if t.state in (TrialState.COMPLETE, TrialState.PRUNED)]
    out = [objective.signed(t.intermediate[step][objective.name]) for t in done
           if step in t.intermediate and objective.name in t.intermediate[step]]
    return [v for v in out if not math.isnan(v)]


class MedianPruner(Pruner):
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
        others = _values_at(objective, step, finished)
        if not others:
            return False
        return objective.signed(value) < float(np.median(others))


class SuccessiveHalvingPruner(Pruner):
    """Asynchronous successive halving as a pruner (Li et al. 2020): rungs at steps ``min_step * eta^k``; at a
    rung, a trial goes on only if its objective is in the top 1/eta of the values every finished trial
    reported at that step (it always goes on while fewer than ``eta`` values are known there). With real
    training the steps are epochs, so every trial gets at least ``min_step`` epochs and only one in eta^k
    reaches ``min_step * eta^k``.

    Args:
        min_step: the first rung (for example 1 epoch).
        eta: reduction factor between rungs.
    """

    name = "successive_halving"

    def __init__(self, *, min_step: int = 1, eta: int = 3) -> None:
        self.min_step = check_int("SuccessiveHalvingPruner", "min_step", min_step, minimum=1)
        self.eta = check_int("SuccessiveHalvingPruner", "eta", eta, minimum=2)

    def get_params(self) -> dict[str, Any]:
        return {"min_step": self.min_step, "eta": self.eta}

    def _is_rung(self, step: int) -> bool:
        ratio = step / self.min_step
        if ratio < 1 or ratio != int(ratio):
            return False
        k = round(math.log(ratio, self.eta))
        return bool(self.eta ** k == ratio)

    def should_prune(self, objective: Objective, step: int, values: Mapping[str, float],
                     finished: Sequence[FrozenTrial]) -> bool:
        value = values.get(objective.name)
        if value is None or math.isnan(value) or not self._is_rung(step):
            return False
        others = _values_at(objective, step, finished)
        ranked = sorted([*others, objective.signed(value)], reverse=True)
        keep = len(ranked) // self.eta
        if keep < 1:
            return False
        return objective.signed(value) < ranked[keep - 1]


PRUNERS: dict[str, type[Pruner]] = {"median": MedianPruner, "successive_halving": SuccessiveHalvingPruner}


def create_pruner(spec: Mapping[str, Any] | None) -> Pruner | None:
    """A pruner from its stored spec (``{"name": "median", "params": {...}}``) or None."""
    if not spec:
        return None
    cls = PRUNERS.get(str(spec.get("name")))
    if cls is None:
        raise ValidationError(f"The 'pruner' parameter must be one of {sorted(PRUNERS)} or None. "
                              f"Got {spec.get('name')!r} instead.")
    return cls(**spec.get("params", {}))
