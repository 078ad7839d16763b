"""Evaluators: turn an architecture into metrics (tabular lookups, real training, proxies)."""

from __future__ import annotations

from nasforge.evaluators._base import Evaluator, Reporter
from nasforge.evaluators._nb201 import NB201Evaluator
from nasforge.evaluators._registry import create_evaluator, list_evaluators, register_evaluator
from nasforge.evaluators._table import TableEvaluator
from nasforge.evaluators._training import TrainingDiverged, TrainingEvaluator

__all__ = [
    "Evaluator",
    "NB201Evaluator",
    "Reporter",
    "TableEvaluator",
    "TrainingDiverged",
    "TrainingEvaluator",
    "create_evaluator",
    "list_evaluators",
    "register_evaluator",
]
