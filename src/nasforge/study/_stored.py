"""A stand-in for a study's space when its code cannot be built: architectures described from their stored JSON."""

from __future__ import annotations

from typing import Any, NoReturn

import numpy as np

from nasforge.exceptions import StorageError
from nasforge.spaces import Architecture, SearchSpace


class StoredSpace(SearchSpace):
    """What a reader knows of a space it cannot build (its name is not registered, its code cannot be imported,
    its data file moved): the stored architectures, described decision by decision. Everything else raises a
    StorageError that says why the space is missing.

    Attributes:
        name: the stored space's registry name.
        params: its stored parameters.
        problem: why it could not be built (one line).
    """

    registry_name = "stored"

    def __init__(self, name: str, params: dict[str, Any], problem: str) -> None:
        self.name = name
        self.params = params
        self.problem = problem

    def raise_missing(self) -> NoReturn:
        """Raise the StorageError that says why the space is not available."""
        raise StorageError(f"The space {self.name!r} of this study cannot be built here ({self.problem}); only its "
                           "stored architectures can be read.")

    def get_params(self) -> dict[str, Any]:
        return dict(self.params)

    def describe(self, arch: Architecture) -> str:
        return ", ".join(f"{k}={v}" for k, v in arch.decisions)

    def validate(self, arch: Architecture) -> None:
        self.raise_missing()

    def sample(self, rng: np.random.Generator) -> Architecture:
        self.raise_missing()

    def mutate(self, arch: Architecture, rng: np.random.Generator) -> Architecture:
        self.raise_missing()

    def neighbors(self, arch: Architecture) -> list[Architecture]:
        self.raise_missing()

    def crossover(self, a: Architecture, b: Architecture, rng: np.random.Generator) -> Architecture:
        self.raise_missing()

    def encode(self, arch: Architecture, kind: str = "onehot") -> np.ndarray:
        self.raise_missing()
