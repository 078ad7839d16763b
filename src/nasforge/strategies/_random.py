"""Random search."""

from __future__ import annotations

from nasforge.spaces import Architecture
from nasforge.strategies._base import Strategy
from nasforge.strategies._registry import register_strategy


@register_strategy("random")
class RandomSearch(Strategy):
    """Sample architectures from the space's prior, skipping ones already seen (Li & Talwalkar 2019).

    Args:
        seed: seed of the strategy's generator.
    """

    def _ask(self) -> Architecture:
        return self._unseen(lambda: self.space.sample(self.rng))
