"""Evaluators: turn an architecture into metrics (tabular lookups, real training, zero-cost proxies)."""

from __future__ import annotations

from nasforge.evaluators._base import Evaluator, Reporter
from nasforge.evaluators._nb201 import NB201Evaluator
from nasforge.evaluators._registry import create_evaluator, list_evaluators, register_evaluator
from nasforge.evaluators._table import TableEvaluator
from nasforge.evaluators._training import TrainingDiverged, TrainingEvaluator
from nasforge.evaluators._zero_cost import ZeroCostEvaluator

__all__ = [
    "Evaluator",
    "NB201Evaluator",
    "Reporter",
    "TableEvaluator",
    "TrainingDiverged",
    "TrainingEvaluator",
    "ZeroCostEvaluator",
    "create_evaluator",
    "list_evaluators",
    "register_evaluator",
]
