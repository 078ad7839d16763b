"""Strategies x seeds on a tabular benchmark: anytime curves of the selected architecture's metric."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from nasforge.evaluators import Evaluator
from nasforge.exceptions import ValidationError
from nasforge.spaces import Architecture
from nasforge.storages import InMemoryStorage
from nasforge.strategies import create_strategy
from nasforge.study import Budget, create_study, primary_score
from nasforge.trial import TrialState


class TabularEvaluator(Protocol):
    """An evaluator that knows a metric for every architecture of its space."""

    def metric_column(self, name: str) -> np.ndarray: ...


@dataclass
class StrategyResult:
    """One strategy on one benchmark: ``curves[s, q]`` is the reported metric of the architecture that
    is best by the objective among the first ``q + 1`` queries of seed ``s``."""

    strategy: str
    params: dict[str, Any]
    seeds: list[int]
    curves: np.ndarray  # (n_seeds, max_queries)
    optimum: float
    extra: dict[str, Any] = field(default_factory=dict)

    def at(self, queries: int) -> tuple[float, float]:
        """Mean and standard deviation over seeds after ``queries`` queries."""
        values = self.curves[:, min(queries, self.curves.shape[1]) - 1]
        return float(values.mean()), float(values.std())

    def queries_to(self, within: float) -> np.ndarray:
        """Per seed, the first query count whose selected architecture is within ``within`` of the
        optimum (inf when never reached)."""
        hit = self.curves >= self.optimum - within - 1e-9
        first = np.where(hit.any(axis=1), hit.argmax(axis=1) + 1.0, np.inf)
        return first

    def median_queries_to(self, within: float) -> float:
        """Median over seeds of :meth:`queries_to` (inf when fewer than half of the seeds got there)."""
        return float(np.median(self.queries_to(within)))


def run_strategy(evaluator: Evaluator, strategy: str, params: dict[str, Any], seeds: Sequence[int],
                 max_queries: int, *, objective: str | None = None, report_metric: str | None = None,
                 on_run: Callable[[], None] | None = None,
                 warm_start: Callable[[int], Sequence[Architecture]] | None = None) -> StrategyResult:
    """Run ``strategy`` once per seed for ``max_queries`` queries, in memory.

    ``warm_start(seed)``, when given, returns the architectures that seed's study starts from (transfer).
    """
    report = report_metric or evaluator.report_metric()
    if report is None:
        raise ValidationError("The benchmark needs a metric to report: the evaluator names none; give report_metric.")
    column = getattr(evaluator, "metric_column", None)
    if column is None:
        raise ValidationError(f"{type(evaluator).__name__} is not tabular; benchmarks run on tabular evaluators.")
    optimum = float(np.max(column(report)))
    curves = np.full((len(seeds), max_queries), np.nan)
    for row, seed in enumerate(seeds):
        study = create_study(evaluator=evaluator, strategy=create_strategy(strategy, seed=seed, **params),
                             objectives=objective, storage=InMemoryStorage(), name=f"{strategy}-{seed}",
                             warm_start=None if warm_start is None else warm_start(seed),
                             allow_duplicates=True)  # every proposal is a query, as the published protocols count
        study.optimize(Budget(n_trials=max_queries))
        best_score, best_value, q = -math.inf, math.nan, 0
        for trial in study.trials:
            if not trial.counted:
                continue
            score = primary_score(study.objectives, trial)
            if trial.state is TrialState.COMPLETE and score is not None and score > best_score:
                best_score, best_value = score, trial.metrics[report]
            if q < max_queries:
                curves[row, q] = best_value
            q += 1
        if 0 < q < max_queries:  # a finite space ran out: the selection stays as it is
            curves[row, q:] = curves[row, q - 1]
        if on_run is not None:
            on_run()
    return StrategyResult(strategy=strategy, params=dict(params), seeds=list(seeds), curves=curves, optimum=optimum)
