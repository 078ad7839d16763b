"""The benchmark harness: strategies x seeds on tabular benchmarks, anytime curves and summaries."""

from __future__ import annotations

from nasforge.benchmarks._multiobjective import ParetoResult, run_multiobjective, true_front
from nasforge.benchmarks._report import WITHIN, result_rows, summarize
from nasforge.benchmarks._runner import StrategyResult, run_strategy

__all__ = ["WITHIN", "ParetoResult", "StrategyResult", "result_rows", "run_multiobjective", "run_strategy", "summarize",
           "true_front"]
