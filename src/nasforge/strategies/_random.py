"""Random search."""

from __future__ import annotations

from nasforge._validation import check_bool
from nasforge.spaces import Architecture
from nasforge.strategies._base import Strategy
from nasforge.strategies._registry import register_strategy


@register_strategy("random")
class RandomSearch(Strategy):
    """Sample architectures from the space's prior, skipping ones already seen (Li & Talwalkar 2019).

    Args:
        deduplicate: skip architectures (or isomorphic ones) already seen while unseen ones can be found;
            False samples with replacement, like plain random search.
        seed: seed of the strategy's generator.
    """

    def __init__(self, *, deduplicate: bool = True, seed: int | None = None) -> None:
        super().__init__(seed=seed)
        self.deduplicate = check_bool(type(self).__name__, "deduplicate", deduplicate)

    def _ask(self) -> Architecture:
        if not self.deduplicate:
            return self.space.sample(self.rng)
        return self._initial()
