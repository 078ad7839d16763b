"""``Space``: a search space declared from plain values, stored as JSON, with generic moves for every decision."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from nasforge._registry import did_you_mean
from nasforge.exceptions import SearchSpaceExhausted, ValidationError
from nasforge.spaces._architecture import Architecture, Scalar
from nasforge.spaces._base import SearchSpace
from nasforge.spaces._decisions import Choice, Decision, Float, Int, When, tag  # noqa: F401 - Choice, Int: doctest
from nasforge.spaces._parse import Repeat, check_name, parse_decision
from nasforge.spaces._registry import register_space

SPACE_NAME = "declared"
MAX_CATEGORIES = 1000  # strategies that model each value of each decision (REINFORCE, BOHB) take up to this many
_COUNT_LIMIT = 1_000_000  # branches explored to count a space's members before calling it too large to count

Fill = Callable[[str, Mapping[str, Scalar]], Scalar]


def _fmt(value: Scalar) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


@register_space(SPACE_NAME)
class Space(SearchSpace):
    """A search space declared as data: named decisions, each an ``Int``, a ``Float``, a ``Choice`` (a plain list
    is one) or a ``Repeat`` of a block of decisions.

    A decision with ``when={"other": [values]}`` is active only when every decision it names is active and has one
    of the listed values. An architecture holds the active decisions only, in declaration order, so two
    architectures that differ only in what would be inactive are the same architecture (and have the same key).
    A ``Repeat`` named ``layers`` adds the decision ``layers`` (the count) and ``layers.<b>.<name>`` for each
    block ``b``; blocks at or beyond the count are inactive.

    ``get_params()`` is the JSON form (``to_dict``), so ``create_space("declared", **params)`` rebuilds the space in
    any process without the user's code.

    Moves: ``mutate`` changes one active decision (a Choice to another value, a number by a Gaussian step of a tenth
    of its range, or a fresh draw one time in five); ``neighbors`` lists, for each active decision, its other values
    (Choices, Ints with up to 10 values) or values at fixed shares of its range (2 %, 10 %, 25 % either side, on the
    log scale for ``log``; Ints also one and two steps away). A decision a move makes active copies the same decision
    of the previous block of a Repeat, else takes a random value (``mutate``, ``crossover``) or its default (the
    first choice, the middle of a range: ``neighbors``). Encoding ``"onehot"``: a Choice one-hot, a number its
    position in [0, 1] (log-scaled for ``log``); a conditional decision is preceded by an active flag (1/0) and is
    all zeros (one-hot) or 0.5 (number) when inactive, so every code has the same length.

    Example:
        >>> space = Space({"depth": Int(1, 6), "act": ["relu", "gelu"],
        ...                "dropout": Choice([0.0, 0.1], when={"depth": [4, 5, 6]})})
        >>> arch = space.sample(np.random.default_rng(0))
        >>> Space.from_dict(space.to_dict()).to_dict() == space.to_dict()
        True
    """

    def __init__(self, decisions: Mapping[str, Any]) -> None:
        if not isinstance(decisions, Mapping) or not decisions:
            raise ValidationError(f"The 'decisions' parameter of Space must be a non-empty mapping of names to "
                                  f"decisions. Got {decisions!r} instead.")
        self.space_name = SPACE_NAME
        self._declared: dict[str, Decision | Repeat] = {}
        for name, value in decisions.items():
            self._declared[check_name(name, "Space")] = parse_decision(name, value)
        self._flat: dict[str, Decision] = {}
        self._when: dict[str, When] = {}
        self._previous: dict[str, str] = {}  # a Repeat block's decision -> the same decision one block before
        for name, declared in self._declared.items():
            if isinstance(declared, Repeat):
                self._add_repeat(name, declared)
            else:
                self._flat[name], self._when[name] = declared, dict(declared.when)
        self._names = tuple(self._flat)
        self._check_conditions()
        self._allowed = {name: {dep: {tag(v) for v in values} for dep, values in when.items()}
                         for name, when in self._when.items()}
        self._order = self._topological_order()
        # no condition anywhere: every decision is active, in declaration order (the common case, kept fast)
        self._plain = not any(self._allowed.values()) and self._order == self._names

    def _add_repeat(self, name: str, repeat: Repeat) -> None:
        self._flat[name], self._when[name] = repeat.count, dict(repeat.count.when)
        counts = repeat.count.values()
        for b in range(max(int(v) for v in counts)):
            present = tuple(v for v in counts if int(v) > b)
            for sub, decision in repeat.block.items():
                full = f"{name}.{b}.{sub}"
                when: When = {(f"{name}.{b}.{dep}" if dep in repeat.block else dep): values
                              for dep, values in decision.when.items()}
                when[name] = tuple(v for v in when.get(name, present) if v in present)
                self._flat[full], self._when[full] = decision, when
                if b > 0:
                    self._previous[full] = f"{name}.{b - 1}.{sub}"

    def _check_conditions(self) -> None:
        for name, when in self._when.items():
            for dep, values in when.items():
                if dep == name or dep not in self._flat:
                    known = [n for n in self._flat if n != name]
                    raise ValidationError(f"The 'when' of decision {name!r} of Space names {dep!r}, which is not "
                                          f"another decision of the space.{did_you_mean(dep, known)}")
                other = self._flat[dep]
                if isinstance(other, Float):
                    raise ValidationError(f"The 'when' of decision {name!r} of Space names the Float {dep!r}; a "
                                          "condition names a Choice or an Int.")
                for value in values:
                    if not other.contains(value):
                        raise ValidationError(f"The 'when' of decision {name!r} of Space gives {dep!r} the value "
                                              f"{value!r}; {dep!r} must be {other.allowed()}.")

    def _topological_order(self) -> tuple[str, ...]:
        """Decisions ordered so that each comes after those its condition names (declaration order otherwise)."""
        order: list[str] = []
        state: dict[str, int] = {}  # 1: being visited, 2: done

        def visit(name: str, path: list[str]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                cycle = " -> ".join([*path[path.index(name):], name])
                raise ValidationError(f"The 'when' conditions of Space form a cycle ({cycle}); a decision's "
                                      "condition must not depend on the decision itself.")
            state[name] = 1
            for dep in self._when[name]:
                visit(dep, [*path, name])
            state[name] = 2
            order.append(name)

        for name in self._names:
            visit(name, [])
        return tuple(order)

    # -- data ----------------------------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"Space({self.to_dict()!r})"

    def __eq__(self, other: object) -> bool:
        """Spaces are equal when they declare the same decisions in the same order."""
        if not isinstance(other, Space):
            return NotImplemented
        return list(self.to_dict().items()) == list(other.to_dict().items())

    def __hash__(self) -> int:
        return hash(json.dumps(list(self.to_dict().items())))

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible data form; ``Space.from_dict`` (and ``load_space_file``) read it."""
        return {name: declared.to_data() for name, declared in self._declared.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Space:
        """The space of a data form (``to_dict``, a parsed space file)."""
        return cls(data)

    def get_params(self) -> dict[str, Any]:
        return {"decisions": json.loads(json.dumps(self.to_dict()))}

    def names(self) -> tuple[str, ...]:
        """Every decision's name (Repeat blocks expanded), in architecture order."""
        return self._names

    def decision(self, name: str) -> Decision:
        """The decision called ``name`` (``layers.0.width`` for a Repeat's block)."""
        return self._flat[name]

    # -- activity --------------------------------------------------------------------------------------
    def is_active(self, name: str, values: Mapping[str, Scalar]) -> bool:
        """True when decision ``name``'s condition holds for ``values`` (absent decisions are inactive)."""
        return all(dep in values and tag(values[dep]) in allowed for dep, allowed in self._allowed[name].items())

    def _complete(self, values: Mapping[str, Scalar], fill: Fill) -> Architecture:
        """The architecture that keeps ``values`` where active, drops inactive ones and fills active missing ones."""
        out: dict[str, Scalar] = {}
        if self._plain:
            for name in self._names:
                out[name] = values[name] if name in values else fill(name, out)
            return Architecture(SPACE_NAME, tuple(out.items()))
        conditional = self._allowed
        for name in self._order:
            if not conditional[name] or self.is_active(name, out):
                out[name] = values[name] if name in values else fill(name, out)
        return Architecture(SPACE_NAME, tuple((n, out[n]) for n in self._names if n in out))

    def _filler(self, rng: np.random.Generator | None) -> Fill:
        def fill(name: str, out: Mapping[str, Scalar]) -> Scalar:
            previous = self._previous.get(name)
            if previous is not None and previous in out:  # a new block starts as a copy of the one before
                return out[previous]
            return self._flat[name].default() if rng is None else self._flat[name].sample(rng)
        return fill

    def from_values(self, values: Mapping[str, Scalar]) -> Architecture:
        """The member with these values: inactive ones dropped, active missing ones at their default."""
        for name, value in values.items():
            if name not in self._flat or not self._flat[name].contains(value):
                self._fail_value(name, value)
        return self._complete(values, self._filler(None))

    def _fail_value(self, name: str, value: object) -> None:
        if name not in self._flat:
            raise ValidationError(f"Architecture decision {name!r} is not a decision of this space "
                                  f"({', '.join(self._names[:12])}{' ...' if len(self._names) > 12 else ''})."
                                  + did_you_mean(name, self._names))
        raise ValidationError(f"Decision {name!r} must be {self._flat[name].allowed()}. Got {value!r} instead.")

    # -- the SearchSpace contract ----------------------------------------------------------------------
    def validate(self, arch: Architecture) -> None:
        if not isinstance(arch, Architecture):
            raise ValidationError(f"Expected an Architecture. Got {arch!r} instead.")
        if arch.space != SPACE_NAME:
            raise ValidationError(f"Architecture belongs to space {arch.space!r}, not {SPACE_NAME!r}.")
        values = dict(arch.decisions)
        for name, value in values.items():
            if name not in self._flat or not self._flat[name].contains(value):
                self._fail_value(name, value)
        expected = tuple(n for n in self._names if self.is_active(n, values))
        if tuple(values) != expected:
            missing = [n for n in expected if n not in values]
            extra = [n for n in values if n not in expected]
            why = (f"lacks the active decision(s) {missing}" if missing else
                   f"has inactive decision(s) {extra}" if extra else "lists its decisions out of order")
            raise ValidationError(f"Architecture {self.describe(arch)} is not in this space: it {why} "
                                  f"(expected {list(expected)}).")

    def sample(self, rng: np.random.Generator) -> Architecture:
        return self._complete({}, lambda name, out: self._flat[name].sample(rng))

    def mutate(self, arch: Architecture, rng: np.random.Generator) -> Architecture:
        movable = [n for n in arch if self._flat[n].n_values() != 1]
        if not movable:
            raise SearchSpaceExhausted(f"{self.describe(arch)} has no decision with another value.")
        name = movable[int(rng.integers(len(movable)))]
        values = dict(arch.decisions)
        values[name] = self._flat[name].mutate(values[name], rng)
        return self._complete(values, self._filler(rng))

    def neighbors(self, arch: Architecture) -> list[Architecture]:
        base = dict(arch.decisions)
        fill = self._filler(None)
        out: dict[Architecture, None] = {}
        for name, value in arch.decisions:
            for other in self._flat[name].neighbors(value):
                candidate = self._complete({**base, name: other}, fill)
                if candidate != arch:
                    out[candidate] = None
        return list(out)

    def crossover(self, a: Architecture, b: Architecture, rng: np.random.Generator) -> Architecture:
        parents = (dict(a.decisions), dict(b.decisions))
        out: dict[str, Scalar] = {}
        for name in self._order:  # each decision from a random parent that has it, a fresh draw if neither has
            pick = int(rng.random() < 0.5)
            if not self.is_active(name, out):
                continue
            have = [p[name] for p in parents if name in p]
            out[name] = have[pick % len(have)] if have else self._flat[name].sample(rng)
        return Architecture(SPACE_NAME, tuple((n, out[n]) for n in self._names if n in out))

    def encode(self, arch: Architecture, kind: str = "onehot") -> np.ndarray:
        if kind != "onehot":
            raise ValidationError(f"The 'kind' parameter of Space.encode must be one of {list(self.encodings())}. "
                                  f"Got {kind!r} instead.")
        values = dict(arch.decisions)
        parts: list[float] = []
        for name in self._names:
            value = values.get(name)
            if self._when[name]:
                parts.append(0.0 if value is None else 1.0)
            parts.extend(self._flat[name].encode(value))
        return np.array(parts)

    def describe(self, arch: Architecture) -> str:
        return ", ".join(f"{k}={_fmt(v)}" for k, v in arch.decisions)

    # -- finite spaces ---------------------------------------------------------------------------------
    def is_categorical(self) -> bool:
        """True when every decision has at most MAX_CATEGORIES values (no Float): strategies that model each
        value of each decision can search the space."""
        return all((n := d.n_values()) is not None and n <= MAX_CATEGORIES for d in self._flat.values())

    def choices(self) -> dict[str, tuple[Scalar, ...]]:
        """Each decision's values, for a categorical space (``is_categorical``)."""
        if not self.is_categorical():
            raise ValidationError("Space.choices() needs decisions with at most "
                                  f"{MAX_CATEGORIES} values each (no Float).")
        return {name: d.values() or () for name, d in self._flat.items()}

    @property
    def size(self) -> int | None:
        if any(d.n_values() is None for d in self._flat.values()):
            return None
        controllers = {dep for when in self._when.values() for dep in when}
        budget = [_COUNT_LIMIT]

        def count(i: int, values: dict[str, Scalar]) -> int | None:
            budget[0] -= 1
            if budget[0] < 0:
                return None
            if i == len(self._order):
                return 1
            name = self._order[i]
            if not self.is_active(name, values):
                return count(i + 1, values)
            decision = self._flat[name]
            if name not in controllers:
                rest = count(i + 1, values)
                return None if rest is None else rest * (decision.n_values() or 0)
            if (decision.n_values() or 0) > _COUNT_LIMIT:
                return None
            total = 0
            for value in decision.values() or ():
                part = count(i + 1, {**values, name: value})
                if part is None:
                    return None
                total += part
            return total

        return count(0, {})

    def enumerate(self) -> Iterator[Architecture]:
        if self.size is None:
            raise NotImplementedError("This Space has a Float decision or too many members to enumerate.")

        def walk(i: int, values: dict[str, Scalar]) -> Iterator[dict[str, Scalar]]:
            if i == len(self._order):
                yield values
                return
            name = self._order[i]
            if not self.is_active(name, values):
                yield from walk(i + 1, values)
                return
            for value in self._flat[name].values() or ():
                yield from walk(i + 1, {**values, name: value})

        for values in walk(0, {}):
            yield Architecture(SPACE_NAME, tuple((n, values[n]) for n in self._names if n in values))

