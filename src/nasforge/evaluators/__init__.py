"""Evaluators: turn an architecture into metrics (lookups, real training, proxies, generative training)."""

from __future__ import annotations

from nasforge.evaluators._base import Evaluator, EvaluatorCapabilities, Reporter
from nasforge.evaluators._function import Decisions, FunctionEvaluator
from nasforge.evaluators._generation import GenerationEvaluator
from nasforge.evaluators._locate import ObjectiveError
from nasforge.evaluators._nb201 import NB201Evaluator
from nasforge.evaluators._registry import (
    create_evaluator,
    evaluator_capabilities,
    list_evaluators,
    register_evaluator,
)
from nasforge.evaluators._table import TableEvaluator
from nasforge.evaluators._training import TrainingDiverged, TrainingEvaluator
from nasforge.evaluators._zero_cost import ZeroCostEvaluator

__all__ = [
    "Decisions",
    "Evaluator",
    "EvaluatorCapabilities",
    "FunctionEvaluator",
    "GenerationEvaluator",
    "NB201Evaluator",
    "ObjectiveError",
    "Reporter",
    "TableEvaluator",
    "TrainingDiverged",
    "TrainingEvaluator",
    "ZeroCostEvaluator",
    "create_evaluator",
    "evaluator_capabilities",
    "list_evaluators",
    "register_evaluator",
]
