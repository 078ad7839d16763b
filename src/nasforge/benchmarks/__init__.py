"""The benchmark harness: strategies x seeds on tabular benchmarks, anytime curves and summaries."""

from __future__ import annotations

from nasforge.benchmarks._report import WITHIN, result_rows
from nasforge.benchmarks._runner import StrategyResult, run_strategy

__all__ = ["WITHIN", "StrategyResult", "result_rows", "run_strategy"]
