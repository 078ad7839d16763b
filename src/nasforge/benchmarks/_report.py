"""Tables and JSON from benchmark results."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nasforge.benchmarks._intervals import mean_interval, median_interval
from nasforge.benchmarks._runner import StrategyResult

WITHIN = (0.1, 0.3)


def _queries(value: float, max_queries: int) -> str | float:
    """A query count for JSON: ``">N"`` when the target was not reached within ``N`` queries."""
    return f">{max_queries}" if math.isinf(value) or value > max_queries else value


def summarize(values_at: Mapping[int, np.ndarray], queries_within: Mapping[float, np.ndarray],
              max_queries: int) -> dict[str, Any]:
    """The summary of one strategy on one benchmark from its per-seed numbers.

    Args:
        values_at: checkpoint -> per-seed metric of the selected architecture after that many queries.
        queries_within: distance to the optimum -> per-seed first query count within it (``inf``: never).
        max_queries: the run length (a median beyond it is written ``">N"``).

    Returns:
        ``{"at": {q: {"mean", "std", "ci"}}, "median_queries_within_W": ..., "median_queries_within_W_ci":
        [low, high]}`` with 95 % percentile-bootstrap intervals (seeded).
    """
    summary: dict[str, Any] = {"at": {}}
    for q, values in sorted(values_at.items()):
        low, high = mean_interval(values)
        summary["at"][str(q)] = {"mean": round(float(np.mean(values)), 4), "std": round(float(np.std(values)), 4),
                                 "ci": [round(low, 4), round(high, 4)]}
    for within, first in queries_within.items():
        summary[f"median_queries_within_{within}"] = _queries(float(np.median(first)), max_queries)
        summary[f"median_queries_within_{within}_ci"] = [_queries(b, max_queries)
                                                         for b in median_interval(first, censor=max_queries + 1)]
    return summary


def result_rows(results: Sequence[StrategyResult], checkpoints: Sequence[int], *,
                per_seed: bool = True) -> list[dict[str, Any]]:
    """One JSON-compatible row per strategy.

    Each row has the mean, standard deviation and 95 % bootstrap interval (``ci``) of the selected
    architecture's metric at each checkpoint, and the median number of queries to come within 0.1 / 0.3 of
    the optimum with its interval (``">N"`` where the budget of ``N`` queries did not get there); see
    :func:`summarize`. With ``per_seed``, the seeds and the per-seed values the summaries come from are kept
    too, so that a reader can check or recompute them from the file alone.
    """
    rows = []
    for result in results:
        values_at = {q: result.values_at(q) for q in checkpoints}
        queries_within = {w: result.queries_to(w) for w in WITHIN}
        row: dict[str, Any] = {"strategy": result.strategy, "params": result.params, "seeds": len(result.seeds),
                               "seed_ids": list(result.seeds), "optimum": result.optimum,
                               "max_queries": result.curves.shape[1],
                               **summarize(values_at, queries_within, result.curves.shape[1])}
        if per_seed:
            row["per_seed"] = {
                "at": {str(q): [round(float(v), 4) for v in values] for q, values in values_at.items()},
                **{f"queries_within_{w}": [None if math.isinf(v) else int(v) for v in first]
                   for w, first in queries_within.items()}}
        row.update(result.extra)
        rows.append(row)
    return rows
