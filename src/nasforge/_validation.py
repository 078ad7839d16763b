"""Checks at the edge. One message shape everywhere:

"The 'population_size' parameter of RegularizedEvolution must be an int >= 2. Got 1 instead."
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nasforge.exceptions import ValidationError


def _fail(owner: str, name: str, allowed: str, value: Any) -> ValidationError:
    return ValidationError(f"The '{name}' parameter of {owner} must be {allowed}. Got {value!r} instead.")


def check_int(owner: str, name: str, value: Any, *, minimum: int | None = None,
              maximum: int | None = None) -> int:
    """Return ``value`` if it is an int within ``[minimum, maximum]``, else raise ValidationError."""
    bounds = []
    if minimum is not None:
        bounds.append(f">= {minimum}")
    if maximum is not None:
        bounds.append(f"<= {maximum}")
    allowed = "an int" + (" " + " and ".join(bounds) if bounds else "")
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(owner, name, allowed, value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise _fail(owner, name, allowed, value)
    return value


def check_float(owner: str, name: str, value: Any, *, minimum: float | None = None,
                maximum: float | None = None, strict_minimum: bool = False) -> float:
    """Return ``value`` as a float if it is a finite real number within bounds, else raise."""
    bounds = []
    if minimum is not None:
        bounds.append(f"{'>' if strict_minimum else '>='} {minimum}")
    if maximum is not None:
        bounds.append(f"<= {maximum}")
    allowed = "a number" + (" " + " and ".join(bounds) if bounds else "")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(owner, name, allowed, value)
    out = float(value)
    if out != out or out in (float("inf"), float("-inf")):
        raise _fail(owner, name, allowed, value)
    if minimum is not None and (out < minimum or (strict_minimum and out == minimum)):
        raise _fail(owner, name, allowed, value)
    if maximum is not None and out > maximum:
        raise _fail(owner, name, allowed, value)
    return out


def check_choice(owner: str, name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise listing the allowed values."""
    options = list(allowed)
    if value not in options:
        raise _fail(owner, name, "one of " + ", ".join(repr(o) for o in options), value)
    return value


def check_bool(owner: str, name: str, value: Any) -> bool:
    """Return ``value`` if it is a bool, else raise."""
    if not isinstance(value, bool):
        raise _fail(owner, name, "a bool", value)
    return value
