"""Grid (exhaustive) search over a finite space."""

from __future__ import annotations

from collections.abc import Iterator

from nasforge._validation import check_bool
from nasforge.exceptions import SearchSpaceExhausted, ValidationError
from nasforge.spaces import Architecture
from nasforge.strategies._base import Strategy
from nasforge.strategies._registry import register_strategy


@register_strategy("grid")
class GridSearch(Strategy):
    """Evaluate every architecture of a finite space once (one per canonical key).

    Args:
        shuffle: visit the space in a seeded random order instead of its enumeration order.
        seed: seed of the shuffle.
    """

    needs_finite = True

    def __init__(self, *, shuffle: bool = False, seed: int | None = None) -> None:
        super().__init__(seed=seed)
        self.shuffle = check_bool(type(self).__name__, "shuffle", shuffle)

    def _setup(self) -> None:
        if self.space.size is None:
            raise ValidationError(f"GridSearch needs a finite space; {type(self.space).__name__} is not.")
        self._order: Iterator[Architecture] | None = None

    def _ask(self) -> Architecture:
        if self._order is None:  # enumerate lazily: binding stays cheap
            archs = list(self.space.enumerate())
            if self.shuffle:
                archs = [archs[i] for i in self.rng.permutation(len(archs))]
            self._order = iter(archs)
        for arch in self._order:
            if not self.is_seen(arch):
                return arch
        raise SearchSpaceExhausted("GridSearch has evaluated every architecture of the space.")
