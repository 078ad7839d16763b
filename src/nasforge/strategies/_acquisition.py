"""Acquisition functions: how much a candidate is worth evaluating, given a surrogate's prediction."""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

ACQUISITIONS = ("ei", "ucb", "ts", "mean")


def expected_improvement(mean: np.ndarray, std: np.ndarray, best: float, xi: float = 0.0) -> np.ndarray:
    """E[max(f - best - xi, 0)] under f ~ N(mean, std^2) (maximisation)."""
    std = np.maximum(std, 1e-12)
    gain = mean - best - xi
    z = gain / std
    out: np.ndarray = gain * norm.cdf(z) + std * norm.pdf(z)
    return out


def upper_confidence_bound(mean: np.ndarray, std: np.ndarray, beta: float) -> np.ndarray:
    """mean + beta * std."""
    out: np.ndarray = mean + beta * std
    return out


def thompson(mean: np.ndarray, std: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One independent draw per candidate from N(mean, std^2) (BANANAS' independent Thompson sampling)."""
    out: np.ndarray = mean + std * rng.standard_normal(mean.shape)
    return out


def acquire(kind: str, mean: np.ndarray, std: np.ndarray, *, best: float, beta: float,
            rng: np.random.Generator) -> np.ndarray:
    """The acquisition value of each candidate for ``kind`` in ``ACQUISITIONS`` (``mean``: pure exploitation)."""
    if kind == "ei":
        return expected_improvement(mean, std, best)
    if kind == "ucb":
        return upper_confidence_bound(mean, std, beta)
    if kind == "ts":
        return thompson(mean, std, rng)
    if kind == "mean":
        return mean
    raise ValueError(f"unknown acquisition {kind!r}")
