"""Successive halving and Hyperband: many architectures on small budgets, the best ones on larger budgets."""

from __future__ import annotations

import math

from nasforge.spaces import Architecture
from nasforge.strategies._fidelity import MultiFidelityStrategy, Rung, ladder
from nasforge.strategies._registry import register_strategy
from nasforge.trial import FrozenTrial


class Bracket:
    """One run of successive halving: ``n`` architectures at the smallest budget, the best 1/eta of each rung
    promoted to the next budget, up to the largest one."""

    def __init__(self, budgets: list[float], n: int, eta: float) -> None:
        self.rungs = [Rung(b) for b in budgets]
        self.sizes = [max(1, math.floor(n * eta ** (-i) + 1e-9)) for i in range(len(budgets))]

    def next(self) -> tuple[int, str | None, Architecture | None] | None:
        """(rung, key, arch) to evaluate next: arch None means 'a new architecture at rung 0'; None when the
        bracket waits for results or is finished. Promotions wait until the whole lower rung has results."""
        if self.rungs[0].issued() < self.sizes[0]:
            return 0, None, None
        for i in range(len(self.rungs) - 1):
            lower, upper = self.rungs[i], self.rungs[i + 1]
            if lower.pending or len(lower.results) < self.sizes[i] or upper.issued() >= self.sizes[i + 1]:
                continue
            for key, arch in lower.top(self.sizes[i + 1]):
                if key not in lower.promoted:
                    return i + 1, key, arch
        return None

    def finished(self) -> bool:
        """True when nothing is pending and nothing more can be issued (failed trials may end it early)."""
        return not any(r.pending for r in self.rungs) and self.next() is None


@register_strategy("hyperband")
class Hyperband(MultiFidelityStrategy):
    """Hyperband (Li et al. 2018): brackets of successive halving from the most aggressive (many architectures
    on ``min_budget``) to plain full-budget evaluation, over and over. The budget is the evaluator's fidelity
    (epochs with real training). When the current bracket waits for results (parallel workers), the next
    bracket starts, so workers are never idle.

    The study's best trial is the best one at the largest budget evaluated.

    Parameters: ``min_budget``, ``max_budget``, ``eta``, ``seed`` (see ``MultiFidelityStrategy``).
    """

    def _setup(self) -> None:
        self._budgets = ladder(self.min_budget, self.max_budget, self.eta)
        self._s_max = len(self._budgets) - 1
        self._next_s = 0  # position in the cycle of brackets
        self._brackets: list[Bracket] = []
        self._where: dict[tuple[str, float], list[tuple[Bracket, int]]] = {}

    def _bracket_sizes(self) -> list[int]:
        """Bracket indices s to cycle through, most aggressive first."""
        return list(range(self._s_max, -1, -1))

    def _new_bracket(self) -> Bracket:
        cycle = self._bracket_sizes()
        s = cycle[self._next_s % len(cycle)]
        self._next_s += 1
        n = math.ceil((self._s_max + 1) / (s + 1) * self.eta ** s)
        return Bracket(self._budgets[self._s_max - s:], n, self.eta)

    def _sample(self) -> Architecture:
        """A new architecture for a bracket's first rung (random; BOHB overrides)."""
        return self._initial()

    def _propose(self) -> tuple[Architecture, float | None]:
        self._brackets = [b for b in self._brackets if not b.finished()]
        for bracket in self._brackets:
            step = bracket.next()
            if step is not None:
                return self._issue(bracket, *step)
        self._brackets.append(self._new_bracket())
        step = self._brackets[-1].next()
        assert step is not None  # a fresh bracket always wants a new architecture
        return self._issue(self._brackets[-1], *step)

    def _issue(self, bracket: Bracket, rung: int, key: str | None, arch: Architecture | None
               ) -> tuple[Architecture, float | None]:
        if arch is None or key is None:  # a new architecture for the first rung
            arch = self._sample()
            key = self.space.key(arch)
        else:  # a promotion from the rung below
            bracket.rungs[rung - 1].promoted.add(key)
        budget = bracket.rungs[rung].budget
        bracket.rungs[rung].add_pending(key, arch)
        self._where.setdefault((key, budget), []).append((bracket, rung))
        return arch, budget

    def _tell(self, trial: FrozenTrial, score: float | None) -> None:
        budget = self._budget_of(trial)
        places = self._where.get((trial.arch_key, budget))
        if places:
            bracket, rung = places.pop(0)
            bracket.rungs[rung].record(trial.arch_key, trial.arch, score)
        self._observe(trial, budget, score)

    def _observe(self, trial: FrozenTrial, budget: float, score: float | None) -> None:
        """Every result with its budget (BOHB's model learns from them)."""


@register_strategy("successive_halving")
class SuccessiveHalving(Hyperband):
    """Successive halving (Jamieson & Talwalkar 2016; Karnin et al. 2013): only Hyperband's most aggressive
    bracket, repeated: eta^k architectures on ``min_budget``, the best 1/eta moved up each time, one reaching
    ``max_budget``. Same parameters as ``hyperband``."""

    def _bracket_sizes(self) -> list[int]:
        return [self._s_max]
