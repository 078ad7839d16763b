"""Shared parts of multi-fidelity strategies: budget ladders and rung bookkeeping."""

from __future__ import annotations

import math

from nasforge._validation import check_float
from nasforge.exceptions import ValidationError
from nasforge.spaces import Architecture
from nasforge.strategies._base import Strategy
from nasforge.trial import FrozenTrial


def check_budgets(owner: str, min_budget: float, max_budget: float, eta: float) -> tuple[float, float, float]:
    """Validate ``min_budget`` < ``max_budget`` and ``eta`` > 1."""
    low = check_float(owner, "min_budget", min_budget, minimum=0, strict_minimum=True)
    high = check_float(owner, "max_budget", max_budget, minimum=0, strict_minimum=True)
    if high < low:
        raise ValidationError(f"The 'max_budget' parameter of {owner} must be >= min_budget ({low:g}). "
                              f"Got {high!r} instead.")
    factor = check_float(owner, "eta", eta, minimum=1, strict_minimum=True)
    return low, high, factor


def ladder(min_budget: float, max_budget: float, eta: float) -> list[float]:
    """Budgets max_budget * eta^-k, k = K..0, with K the largest such that the smallest is >= min_budget.

    Budgets that are whole numbers within rounding are returned as whole numbers (epochs).
    """
    k = math.floor(math.log(max_budget / min_budget, eta) + 1e-9)
    out = []
    for i in range(k, -1, -1):
        value = max_budget * eta ** (-i)
        out.append(float(round(value)) if abs(value - round(value)) < 1e-6 else value)
    return out


class Rung:
    """The results at one budget: which architectures were evaluated, with which score, and which were promoted.

    A missing score (failed or pruned trial) ranks below every real one.
    """

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.results: dict[str, tuple[Architecture, float]] = {}
        self.pending: dict[str, Architecture] = {}
        self.promoted: set[str] = set()

    def issued(self) -> int:
        return len(self.results) + len(self.pending)

    def add_pending(self, key: str, arch: Architecture) -> None:
        self.pending[key] = arch

    def record(self, key: str, arch: Architecture, score: float | None) -> None:
        self.pending.pop(key, None)
        self.results[key] = (arch, -math.inf if score is None or not math.isfinite(score) else score)

    def top(self, k: int) -> list[tuple[str, Architecture]]:
        """The ``k`` best results (ties: the earlier result), best first."""
        ranked = sorted(enumerate(self.results.items()), key=lambda item: (-item[1][1][1], item[0]))
        return [(key, value[0]) for _, (key, value) in ranked[:k] if value[1] > -math.inf]


class MultiFidelityStrategy(Strategy):
    """A strategy that proposes (architecture, budget) pairs on the ladder ``min_budget * eta^k`` up to
    ``max_budget``. Subclasses implement ``_propose``; a plain ``ask`` drops the budget (full budget).

    Args:
        min_budget: the smallest budget (for example 1 epoch).
        max_budget: the largest budget (for example 27 epochs); best as min_budget * eta^k.
        eta: 1/eta of the architectures at one budget move up to an eta times larger budget.
        seed: seed of the strategy's generator.
    """

    multi_fidelity = True

    def __init__(self, *, min_budget: float = 1.0, max_budget: float = 27.0, eta: float = 3.0,
                 seed: int | None = None) -> None:
        super().__init__(seed=seed)
        self.min_budget, self.max_budget, self.eta = check_budgets(type(self).__name__, min_budget, max_budget, eta)

    def _ask(self) -> Architecture:
        return self._propose()[0]

    def _budget_of(self, trial: FrozenTrial) -> float:
        """A trial's budget; one without a budget had the full one."""
        return self.max_budget if trial.budget is None else trial.budget
