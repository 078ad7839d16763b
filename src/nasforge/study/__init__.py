"""Studies: the ask/tell loop, objectives, budgets and trial records."""

from __future__ import annotations

from nasforge.study._budget import Budget
from nasforge.study._checks import check_study
from nasforge.study._constraints import Constraint, parse_constraints
from nasforge.study._factory import create_study, load_study, warm_start_architectures
from nasforge.study._objectives import Objective, is_test_metric, parse_objectives, primary_score
from nasforge.study._pruners import MedianPruner, Pruner, SuccessiveHalvingPruner
from nasforge.study._study import Callback, Study
from nasforge.trial import FrozenTrial, TrialState

__all__ = [
    "Budget",
    "Callback",
    "Constraint",
    "FrozenTrial",
    "MedianPruner",
    "Objective",
    "Pruner",
    "Study",
    "SuccessiveHalvingPruner",
    "TrialState",
    "check_study",
    "create_study",
    "is_test_metric",
    "load_study",
    "parse_constraints",
    "parse_objectives",
    "primary_score",
    "warm_start_architectures",
]
