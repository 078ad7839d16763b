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
from nasforge.study import Budget, Callback, Study, create_study, primary_score
from nasforge.trial import FrozenTrial, TrialState


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

    def values_at(self, queries: int) -> np.ndarray:
        """Per seed, the reported metric of the architecture selected after ``queries`` queries."""
        return self.curves[:, min(queries, self.curves.shape[1]) - 1]

    def at(self, queries: int) -> tuple[float, float]:
        """Mean and standard deviation over seeds after ``queries`` queries."""
        values = self.values_at(queries)
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


def _stop_at_ceiling(column: Callable[[str], np.ndarray]) -> Callback:
    """A callback that stops a study once a trial reaches the best objective value in the whole table.

    A tabular evaluator's observations are its columns, so no later query can be selected over that trial:
    the rest of the curve is known (constant) and the queries that would only confirm it are skipped. This
    changes no number, only the time (the model-based strategies spend most of theirs late in a run).
    """
    ceilings: dict[str, float] = {}

    def callback(study: Study, trial: FrozenTrial) -> None:
        objective = study.objectives[0]
        if objective.name not in ceilings:
            try:
                values = column(objective.name)
                ceilings[objective.name] = float(np.max(values) if objective.direction == "max" else -np.min(values))
            except ValidationError:  # the objective is not a table column: run the whole budget
                ceilings[objective.name] = math.inf
        score = primary_score(study.objectives, trial)
        if trial.counted and score is not None and score >= ceilings[objective.name]:
            study.stop()

    return callback


def run_strategy(evaluator: Evaluator, strategy: str, params: dict[str, Any], seeds: Sequence[int],
                 max_queries: int, *, objective: str | None = None, report_metric: str | None = None,
                 on_run: Callable[[], None] | None = None,
                 warm_start: Callable[[int], Sequence[Architecture]] | None = None,
                 stop_at_optimum: bool = True) -> StrategyResult:
    """Run ``strategy`` once per seed for ``max_queries`` queries, in memory.

    ``warm_start(seed)``, when given, returns the architectures that seed's study starts from (transfer).
    With ``stop_at_optimum``, a run stops once it has queried an architecture with the table's best objective
    value, and its curve is carried on flat to ``max_queries`` (the same numbers as a full run, see
    :func:`_stop_at_ceiling`).
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
        study.optimize(Budget(n_trials=max_queries), callbacks=[_stop_at_ceiling(column)] if stop_at_optimum else ())
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
        if 0 < q < max_queries:  # a finite space ran out, or the optimum was found: the selection stays
            curves[row, q:] = curves[row, q - 1]
        if on_run is not None:
            on_run()
    return StrategyResult(strategy=strategy, params=dict(params), seeds=list(seeds), curves=curves, optimum=optimum)
