"""A registry per kind of component (spaces, strategies, evaluators): the one list of names."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from nasforge.exceptions import ValidationError

T = TypeVar("T")


def _abbreviates(short: str, name: str) -> bool:
    """True when each ``_``-separated part of ``short`` begins the same part of ``name`` (val_acc: val_accuracy)."""
    parts, full = short.lower().split("_"), name.lower().split("_")
    return len(parts) == len(full) and all(p and f.startswith(p) for p, f in zip(parts, full, strict=True))


def closest_name(value: object, allowed: Iterable[str]) -> str | None:
    """The allowed name ``value`` most likely meant: one it abbreviates (the shortest), else the closest by
    difflib's ratio; None when nothing is close."""
    if not isinstance(value, str):
        return None
    names = sorted(allowed)
    abbreviated = [n for n in names if n != value and _abbreviates(value, n)]
    if abbreviated:
        return min(abbreviated, key=len)
    close = difflib.get_close_matches(value, names, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(value: object, allowed: Iterable[str]) -> str:
    """`` Did you mean 'x'?`` for :func:`closest_name`, or an empty string."""
    close = closest_name(value, allowed)
    return f" Did you mean {close!r}?" if close else ""


class Registry(Generic[T]):
    """Maps names to component classes. ``create`` builds one from keyword arguments."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._classes: dict[str, type[T]] = {}

    def register(self, name: str) -> Callable[[type[T]], type[T]]:
        """Class decorator that registers a component under ``name``."""

        def decorator(cls: type[T]) -> type[T]:
            if name in self._classes and self._classes[name] is not cls:
                raise ValueError(f"A {self.kind} named {name!r} is already registered.")
            self._classes[name] = cls
            cls.registry_name = name  # type: ignore[attr-defined]
            return cls

        return decorator

    def get(self, name: str) -> type[T]:
        """Return the class registered as ``name``; an unknown name lists the valid ones."""
        if name not in self._classes:
            raise ValidationError(
                f"Unknown {self.kind} {name!r}. Registered names: {', '.join(self.names())}."
                + did_you_mean(name, self.names())
            )
        return self._classes[name]

    def create(self, name: str, **params: Any) -> T:
        """Instantiate the component registered as ``name`` with keyword ``params``."""
        cls = self.get(name)
        try:
            return cls(**params)
        except TypeError as exc:
            raise ValidationError(f"Bad parameters for {self.kind} {name!r}: {exc}.") from exc

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self._classes)
