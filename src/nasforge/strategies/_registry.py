"""The strategy registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nasforge._registry import Registry
from nasforge.strategies._base import Strategy, StrategyCapabilities

STRATEGIES: Registry[Strategy] = Registry("strategy")


def register_strategy(name: str) -> Callable[[type[Strategy]], type[Strategy]]:
    """Class decorator: make a strategy available as ``create_strategy(name)``."""
    return STRATEGIES.register(name)


def create_strategy(name: str, **params: Any) -> Strategy:
    """Build the strategy registered as ``name``."""
    return STRATEGIES.create(name, **params)


def list_strategies() -> list[str]:
    """Names of the registered strategies."""
    return STRATEGIES.names()


def get_strategy_class(name: str) -> type[Strategy]:
    """The class registered as ``name`` (ValidationError listing the valid names if there is none)."""
    return STRATEGIES.get(name)


def strategy_capabilities(name: str) -> StrategyCapabilities:
    """What the strategy registered as ``name`` needs (multi-fidelity, categorical decisions, a finite space)."""
    return STRATEGIES.get(name).capabilities()
