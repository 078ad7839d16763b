"""Spaces with a depth decision and per-layer decisions: inactive layers are reset to canonical values."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence

from nasforge._validation import check_int
from nasforge.exceptions import ValidationError
from nasforge.spaces._architecture import Architecture, Scalar
from nasforge.spaces._categorical import CategoricalSpace


class LayeredSpace(CategoricalSpace):
    """Decisions: ``depth``, then ``l{i}_{name}`` for each layer i < max_layers, then global ones.

    Layers at index >= depth have no effect; their decisions are reset to the first value of each choice so
    that an architecture has one canonical form (and one key).
    """

    def __init__(self, name: str, *, min_layers: int, max_layers: int, per_layer: Mapping[str, Sequence[Scalar]],
                 global_choices: Mapping[str, Sequence[Scalar]]) -> None:
        owner = type(self).__name__
        self.min_layers = check_int(owner, "min_layers", min_layers, minimum=1)
        self.max_layers = check_int(owner, "max_layers", max_layers, minimum=self.min_layers)
        for key, values in (*per_layer.items(), *global_choices.items()):
            if not values:
                raise ValidationError(f"The '{key}' choices of {owner} must list at least one value. Got [] instead.")
        choices: dict[str, Sequence[Scalar]] = {"depth": tuple(range(self.min_layers, self.max_layers + 1))}
        for i in range(self.max_layers):
            for key, values in per_layer.items():
                choices[f"l{i}_{key}"] = tuple(values)
        choices.update({k: tuple(v) for k, v in global_choices.items()})
        self._per_layer = tuple(per_layer)
        super().__init__(name, choices)
        self._slot = {n: i for i, n in enumerate(self._names)}

    def _layer_values(self, values: tuple[Scalar, ...], i: int) -> dict[str, Scalar]:
        return {key: values[self._slot[f"l{i}_{key}"]] for key in self._per_layer}

    def _reset_layer(self, values: list[Scalar], i: int, keys: Sequence[str]) -> None:
        for key in keys:
            slot = self._slot[f"l{i}_{key}"]
            values[slot] = self._choices[slot][0]

    def _normalize(self, values: tuple[Scalar, ...]) -> tuple[Scalar, ...]:
        out = list(values)
        depth = int(values[self._slot["depth"]])
        for i in range(depth, self.max_layers):
            self._reset_layer(out, i, self._per_layer)
        for i in range(depth):
            self._normalize_layer(out, i)
        return tuple(out)

    def _normalize_layer(self, values: list[Scalar], i: int) -> None:
        """Reset decisions that a layer's other decisions make irrelevant (subclasses)."""

    def layers(self, values: tuple[Scalar, ...]) -> list[dict[str, Scalar]]:
        """The active layers' decisions."""
        return [self._layer_values(values, i) for i in range(int(values[self._slot["depth"]]))]

    def _layer_options(self) -> list[tuple[Scalar, ...]]:
        """The distinct (normalised) decision tuples of one active layer."""
        base = [self._choices[i][0] for i in range(len(self._names))]
        base[self._slot["depth"]] = self.max_layers
        seen: dict[tuple[Scalar, ...], None] = {}
        for combo in itertools.product(*(self._choices[self._slot[f"l0_{k}"]] for k in self._per_layer)):
            values = list(base)
            for key, value in zip(self._per_layer, combo, strict=True):
                values[self._slot[f"l0_{key}"]] = value
            self._normalize_layer(values, 0)
            seen[tuple(values[self._slot[f"l0_{k}"]] for k in self._per_layer)] = None
        return list(seen)

    @property
    def size(self) -> int | None:
        layer = len(self._layer_options())
        glob = math.prod(len(self._choices[i]) for i, n in enumerate(self._names)
                         if n != "depth" and not self._is_layer_decision(n))
        return int(sum(layer ** d for d in range(self.min_layers, self.max_layers + 1)) * glob)

    def enumerate(self) -> Iterator[Architecture]:
        options = self._layer_options()
        globals_ = [n for n in self._names if n != "depth" and not self._is_layer_decision(n)]
        for depth in range(self.min_layers, self.max_layers + 1):
            for layers in itertools.product(options, repeat=depth):
                for glob in itertools.product(*(self._choices[self._slot[n]] for n in globals_)):
                    values: dict[str, Scalar] = {"depth": depth, **dict(zip(globals_, glob, strict=True))}
                    for i in range(self.max_layers):
                        layer = layers[i] if i < depth else tuple(self._choices[self._slot[f"l{i}_{k}"]][0]
                                                                  for k in self._per_layer)
                        values.update({f"l{i}_{k}": v for k, v in zip(self._per_layer, layer, strict=True)})
                    yield self.make(tuple(values[n] for n in self._names))

    def _is_layer_decision(self, name: str) -> bool:
        head, _, rest = name.partition("_")
        return head.startswith("l") and head[1:].isdigit() and rest in self._per_layer
