"""The Architecture value: immutable, hashable, JSON round trip."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from nasforge.exceptions import ValidationError

Scalar = str | int | float | bool
# One encoder for every key: json.dumps with non-default separators builds a new encoder per call, and keys are
# computed on every ask.
_COMPACT = json.JSONEncoder(separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Architecture:
    """One point of a search space: the name of its space and an ordered set of decisions.

    Equality and hashing are exact (same decisions). Two architectures that compute the same function
    (isomorphic cells) share a *canonical key*, which their space gives: ``space.key(arch)``.

    Example:
        >>> a = Architecture.of("toy", {"width": 32, "act": "relu"})
        >>> Architecture.from_json(a.to_json()) == a
        True
    """

    space: str
    decisions: tuple[tuple[str, Scalar], ...]

    @classmethod
    def of(cls, space: str, decisions: Mapping[str, Scalar]) -> Architecture:
        """Build an architecture from a mapping of decision name to value (order is kept)."""
        for name, value in decisions.items():
            if not isinstance(name, str) or not isinstance(value, str | int | float | bool):
                raise ValidationError(
                    f"Architecture decisions must map str to str, int, float or bool. "
                    f"Got {name!r}: {value!r} instead."
                )
        return cls(space, tuple(decisions.items()))

    def __getitem__(self, name: str) -> Scalar:
        for key, value in self.decisions:
            if key == name:
                return value
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self.decisions)

    def __contains__(self, name: object) -> bool:
        return any(key == name for key, _ in self.decisions)

    def keys(self) -> tuple[str, ...]:
        """The decision names in order (so that ``dict(arch)`` gives the decisions)."""
        return tuple(k for k, _ in self.decisions)

    def values(self) -> tuple[Scalar, ...]:
        """The decision values in order."""
        return tuple(v for _, v in self.decisions)

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-compatible dict."""
        return {"space": self.space, "decisions": dict(self.decisions)}

    def to_json(self) -> str:
        """Compact JSON text; ``from_json`` inverts it."""
        return _COMPACT.encode(self.to_dict())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Architecture:
        """Inverse of :meth:`to_dict`."""
        if not isinstance(data, Mapping) or not isinstance(data.get("space"), str) \
                or not isinstance(data.get("decisions"), Mapping):
            raise ValidationError(
                "An architecture must be a JSON object with a 'space' string and a 'decisions' object. "
                f"Got {data!r} instead."
            )
        return cls.of(data["space"], data["decisions"])

    @classmethod
    def from_json(cls, text: str) -> Architecture:
        """Parse the JSON text written by :meth:`to_json`."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"An architecture must be valid JSON. Got {text!r} instead.") from exc
        return cls.from_dict(data)
