"""Spaces made of named categorical decisions: the shared moves of cell spaces and user tables."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from nasforge.exceptions import SearchSpaceExhausted, ValidationError
from nasforge.spaces._architecture import Architecture, Scalar
from nasforge.spaces._base import SearchSpace

_MAX_DRAWS = 1000


class CategoricalSpace(SearchSpace):
    """A (subset of a) product of categorical decisions.

    An elementary change sets one decision to another of its values. Subclasses that allow only some
    combinations override ``_is_member``; the moves then skip combinations that are not members.
    """

    def __init__(self, name: str, choices: Mapping[str, Sequence[Scalar]]) -> None:
        if not choices:
            raise ValidationError(f"The 'choices' parameter of {type(self).__name__} must be non-empty.")
        self.space_name = name
        self._names = tuple(choices)
        self._choices = tuple(tuple(values) for values in choices.values())
        for decision, values in zip(self._names, self._choices, strict=True):
            if len(values) < 1 or len(set(values)) != len(values):
                raise ValidationError(
                    f"Decision {decision!r} of {type(self).__name__} must list at least one value, "
                    f"each once. Got {list(values)!r} instead."
                )
        self._index = [{v: i for i, v in enumerate(values)} for values in self._choices]

    def get_params(self) -> dict[str, Any]:
        return {"name": self.space_name, "choices": {k: list(v) for k, v in self.choices().items()}}

    # -- membership --------------------------------------------------------------------------------
    def _is_member(self, values: tuple[Scalar, ...]) -> bool:
        return True

    def _normalize(self, values: tuple[Scalar, ...]) -> tuple[Scalar, ...]:
        """Canonical values (conditional spaces reset decisions that have no effect)."""
        return values

    def choices(self) -> dict[str, tuple[Scalar, ...]]:
        """Each decision's name and its possible values."""
        return dict(zip(self._names, self._choices, strict=True))

    def make(self, values: Sequence[Scalar]) -> Architecture:
        """The architecture with these decision values, in decision order."""
        return Architecture(self.space_name, tuple(zip(self._names, self._normalize(tuple(values)), strict=True)))

    def validate(self, arch: Architecture) -> None:
        if not isinstance(arch, Architecture):
            raise ValidationError(f"Expected an Architecture. Got {arch!r} instead.")
        if arch.space != self.space_name:
            raise ValidationError(
                f"Architecture belongs to space {arch.space!r}, not {self.space_name!r}."
            )
        names = tuple(arch)
        if names != self._names:
            raise ValidationError(
                f"Architecture decisions must be {list(self._names)}. Got {list(names)} instead."
            )
        for decision, value, index in zip(self._names, arch.values(), self._index, strict=True):
            if value not in index:
                raise ValidationError(
                    f"Decision {decision!r} must be one of {list(index)}. Got {value!r} instead."
                )
        if not self._is_member(arch.values()) or self._normalize(arch.values()) != arch.values():
            raise ValidationError(f"Architecture {self.describe(arch)} is not in this space.")

    # -- moves -------------------------------------------------------------------------------------
    def sample(self, rng: np.random.Generator) -> Architecture:
        for _ in range(_MAX_DRAWS):
            values = tuple(c[int(rng.integers(len(c)))] for c in self._choices)
            if self._is_member(values):
                return self.make(values)
        raise SearchSpaceExhausted(f"No member of {self.space_name!r} found in {_MAX_DRAWS} draws.")

    def neighbors(self, arch: Architecture) -> list[Architecture]:
        base = arch.values()
        out: dict[Architecture, None] = {}
        for i, values in enumerate(self._choices):
            for value in values:
                if value == base[i]:
                    continue
                candidate = self._normalize((*base[:i], value, *base[i + 1:]))
                if candidate != base and self._is_member(candidate):
                    out[self.make(candidate)] = None
        return list(out)

    def mutate(self, arch: Architecture, rng: np.random.Generator) -> Architecture:
        options = self.neighbors(arch)
        if not options:
            raise SearchSpaceExhausted(f"{self.describe(arch)} has no neighbour in {self.space_name!r}.")
        return options[int(rng.integers(len(options)))]

    def crossover(self, a: Architecture, b: Architecture, rng: np.random.Generator) -> Architecture:
        va, vb = a.values(), b.values()
        for _ in range(100):
            mask = rng.random(len(va)) < 0.5
            child = tuple(x if m else y for x, y, m in zip(va, vb, mask, strict=True))
            if self._is_member(child):
                return self.make(child)
        return a

    def encode(self, arch: Architecture, kind: str = "onehot") -> np.ndarray:
        if kind != "onehot":
            raise ValidationError(
                f"The 'kind' parameter of {type(self).__name__}.encode must be one of "
                f"{list(self.encodings())}. Got {kind!r} instead."
            )
        parts = []
        for value, values, index in zip(arch.values(), self._choices, self._index, strict=True):
            onehot = np.zeros(len(values))
            onehot[index[value]] = 1.0
            parts.append(onehot)
        return np.concatenate(parts)

    # -- size --------------------------------------------------------------------------------------
    @property
    def size(self) -> int | None:
        return math.prod(len(c) for c in self._choices)

    def enumerate(self) -> Iterator[Architecture]:
        for values in itertools.product(*self._choices):
            if self._is_member(values) and self._normalize(values) == values:
                yield self.make(values)
