"""NSGA-II: multi-objective evolution by non-dominated sorting and crowding."""

from __future__ import annotations

import numpy as np

from nasforge._dominance import constrained_ranks, crowding_distance
from nasforge._validation import check_float, check_int
from nasforge.spaces import Architecture
from nasforge.strategies._base import Strategy
from nasforge.strategies._registry import register_strategy
from nasforge.trial import FrozenTrial

Member = tuple[Architecture, np.ndarray, float]  # architecture, objective values (maximised), violation


@register_strategy("nsga2")
class NSGA2(Strategy):
    """NSGA-II (Deb et al. 2002) over architectures, with Deb's constrained domination.

    The first ``population_size`` proposals are random. Each later proposal is a child of two parents picked
    by binary tournaments on (non-domination rank, crowding distance), made by crossover and mutation. When
    ``population_size`` children have results, parents and children are sorted into fronts and the next
    parents are the best fronts, the last one cut by crowding distance. A feasible trial beats an infeasible
    one; infeasible trials compare by how far they violate the constraints. With one objective it behaves
    as a plain elitist GA.

    Args:
        population_size: parents kept (N). The default 10 suits budgets of a few hundred queries (measured on
            NAS-Bench-201 against 20 and 30, docs/benchmarks.md), as P=10 does for regularized evolution.
        crossover_rate: probability that a child mixes two parents (else it copies the first).
        mutation_rate: probability that a child is also mutated (a child equal to a seen architecture always is).
        seed: seed of the strategy's generator.
    """

    def __init__(self, *, population_size: int = 10, crossover_rate: float = 0.9, mutation_rate: float = 1.0,
                 seed: int | None = None) -> None:
        super().__init__(seed=seed)
        owner = type(self).__name__
        self.population_size = check_int(owner, "population_size", population_size, minimum=2)
        self.crossover_rate = check_float(owner, "crossover_rate", crossover_rate, minimum=0, maximum=1)
        self.mutation_rate = check_float(owner, "mutation_rate", mutation_rate, minimum=0, maximum=1)

    def _setup(self) -> None:
        self._parents: list[Member] = []
        self._children: list[Member] = []
        self._rank = np.zeros(0, dtype=int)
        self._crowd = np.zeros(0)
        self._n_random = 0
        self._formed = False

    def _sort(self, members: list[Member]) -> tuple[np.ndarray, np.ndarray]:
        points = np.stack([values for _, values, _ in members])
        violations = np.array([v for _, _, v in members])
        ranks = constrained_ranks(points, violations)
        crowd = np.zeros(len(members))
        for rank in np.unique(ranks):
            front = ranks == rank
            crowd[front] = crowding_distance(points[front])
        return ranks, crowd

    def _survive(self) -> None:
        pool = self._parents + self._children
        ranks, crowd = self._sort(pool)
        order = np.lexsort((-crowd, ranks))  # by rank, then by crowding distance, largest first
        keep = sorted(int(i) for i in order[:self.population_size])
        self._parents = [pool[i] for i in keep]
        self._children = []
        # crowding is recomputed on the survivors' own fronts, as in the original algorithm's next iteration
        self._rank, self._crowd = self._sort(self._parents)

    def _tournament(self) -> Architecture:
        a, b = (int(i) for i in self.rng.choice(len(self._parents), size=2, replace=len(self._parents) < 2))
        if (self._rank[a], -self._crowd[a]) <= (self._rank[b], -self._crowd[b]):
            return self._parents[a][0]
        return self._parents[b][0]

    def _breed(self) -> Architecture:
        child = self._tournament()
        if self.rng.random() < self.crossover_rate:
            child = self.space.crossover(child, self._tournament(), self.rng)
        if self.rng.random() < self.mutation_rate or self.is_seen(child):
            child = self.space.mutate(child, self.rng)
        return child

    def _ask(self) -> Architecture:
        if not self._formed:
            self._n_random += 1
            return self._initial()
        return self._unseen(self._breed)

    def _tell(self, trial: FrozenTrial, score: float | None) -> None:
        values = self.values(trial)
        if values is None or not np.all(np.isfinite(values)):
            return
        member = (trial.arch, np.asarray(values, dtype=float), float(self.violation(trial)))
        if not self._formed:
            self._parents.append(member)
            if len(self._parents) >= self.population_size:
                self._formed = True
                self._rank, self._crowd = self._sort(self._parents)
            return
        self._children.append(member)
        if len(self._children) >= self.population_size:
            self._survive()
