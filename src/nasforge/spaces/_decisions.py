"""The decisions of a declared space: ``Int``, ``Float``, ``Choice`` and ``Repeat``, each with generic moves.

A decision knows its own values only; conditions between decisions (``when``) are checked by the ``Space`` that
holds them. Numeric decisions move in a *unit* coordinate: ``(v - low) / (high - low)``, or the same on
``log(v)`` for a log-scale decision, so that one step means the same share of the range everywhere.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nasforge.exceptions import ValidationError
from nasforge.spaces._architecture import Scalar

# Up to this many values an Int's neighbours (and mutations) are all its other values, like a Choice's.
FEW_VALUES = 10
# Unit-coordinate offsets (share of the range, in log space for a log decision) of a numeric decision's
# neighbours; an Int also gets the values one and two steps away.
NEIGHBOR_OFFSETS = (0.02, 0.1, 0.25)
# A mutation of a numeric decision is a Gaussian step of this deviation in the unit coordinate, except for a
# share REDRAW of mutations that draw a new value from the whole range (leaves a basin).
MUTATION_SCALE = 0.1
REDRAW = 0.2

When = dict[str, tuple[Scalar, ...]]


def tag(value: Scalar) -> tuple[bool, Scalar]:
    """A dictionary key that keeps True apart from 1 (Python's ``True == 1``)."""
    return (isinstance(value, bool), value)


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | bool | int) or (isinstance(value, float) and math.isfinite(value))


def _check_when(owner: str, when: Mapping[str, Sequence[Scalar]] | None) -> When:
    if when is None:
        return {}
    if not isinstance(when, Mapping) or not when:
        raise ValidationError(f"The 'when' parameter of {owner} must be a non-empty mapping of decision names to "
                              f"lists of values, or None. Got {when!r} instead.")
    out: When = {}
    for name, given in when.items():
        # when={"act": "relu"} reads as when={"act": ["relu"]}
        values: Sequence[object] = [given] if isinstance(given, str | bytes) or not isinstance(given, Sequence) \
            else given
        if not isinstance(name, str) or not name or not values or not all(_is_scalar(v) for v in values):
            raise ValidationError(f"The 'when' parameter of {owner} must map decision names to non-empty lists of "
                                  f"values. Got {name!r}: {values!r} instead.")
        out[name] = tuple(values)  # type: ignore[arg-type]  # checked by _is_scalar
    return out


class Decision(ABC):
    """One decision of a declared space; ``when`` (decision -> allowed values) makes it conditional."""

    when: When

    @abstractmethod
    def contains(self, value: object) -> bool:
        """True when ``value`` is one of this decision's values."""

    @abstractmethod
    def allowed(self) -> str:
        """What the decision allows, for error messages ("an int in [1, 6]")."""

    @abstractmethod
    def sample(self, rng: np.random.Generator) -> Scalar:
        """A value drawn from the decision's prior (uniform, log-uniform for ``log``)."""

    @abstractmethod
    def mutate(self, value: Scalar, rng: np.random.Generator) -> Scalar:
        """Another value near ``value`` (never ``value``); needs ``n_values() != 1``."""

    @abstractmethod
    def neighbors(self, value: Scalar) -> list[Scalar]:
        """A fixed, finite list of other values near ``value``."""

    @abstractmethod
    def default(self) -> Scalar:
        """The value a decision takes when it becomes active in a deterministic move (``neighbors``)."""

    @abstractmethod
    def encode(self, value: Scalar | None) -> list[float]:
        """Fixed-length code: one-hot for a Choice, the unit coordinate for a number; None: a neutral code."""

    @abstractmethod
    def values(self) -> tuple[Scalar, ...] | None:
        """Every value in order, or None for a Float (infinitely many)."""

    @abstractmethod
    def to_data(self) -> Any:
        """The JSON form (``Space.to_dict``)."""

    def n_values(self) -> int | None:
        """How many values the decision has (None: infinitely many)."""
        values = self.values()
        return None if values is None else len(values)

    def _when_data(self) -> dict[str, Any]:
        return {} if not self.when else {"when": {k: list(v) for k, v in self.when.items()}}


class Choice(Decision):
    """One of a list of values (str, int, float or bool). A plain list in a ``Space`` means a Choice.

    Example:
        >>> Choice(["relu", "gelu"]).values()
        ('relu', 'gelu')
    """

    def __init__(self, values: Sequence[Scalar], *, when: Mapping[str, Sequence[Scalar]] | None = None) -> None:
        if isinstance(values, str | bytes) or not isinstance(values, Sequence) or not values \
                or not all(_is_scalar(v) for v in values) or len({tag(v) for v in values}) != len(values):
            raise ValidationError(f"The 'values' parameter of Choice must be a non-empty list of distinct str, int, "
                                  f"float or bool values. Got {values!r} instead.")
        self._values = tuple(values)
        self._index = {tag(v): i for i, v in enumerate(self._values)}
        self.when = _check_when("Choice", when)

    def __repr__(self) -> str:
        return f"Choice({list(self._values)!r}{', when=' + repr(self.when) if self.when else ''})"

    def contains(self, value: object) -> bool:
        return _is_scalar(value) and tag(value) in self._index  # type: ignore[arg-type]

    def allowed(self) -> str:
        return f"one of {list(self._values)!r}"

    def sample(self, rng: np.random.Generator) -> Scalar:
        return self._values[int(rng.integers(len(self._values)))]

    def neighbors(self, value: Scalar) -> list[Scalar]:
        return [v for v in self._values if tag(v) != tag(value)]

    def mutate(self, value: Scalar, rng: np.random.Generator) -> Scalar:
        others = self.neighbors(value)
        return others[int(rng.integers(len(others)))]

    def default(self) -> Scalar:
        return self._values[0]

    def encode(self, value: Scalar | None) -> list[float]:
        code = [0.0] * len(self._values)
        if value is not None:
            code[self._index[tag(value)]] = 1.0
        return code

    def values(self) -> tuple[Scalar, ...]:
        return self._values

    def to_data(self) -> Any:
        if not self.when:
            return list(self._values)
        return {"choice": list(self._values), **self._when_data()}


class _Numeric(Decision):
    """Shared by Int and Float: a range [low, high], linear or log, moved in the unit coordinate."""

    low: float
    high: float
    log: bool

    def _unit(self, value: float) -> float:
        if self.log:
            return (math.log(value) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))
        return (value - self.low) / (self.high - self.low)

    def _from_unit(self, u: float) -> float:
        u = min(1.0, max(0.0, u))
        if self.log:
            value = math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        else:
            value = self.low + u * (self.high - self.low)
        return min(self.high, max(self.low, value))

    @abstractmethod
    def _snap(self, value: float) -> Scalar:
        """The decision's value nearest ``value`` (within the range)."""

    def encode(self, value: Scalar | None) -> list[float]:
        return [0.5 if value is None else self._unit(float(value))]

    def default(self) -> Scalar:
        return self._snap(self._from_unit(0.5))

    def _unit_neighbors(self, value: Scalar) -> list[Scalar]:
        u = self._unit(float(value))
        out = [self._snap(self._from_unit(u + sign * d)) for d in NEIGHBOR_OFFSETS for sign in (-1, 1)]
        return [v for v in out if v != value]

    def mutate(self, value: Scalar, rng: np.random.Generator) -> Scalar:
        for _ in range(100):
            if rng.random() < REDRAW:
                new = self.sample(rng)
            else:
                u = self._unit(float(value)) + float(rng.normal(0.0, MUTATION_SCALE))
                u = -u if u < 0 else (2.0 - u if u > 1 else u)  # reflect at the ends of the range
                new = self._snap(self._from_unit(u))
            if new != value:
                return new
        return self.neighbors(value)[0]

    def _range_data(self, kind: str, extra: dict[str, Any]) -> dict[str, Any]:
        low, high = (int(self.low), int(self.high)) if kind == "int" else (self.low, self.high)
        return {kind: [low, high], **extra, **({"log": True} if self.log else {}), **self._when_data()}


class Int(_Numeric):
    """An integer in ``[low, high]`` (both included) on a grid of ``step``; ``log`` draws it log-uniformly.

    Example:
        >>> Int(1, 6).values()
        (1, 2, 3, 4, 5, 6)
    """

    def __init__(self, low: int, high: int, *, step: int = 1, log: bool = False,
                 when: Mapping[str, Sequence[Scalar]] | None = None) -> None:
        for name, value in (("low", low), ("high", high), ("step", step)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError(f"The '{name}' parameter of Int must be an int. Got {value!r} instead.")
        if not isinstance(log, bool):
            raise ValidationError(f"The 'log' parameter of Int must be a bool. Got {log!r} instead.")
        if low >= high:
            raise ValidationError(f"The 'low' parameter of Int must be less than 'high' ({high}). Got {low} instead.")
        if step < 1 or (high - low) % step:
            raise ValidationError(f"The 'step' parameter of Int must be an int >= 1 that divides high - low "
                                  f"({high - low}). Got {step} instead.")
        if log and (low < 1 or step != 1):
            raise ValidationError(f"An Int with log=True needs low >= 1 and step 1. Got low={low}, step={step} "
                                  "instead.")
        self.low, self.high, self.step, self.log = low, high, step, log
        self.when = _check_when("Int", when)

    def __repr__(self) -> str:
        return f"Int({int(self.low)}, {int(self.high)}, step={self.step}, log={self.log})"

    def contains(self, value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and self.low <= value <= self.high \
            and (value - int(self.low)) % self.step == 0

    def allowed(self) -> str:
        grid = f" on a grid of step {self.step}" if self.step != 1 else ""
        return f"an int in [{int(self.low)}, {int(self.high)}]{grid}"

    def n_values(self) -> int:
        return (int(self.high) - int(self.low)) // self.step + 1

    def values(self) -> tuple[Scalar, ...]:
        return tuple(range(int(self.low), int(self.high) + 1, self.step))

    def _snap(self, value: float) -> Scalar:
        k = round((value - self.low) / self.step)
        return int(self.low) + self.step * min(self.n_values() - 1, max(0, k))

    def sample(self, rng: np.random.Generator) -> Scalar:
        if self.log:  # log-uniform on [low - 1/2, high + 1/2], rounded: every integer gets its share
            value = math.exp(rng.uniform(math.log(self.low - 0.5), math.log(self.high + 0.5)))
            return self._snap(value)
        return int(self.low) + self.step * int(rng.integers(self.n_values()))

    def neighbors(self, value: Scalar) -> list[Scalar]:
        if self.n_values() <= FEW_VALUES:
            return [v for v in self.values() if v != value]
        assert isinstance(value, int)
        near = [value + k * self.step for k in (-2, -1, 1, 2)]
        out = {v for v in near if self.contains(v)} | {int(v) for v in self._unit_neighbors(value)}
        return sorted(out)

    def mutate(self, value: Scalar, rng: np.random.Generator) -> Scalar:
        if self.n_values() <= FEW_VALUES:
            others = self.neighbors(value)
            return others[int(rng.integers(len(others)))]
        return super().mutate(value, rng)

    def to_data(self) -> Any:
        return self._range_data("int", {"step": self.step} if self.step != 1 else {})


class Float(_Numeric):
    """A real number in ``[low, high]``; ``log`` draws it log-uniformly (needs ``low > 0``).

    Example:
        >>> Float(1e-4, 1e-1, log=True).contains(0.01)
        True
    """

    def __init__(self, low: float, high: float, *, log: bool = False,
                 when: Mapping[str, Sequence[Scalar]] | None = None) -> None:
        for name, value in (("low", low), ("high", high)):
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValidationError(f"The '{name}' parameter of Float must be a finite number. Got {value!r} "
                                      "instead.")
        if not isinstance(log, bool):
            raise ValidationError(f"The 'log' parameter of Float must be a bool. Got {log!r} instead.")
        if low >= high:
            raise ValidationError(f"The 'low' parameter of Float must be less than 'high' ({high}). Got {low} "
                                  "instead.")
        if log and low <= 0:
            raise ValidationError(f"The 'low' parameter of Float must be > 0 with log=True. Got {low} instead.")
        self.low, self.high, self.log = float(low), float(high), log
        self.when = _check_when("Float", when)

    def __repr__(self) -> str:
        return f"Float({self.low}, {self.high}, log={self.log})"

    def contains(self, value: object) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) \
            and self.low <= value <= self.high

    def allowed(self) -> str:
        return f"a number in [{self.low:g}, {self.high:g}]"

    def values(self) -> None:
        return None

    def _snap(self, value: float) -> Scalar:
        return float(min(self.high, max(self.low, value)))

    def sample(self, rng: np.random.Generator) -> Scalar:
        return self._from_unit(float(rng.random()))

    def neighbors(self, value: Scalar) -> list[Scalar]:
        return list(dict.fromkeys(self._unit_neighbors(value)))

    def to_data(self) -> Any:
        return self._range_data("float", {})
