"""Studies: the ask/tell loop, objectives, budgets and trial records."""

from __future__ import annotations

from nasforge.study._budget import Budget
from nasforge.study._checks import check_study
from nasforge.study._constraints import Constraint, parse_constraints
from nasforge.study._factory import create_study, load_study, warm_start_architectures
from nasforge.study._objectives import Objective, is_test_metric, parse_objectives, primary_score
from nasforge.study._pruners import MedianPruner, Pruner, SuccessiveHalvingPruner
from nasforge.study._stored import StoredSpace
from nasforge.study._study import Callback, Study
from nasforge.study._view import ReadableStudy, StudyView, cost_metric_of, read_study
from nasforge.trial import FrozenTrial, TrialState

__all__ = [
    "Budget",
    "Callback",
    "Constraint",
    "FrozenTrial",
    "MedianPruner",
    "Objective",
    "Pruner",
    "ReadableStudy",
    "StoredSpace",
    "Study",
    "StudyView",
    "SuccessiveHalvingPruner",
    "TrialState",
    "check_study",
    "cost_metric_of",
    "create_study",
    "is_test_metric",
    "load_study",
    "parse_constraints",
    "parse_objectives",
    "primary_score",
    "read_study",
    "warm_start_architectures",
]
