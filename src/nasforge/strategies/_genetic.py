"""A generational genetic algorithm with crossover."""

from __future__ import annotations

import numpy as np

from nasforge._validation import check_choice, check_float, check_int
from nasforge.exceptions import ValidationError
from nasforge.spaces import Architecture
from nasforge.strategies._base import Strategy
from nasforge.strategies._registry import register_strategy
from nasforge.trial import FrozenTrial


@register_strategy("genetic")
class GeneticAlgorithm(Strategy):
    """Generational GA (Holland 1975; Goldberg 1989): a random first generation, then each generation's
    children are bred from the current one by selection, crossover and mutation; the next generation is the
    ``n_elite`` best of the current one plus the children (elitist replacement).

    Unlike regularized evolution, children mix two parents (``space.crossover``) and a whole generation is
    replaced at once instead of the oldest member.

    Args:
        population_size: members of a generation (P).
        selection: ``tournament`` (best of ``tournament_size`` drawn uniformly) or ``roulette`` (probability
            proportional to the score above the generation's worst).
        crossover_rate: probability that a child mixes two parents (else it copies one).
        mutation_rate: probability that a child is also mutated (a child equal to a seen architecture always is).
        n_elite: best members kept unchanged into the next generation.
        seed: seed of the strategy's generator.
    """

    def __init__(self, *, population_size: int = 20, selection: str = "tournament", tournament_size: int = 3,
                 crossover_rate: float = 0.9, mutation_rate: float = 0.5, n_elite: int = 2,
                 seed: int | None = None) -> None:
        super().__init__(seed=seed)
        owner = type(self).__name__
        self.population_size = check_int(owner, "population_size", population_size, minimum=2)
        self.selection = check_choice(owner, "selection", selection, ("tournament", "roulette"))
        self.tournament_size = check_int(owner, "tournament_size", tournament_size, minimum=1)
        self.crossover_rate = check_float(owner, "crossover_rate", crossover_rate, minimum=0, maximum=1)
        self.mutation_rate = check_float(owner, "mutation_rate", mutation_rate, minimum=0, maximum=1)
        self.n_elite = check_int(owner, "n_elite", n_elite, minimum=0)
        if self.n_elite >= self.population_size:
            raise ValidationError(f"The 'n_elite' parameter of {owner} must be an int < population_size "
                                  f"({self.population_size}). Got {n_elite!r} instead.")

    def _setup(self) -> None:
        self._generation: list[tuple[Architecture, float]] = []
        self._children: list[tuple[Architecture, float]] = []
        self._n_random = 0
        self._formed = False

    def _select(self) -> Architecture:
        scores = np.array([s for _, s in self._generation])
        if self.selection == "roulette":
            weights = scores - scores.min() + 1e-9 * (1 + abs(scores).max())
            return self._generation[int(self.rng.choice(len(scores), p=weights / weights.sum()))][0]
        k = min(self.tournament_size, len(scores))
        picks = self.rng.choice(len(scores), size=k, replace=False)
        return self._generation[int(picks[np.argmax(scores[picks])])][0]

    def _breed(self) -> Architecture:
        first = self._select()
        child = first
        if self.rng.random() < self.crossover_rate:
            child = self.space.crossover(first, self._select(), self.rng)
        if self.rng.random() < self.mutation_rate or self.is_seen(child):
            child = self.space.mutate(child, self.rng)
        return child

    def _ask(self) -> Architecture:
        if self._n_random < self.population_size or not self._generation:
            self._n_random += 1
            return self._initial()
        return self._unseen(self._breed)

    def _tell(self, trial: FrozenTrial, score: float | None) -> None:
        if score is None:
            return
        if not self._formed:
            self._generation.append((trial.arch, score))
            self._formed = len(self._generation) >= self.population_size
            return
        self._children.append((trial.arch, score))
        if len(self._children) >= self.population_size - self.n_elite:
            elite = sorted(self._generation, key=lambda member: -member[1])[:self.n_elite]
            self._generation = elite + self._children
            self._children = []
