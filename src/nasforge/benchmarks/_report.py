"""Tables and JSON from benchmark results."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from nasforge.benchmarks._runner import StrategyResult

WITHIN = (0.1, 0.3)


def _queries(value: float, max_queries: int) -> str | float:
    return f">{max_queries}" if math.isinf(value) else value


def result_rows(results: Sequence[StrategyResult], checkpoints: Sequence[int]) -> list[dict[str, Any]]:
    """One JSON-compatible row per strategy: mean/std at each checkpoint, median queries to the optimum."""
    rows = []
    for result in results:
        max_q = result.curves.shape[1]
        row: dict[str, Any] = {"strategy": result.strategy, "params": result.params, "seeds": len(result.seeds),
                               "optimum": result.optimum, "at": {}}
        for q in checkpoints:
            mean, std = result.at(q)
            row["at"][str(q)] = {"mean": round(mean, 4), "std": round(std, 4)}
        for within in WITHIN:
            row[f"median_queries_within_{within}"] = _queries(result.median_queries_to(within), max_q)
        row.update(result.extra)
        rows.append(row)
    return rows
