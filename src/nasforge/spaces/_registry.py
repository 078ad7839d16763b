"""The space registry: ``register_space``, ``create_space``, ``list_spaces``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nasforge._registry import Registry
from nasforge.spaces._base import SearchSpace

SPACES: Registry[SearchSpace] = Registry("search space")


def register_space(name: str) -> Callable[[type[SearchSpace]], type[SearchSpace]]:
    """Class decorator: make a space available as ``create_space(name)``."""
    return SPACES.register(name)


def create_space(name: str, **params: Any) -> SearchSpace:
    """Build the space registered as ``name``."""
    return SPACES.create(name, **params)


def list_spaces() -> list[str]:
    """Names of the registered spaces."""
    return SPACES.names()
