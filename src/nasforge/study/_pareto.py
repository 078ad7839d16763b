"""Pareto fronts and hypervolumes of trials (non-dominated sorting and hypervolume from moocore)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from nasforge.exceptions import ValidationError
from nasforge.study._objectives import Objective
from nasforge.trial import FrozenTrial, TrialState


def objective_values(objectives: Sequence[Objective], trial: FrozenTrial) -> np.ndarray | None:
    """A COMPLETE trial's objective values in their own units, or None when one is missing."""
    if trial.state is not TrialState.COMPLETE:
        return None
    values = [trial.metrics.get(o.name) for o in objectives]
    if any(v is None or math.isnan(v) for v in values):
        return None
    return np.array(values, dtype=float)


def maximise_flags(objectives: Sequence[Objective]) -> list[bool]:
    return [o.direction == "max" for o in objectives]


def nondominated(points: np.ndarray, objectives: Sequence[Objective]) -> np.ndarray:
    """Boolean mask of the points no other point dominates (duplicates all kept)."""
    import moocore

    if len(points) == 0:
        return np.zeros(0, dtype=bool)
    mask: np.ndarray = moocore.is_nondominated(points, maximise=maximise_flags(objectives), keep_weakly=True)
    return mask


def pareto_ranks(points: np.ndarray, objectives: Sequence[Objective]) -> np.ndarray:
    """Non-domination rank of each point: 0 for the front, 1 for the front without it, and so on."""
    import moocore

    if len(points) == 0:
        return np.zeros(0, dtype=int)
    ranks: np.ndarray = moocore.pareto_rank(points, maximise=maximise_flags(objectives))
    return ranks


def hypervolume(points: np.ndarray, objectives: Sequence[Objective], reference: Sequence[float]) -> float:
    """The volume dominated by ``points`` and bounded by ``reference`` (objectives in their own units).

    Points that do not strictly improve on the reference in every objective add nothing.
    """
    import moocore

    ref = np.asarray(reference, dtype=float)
    if ref.shape != (len(objectives),) or not np.all(np.isfinite(ref)):
        raise ValidationError(f"The 'reference' parameter must hold one finite number per objective "
                              f"({len(objectives)}). Got {list(reference)!r} instead.")
    if len(points) == 0:
        return 0.0
    signs = np.array([1.0 if m else -1.0 for m in maximise_flags(objectives)])
    better = np.all((points - ref) * signs > 0, axis=1)
    if not better.any():
        return 0.0
    return float(moocore.hypervolume(points[better], ref=ref, maximise=maximise_flags(objectives)))
