"""Objective functions for the tests of FunctionEvaluator: located by import path, like a user's module."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def score(arch: Mapping[str, Any]) -> float:
    """A deterministic score of the toy space's decisions (larger depth and width, and lr near 1e-2, score more)."""
    return float(arch["depth"]) + float(arch["width"]) / 100 - abs(float(arch["lr"]) - 0.01)


def objective(arch: Mapping[str, Any], report: Callable[[int, Any], None]) -> dict[str, float]:
    """Reports a three-step learning curve and returns two metrics."""
    for step in range(3):
        report(step, {"val_acc": score(arch) * (step + 1) / 3})
    return {"val_acc": score(arch), "loss": 1.0 / (1.0 + score(arch))}


def scalar(arch: Mapping[str, Any]) -> float:
    """Returns a number (stored under the study's objective); the budget, when given, is added."""
    budget = getattr(arch, "budget", None)
    return score(arch) + (budget or 0.0)


def broken(arch: Mapping[str, Any]) -> object:
    """Returns something that is not a metric."""
    return "not a number"
