"""A study's trials as arrays for plots and tables, and which decisions mattered."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from nasforge.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from nasforge.study import ReadableStudy


@dataclass(frozen=True)
class History:
    """The finished trials of a study in order, with the primary objective and the seconds since the first start.

    Attributes:
        trials: the trials, by number (RUNNING ones left out).
        objective, direction: the primary objective's metric and ``max`` or ``min``.
        values: the objective per trial (NaN where a trial has none: failed, pruned).
        seconds: seconds from the study's first trial start to each trial's end.
    """

    trials: list[FrozenTrial]
    objective: str
    direction: str
    values: np.ndarray
    seconds: np.ndarray

    @classmethod
    def of(cls, study: ReadableStudy) -> History:
        """The finished trials of ``study`` (read from its storage now)."""
        trials = [t for t in study.trials if t.state is not TrialState.RUNNING]
        objective = study.objectives[0]
        values = np.array([t.metrics.get(objective.name, math.nan) if t.state is TrialState.COMPLETE else math.nan
                           for t in trials], dtype=float)
        starts = [t.started_at for t in trials if t.started_at is not None]
        first = min(starts) if starts else None
        seconds = np.array([(t.finished_at - first).total_seconds() if first and t.finished_at else math.nan
                            for t in trials], dtype=float)
        return cls(trials, objective.name, objective.direction, values, seconds)

    def best_so_far(self) -> np.ndarray:
        """The best objective value among trials 0..i (NaN until the first value)."""
        signed = self.values if self.direction == "max" else -self.values
        best = np.fmax.accumulate(np.where(np.isnan(signed), -np.inf, signed))
        best = np.where(np.isneginf(best), np.nan, best)
        return best if self.direction == "max" else -best

    def completed(self) -> list[FrozenTrial]:
        """The trials with an objective value, in order."""
        return [t for t, v in zip(self.trials, self.values, strict=True) if not math.isnan(v)]


@dataclass(frozen=True)
class Importance:
    """How much each decision explains the objective: permutation importance of a random forest fitted on the
    completed trials' decisions (Breiman 2001) to predict the objective's rank, normalised to sum to 1, with the
    spread over repeats."""

    names: list[str]
    importance: np.ndarray
    spread: np.ndarray
    n_trials: int
    r2: float  # out-of-bag R^2 of the forest on the ranks: how much of the ranking the decisions explain at all


def _column(values: list[Any]) -> np.ndarray | None:
    """A decision's values as numbers: numeric as they are, anything else as the index of its sorted value."""
    if len(set(map(repr, values))) < 2:
        return None  # the same in every trial: explains nothing
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=float)
    levels = sorted(set(map(str, values)))
    return np.array([levels.index(str(v)) for v in values], dtype=float)


def decision_importance(study: ReadableStudy, *, seed: int = 0, min_trials: int = 8) -> Importance | None:
    """Which decisions matter for the primary objective, or None with fewer than ``min_trials`` results."""
    from scipy.stats import rankdata
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.inspection import permutation_importance

    history = History.of(study)
    done = history.completed()
    if len(done) < min_trials:
        return None
    names = [name for name, _ in done[0].arch.decisions]
    columns, kept = [], []
    for name in names:
        column = _column([dict(t.arch.decisions).get(name) for t in done])
        if column is not None:
            columns.append(column)
            kept.append(name)
    if not kept:
        return None
    x = np.stack(columns, axis=1)
    values = history.values[~np.isnan(history.values)]
    # ranks, not values: a few diverged trials (10 % accuracy among 90 % ones) would otherwise be all the forest
    # learns, and which decision ranks architectures is what a user asks
    y = rankdata(values if history.direction == "max" else -values) / len(values)
    forest = RandomForestRegressor(n_estimators=100, max_features=0.5, oob_score=True, random_state=seed,
                                   n_jobs=1).fit(x, y)
    result = permutation_importance(forest, x, y, n_repeats=5, random_state=seed, n_jobs=1)
    raw = np.clip(result.importances_mean, 0.0, None)
    total = raw.sum() or 1.0
    order = np.argsort(-raw)
    return Importance([kept[i] for i in order], raw[order] / total, result.importances_std[order] / total,
                      len(done), float(forest.oob_score_))


def choice_effects(study: ReadableStudy, name: str) -> dict[str, tuple[float, float, int]]:
    """For decision ``name``: each value -> (mean objective, standard error, trials)."""
    history = History.of(study)
    groups: dict[str, list[float]] = {}
    for trial, value in zip(history.trials, history.values, strict=True):
        if not math.isnan(value):
            groups.setdefault(str(dict(trial.arch.decisions).get(name)), []).append(float(value))
    def order(value: str) -> tuple[int, float, str]:  # numbers by value (8 before 16), then words
        try:
            return 0, float(value), value
        except ValueError:
            return 1, 0.0, value

    return {k: (float(np.mean(groups[k])), float(np.std(groups[k]) / math.sqrt(len(groups[k]))), len(groups[k]))
            for k in sorted(groups, key=order)}
