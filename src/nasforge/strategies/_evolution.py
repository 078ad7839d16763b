"""Regularized (aging) evolution."""

from __future__ import annotations

from collections import deque

from nasforge.exceptions import ValidationError
from nasforge.spaces import Architecture
from nasforge.strategies._base import Strategy
from nasforge.strategies._registry import register_strategy
from nasforge.trial import FrozenTrial


@register_strategy("evolution")
class RegularizedEvolution(Strategy):
    """Aging evolution, Real et al. 2019 ("Regularized evolution for image classifier architecture
    search"), Algorithm 1.

    The first ``population_size`` proposals are random. Afterwards each proposal samples
    ``sample_size`` members of the population uniformly, mutates the best of them (tournament
    selection), and every result joins the population while the oldest member leaves (aging).

    Args:
        population_size: members kept (P). The defaults P=10, S=3 are the NATS-Bench settings, suited to
            budgets of a few hundred queries; Real et al. used P=100, S=25 for 20,000 models.
        sample_size: tournament size (S), 1 <= S <= P.
        seed: seed of the strategy's generator.
    """

    def __init__(self, *, population_size: int = 10, sample_size: int = 3, seed: int | None = None) -> None:
        super().__init__(seed=seed)
        owner = type(self).__name__
        self.population_size = self._positive(owner, "population_size", population_size, minimum=2)
        self.sample_size = self._positive(owner, "sample_size", sample_size)
        if self.sample_size > self.population_size:
            raise ValidationError(f"The 'sample_size' parameter of {owner} must be an int <= population_size "
                                  f"({self.population_size}). Got {self.sample_size!r} instead.")

    def _setup(self) -> None:
        self._population: deque[tuple[Architecture, float]] = deque(maxlen=self.population_size)
        self._n_random = 0

    def _ask(self) -> Architecture:
        if self._n_random < self.population_size or not self._population:
            self._n_random += 1
            return self._initial()
        k = min(self.sample_size, len(self._population))
        picks = self.rng.choice(len(self._population), size=k, replace=False)
        parent = max((self._population[int(i)] for i in picks), key=lambda member: member[1])[0]
        return self._unseen(lambda: self.space.mutate(parent, self.rng))

    def _tell(self, trial: FrozenTrial, score: float | None) -> None:
        if score is not None:
            self._population.append((trial.arch, score))  # a full deque drops its oldest member
