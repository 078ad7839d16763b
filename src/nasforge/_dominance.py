"""Pareto dominance on 'larger is better' value vectors: ranks and crowding (sorting by moocore)."""

from __future__ import annotations

import numpy as np


def pareto_ranks(points: np.ndarray) -> np.ndarray:
    """Non-domination rank of each row (all objectives maximised): 0 for the front, 1 for the next, ..."""
    if len(points) == 0:
        return np.zeros(0, dtype=int)
    import moocore

    return np.asarray(moocore.pareto_rank(points, maximise=True), dtype=int)


def constrained_ranks(points: np.ndarray, violations: np.ndarray) -> np.ndarray:
    """Deb's constrained domination: feasible rows by Pareto rank; every infeasible row after all of them,
    ordered by its total violation (equal violations share a rank)."""
    ranks = np.zeros(len(points), dtype=int)
    feasible = violations <= 0
    if feasible.any():
        ranks[feasible] = pareto_ranks(points[feasible])
    if (~feasible).any():
        start = int(ranks[feasible].max()) + 1 if feasible.any() else 0
        _, order = np.unique(violations[~feasible], return_inverse=True)
        ranks[~feasible] = start + order
    return ranks


def crowding_distance(points: np.ndarray) -> np.ndarray:
    """NSGA-II crowding distance of each row within its set: the boundary rows get inf."""
    n, m = points.shape
    distance = np.zeros(n)
    if n <= 2:
        return np.full(n, np.inf)
    for j in range(m):
        order = np.argsort(points[:, j], kind="stable")
        column = points[order, j]
        span = column[-1] - column[0]
        distance[order[0]] = distance[order[-1]] = np.inf
        if span > 0:
            distance[order[1:-1]] += (column[2:] - column[:-2]) / span
    return distance
