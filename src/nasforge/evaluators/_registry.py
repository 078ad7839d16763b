"""The evaluator registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nasforge._registry import Registry
from nasforge.evaluators._base import Evaluator, EvaluatorCapabilities

EVALUATORS: Registry[Evaluator] = Registry("evaluator")


def register_evaluator(name: str) -> Callable[[type[Evaluator]], type[Evaluator]]:
    """Class decorator: make an evaluator available as ``create_evaluator(name)``."""
    return EVALUATORS.register(name)


def create_evaluator(name: str, **params: Any) -> Evaluator:
    """Build the evaluator registered as ``name``."""
    return EVALUATORS.create(name, **params)


def list_evaluators() -> list[str]:
    """Names of the registered evaluators."""
    return EVALUATORS.names()


def evaluator_capabilities(name: str) -> EvaluatorCapabilities:
    """What the evaluator registered as ``name`` can do (for example ``takes_budget``)."""
    return EVALUATORS.get(name).capabilities()
