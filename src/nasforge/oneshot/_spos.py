"""Single-path one-shot: uniform path sampling, then evolution over the trained supernet (Guo et al., ECCV 2020)."""

from __future__ import annotations

from typing import Any

import numpy as np
from torch import nn

from nasforge._validation import check_int
from nasforge.oneshot._base import OneShotMethod, SearchData, register_oneshot, shuffled
from nasforge.spaces import Architecture, CellSpace, ChainSpace


@register_oneshot("spos")
class SinglePathOneShot(OneShotMethod):
    """Training: each step runs one path, an architecture drawn uniformly from the space (a cell: one op per
    edge; a chain: depth, ops, widths, kernels, strides and the global choices), so every op's weights learn and
    memory does not grow with the number of choices. Cell and chain spaces.

    Search: evolution over the trained supernet. An architecture's fitness is its accuracy on ``n_eval``
    validation examples with the shared weights, after its batch-norm statistics are recalibrated on training
    batches. Each generation keeps the ``parents`` best and fills the population half by mutation, half by
    crossover (the space's own operators).

    Args:
        population, generations, parents: the evolutionary search.
        n_eval: validation examples per fitness evaluation.
        Others: as in :class:`OneShotMethod`.
    """

    spaces = (CellSpace, ChainSpace)

    def __init__(self, *, population: int = 20, generations: int = 10, parents: int = 5, n_eval: int = 500,
                 **params: Any) -> None:
        super().__init__(**params)
        owner = type(self).__name__
        self.population = check_int(owner, "population", population, minimum=2)
        self.generations = check_int(owner, "generations", generations, minimum=0)
        self.parents = check_int(owner, "parents", parents, minimum=1, maximum=self.population)
        self.n_eval = check_int(owner, "n_eval", n_eval, minimum=1)

    def get_params(self) -> dict[str, Any]:
        return {**super().get_params(), "population": self.population, "generations": self.generations,
                "parents": self.parents, "n_eval": self.n_eval}

    def _setup(self, data: SearchData) -> None:
        self.rng = np.random.default_rng(self.seed)
        self.fitness: dict[str, float] = {}
        self.best: Architecture | None = None

    def _epoch(self, epoch: int, data: SearchData) -> dict[str, float]:
        self.net.train()
        total, n = 0.0, 0
        for batch in shuffled(data.train, self.batch_size, self.generator):
            path = self.path(self.space.sample(self.rng))  # a uniform draw of the space
            loss = nn.functional.cross_entropy(self.net(data.x[batch], path), data.y[batch])
            self.step_weights(loss)
            total, n = total + float(loss.detach()) * len(batch), n + len(batch)
        return {"train_loss": total / max(1, n)}

    def _score(self, arch: Architecture, data: SearchData) -> float:
        key = self.space.key(arch)
        if key not in self.fitness:
            self.fitness[key] = self.path_accuracy(arch, data, self.n_eval)
        return self.fitness[key]

    def _derive(self, data: SearchData) -> Architecture | None:
        """None while the supernet trains: it is searched once, after the last epoch."""
        return self.best

    def _final(self, data: SearchData) -> Architecture:
        space = self.space
        self.fitness.clear()  # the weights changed since any earlier score
        population = [space.sample(self.rng) for _ in range(self.population)]
        for _ in range(self.generations + 1):
            population.sort(key=lambda a: -self._score(a, data))
            parents = population[: self.parents]
            children: list[Architecture] = []
            while len(parents) + len(children) < self.population:
                if len(children) % 2 == 0 or len(parents) < 2:
                    child = space.mutate(parents[int(self.rng.integers(len(parents)))], self.rng)
                else:
                    a, b = self.rng.choice(len(parents), size=2, replace=False)
                    child = space.crossover(parents[int(a)], parents[int(b)], self.rng)
                children.append(child)
            population = parents + children
        self.best = max(population, key=lambda a: self._score(a, data))
        return self.best
