"""Searches described as data: ``nasforge run CONFIG.yaml`` and ``nasforge search`` (whose options fill the same
schema, :class:`SearchConfig`) both build their study with :func:`build_study`."""

from nasforge.config._build import build_study, check_config, check_evaluator_params
from nasforge.config._load import load_config, parse_config
from nasforge.config._schema import (
    BudgetConfig,
    EvaluatorConfig,
    RunConfig,
    SearchConfig,
    StrategyConfig,
    WarmStartConfig,
)

__all__ = ["BudgetConfig", "EvaluatorConfig", "RunConfig", "SearchConfig", "StrategyConfig", "WarmStartConfig",
           "build_study", "check_config", "check_evaluator_params", "load_config", "parse_config"]
