"""Multi-objective runs on a tabular benchmark: hypervolume against the table's true Pareto front."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nasforge.evaluators import Evaluator
from nasforge.exceptions import ValidationError
from nasforge.storages import InMemoryStorage
from nasforge.strategies import create_strategy
from nasforge.study import Budget, create_study, parse_objectives
from nasforge.study._pareto import hypervolume


@dataclass
class ParetoResult:
    """One strategy: ``ratios[s, c]`` is seed s's hypervolume after ``checkpoints[c]`` queries divided by the
    hypervolume of the table's true front (same reference point)."""

    strategy: str
    params: dict[str, Any]
    seeds: list[int]
    checkpoints: list[int]
    ratios: np.ndarray
    true_hypervolume: float
    reference: list[float]
    front_size: int


def true_front(evaluator: Evaluator, objectives: Sequence[str]) -> tuple[np.ndarray, list[float]]:
    """Every architecture's objective values (rows) and the reference point: each objective's worst value."""
    column = getattr(evaluator, "metric_column", None)
    if column is None:
        raise ValidationError(f"{type(evaluator).__name__} is not tabular; the true front needs a table.")
    parsed = parse_objectives(list(objectives))
    points = np.stack([np.asarray(column(o.name), dtype=float) for o in parsed], axis=1)
    reference = [float(points[:, i].min() if o.direction == "max" else points[:, i].max())
                 for i, o in enumerate(parsed)]
    return points, reference


def run_multiobjective(evaluator: Evaluator, strategy: str, params: dict[str, Any], seeds: Sequence[int],
                       checkpoints: Sequence[int], objectives: Sequence[str],
                       on_run: Callable[[], None] | None = None) -> ParetoResult:
    """Run ``strategy`` once per seed for ``max(checkpoints)`` queries; hypervolume ratios at each checkpoint."""
    parsed = parse_objectives(list(objectives))
    points, reference = true_front(evaluator, objectives)
    from nasforge.study._pareto import nondominated

    best = hypervolume(points, parsed, reference)
    front_size = int(nondominated(points, parsed).sum())
    ratios = np.zeros((len(seeds), len(checkpoints)))
    for row, seed in enumerate(seeds):
        study = create_study(evaluator=evaluator, strategy=create_strategy(strategy, seed=seed, **params),
                             objectives=list(objectives), storage=InMemoryStorage(), name=f"{strategy}-{seed}")
        study.optimize(Budget(n_trials=max(checkpoints)))
        trials = study.trials
        for col, q in enumerate(checkpoints):
            seen = [t for t in trials[:q] if t.metrics]
            found = np.array([[t.metrics[o.name] for o in parsed] for t in seen]) if seen else np.zeros((0, 2))
            ratios[row, col] = hypervolume(found, parsed, reference) / best
        if on_run is not None:
            on_run()
    return ParetoResult(strategy=strategy, params=dict(params), seeds=list(seeds), checkpoints=list(checkpoints),
                        ratios=ratios, true_hypervolume=best, reference=reference, front_size=front_size)
