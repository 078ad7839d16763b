"""Searches described in YAML: ``nasforge run CONFIG.yaml`` (schema: :class:`SearchConfig`)."""

from __future__ import annotations

from nasforge.config._load import build_study, check_config, load_config
from nasforge.config._schema import (
    BudgetConfig,
    EvaluatorConfig,
    RunConfig,
    SearchConfig,
    StrategyConfig,
    WarmStartConfig,
)

__all__ = ["BudgetConfig", "EvaluatorConfig", "RunConfig", "SearchConfig", "StrategyConfig", "WarmStartConfig",
           "build_study", "check_config", "load_config"]
