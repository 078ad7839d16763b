"""The SearchSpace contract."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from nasforge.spaces._architecture import Architecture

if TYPE_CHECKING:
    import torch


class SearchSpace(ABC):
    """A set of architectures and the moves a strategy can make in it.

    Subclasses are plain objects built from keyword parameters; ``get_params`` returns those parameters
    as JSON-compatible values, so that a stored study can rebuild its space with ``create_space``.
    Every method that draws randomness takes a ``numpy.random.Generator``.
    """

    registry_name: ClassVar[str]

    @abstractmethod
    def get_params(self) -> dict[str, Any]:
        """Constructor parameters (JSON-compatible) that rebuild an equal space."""

    @abstractmethod
    def sample(self, rng: np.random.Generator) -> Architecture:
        """Draw one architecture uniformly (or with the space's documented prior)."""

    @abstractmethod
    def mutate(self, arch: Architecture, rng: np.random.Generator) -> Architecture:
        """Return a random architecture one elementary change away from ``arch`` (never ``arch``)."""

    @abstractmethod
    def neighbors(self, arch: Architecture) -> list[Architecture]:
        """Every architecture one elementary change away from ``arch``, in a fixed order."""

    @abstractmethod
    def crossover(self, a: Architecture, b: Architecture, rng: np.random.Generator) -> Architecture:
        """A child that takes each decision from one of the two parents."""

    @abstractmethod
    def encode(self, arch: Architecture, kind: str = "onehot") -> np.ndarray:
        """A numeric vector for predictors; ``kind`` names the encoding (``encodings()`` lists them)."""

    def encodings(self) -> tuple[str, ...]:
        """Names of the encodings ``encode`` accepts."""
        return ("onehot",)

    @abstractmethod
    def validate(self, arch: Architecture) -> None:
        """Raise ValidationError if ``arch`` is not a member of this space."""

    def key(self, arch: Architecture) -> str:
        """Canonical key: equal for architectures that compute the same function."""
        return arch.to_json()

    @property
    def size(self) -> int | None:
        """Number of architectures, or None when the space is infinite or too large to count."""
        return None

    def enumerate(self) -> Iterator[Architecture]:
        """Every architecture, in a fixed order (finite spaces only)."""
        raise NotImplementedError(f"{type(self).__name__} is not finite and cannot be enumerated.")

    def build(self, arch: Architecture, input_shape: tuple[int, ...], n_outputs: int) -> torch.nn.Module:
        """The PyTorch network of ``arch`` for inputs of ``input_shape`` (one example) and ``n_outputs`` outputs.

        Trainable spaces implement it; others raise NotImplementedError.
        """
        raise NotImplementedError(f"{type(self).__name__} is not trainable: it cannot build networks.")

    @property
    def trainable(self) -> bool:
        """True when :meth:`build` is implemented."""
        return type(self).build is not SearchSpace.build

    def baseline(self) -> Architecture | None:
        """A hand-designed reference architecture of this space, to compare a search's result with."""
        return None

    def describe(self, arch: Architecture) -> str:
        """A short human-readable form of ``arch``."""
        return ", ".join(f"{k}={v}" for k, v in arch.decisions)
