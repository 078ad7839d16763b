"""Bootstrap confidence intervals for benchmark summaries (SciPy, seeded, so a table is reproducible)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import stats

CONFIDENCE = 0.95
N_RESAMPLES = 9999
BOOTSTRAP_SEED = 0


def bootstrap_interval(values: np.ndarray, statistic: Callable[..., np.ndarray], *,
                       seed: int = BOOTSTRAP_SEED) -> tuple[float, float]:
    """Percentile bootstrap 95 % interval of ``statistic`` over the seeds in ``values``.

    The percentile method (not BCa) because the data are often degenerate (every seed found the optimum, or
    ``grid``, which ignores the seed) or censored, where BCa's jackknife is undefined.

    Args:
        values: one number per seed (finite).
        statistic: a vectorised reducer such as ``np.mean`` or ``np.median`` taking ``axis``.
        seed: the resampling seed.

    Returns:
        ``(low, high)``; both equal the value itself when there is a single seed.
    """
    data = np.asarray(values, dtype=float)
    if data.size < 2 or np.all(data == data[0]):  # nothing to resample: the interval is the point
        point = float(statistic(data, axis=-1))
        return point, point
    result = stats.bootstrap((data,), statistic, n_resamples=N_RESAMPLES, confidence_level=CONFIDENCE,
                             method="percentile", vectorized=True, rng=np.random.default_rng(seed))
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def mean_interval(values: np.ndarray, *, seed: int = BOOTSTRAP_SEED) -> tuple[float, float]:
    """95 % bootstrap interval of the mean of ``values``."""
    return bootstrap_interval(values, np.mean, seed=seed)


def median_interval(values: np.ndarray, censor: float, *, seed: int = BOOTSTRAP_SEED) -> tuple[float, float]:
    """95 % bootstrap interval of the median of ``values``, where ``inf`` (never reached) counts as ``censor``.

    Censored seeds are ranked above every reached one, which is all a median needs; a bound at ``censor``
    means "not reached within the budget".
    """
    data = np.where(np.isinf(values), censor, values)
    return bootstrap_interval(data, np.median, seed=seed)
