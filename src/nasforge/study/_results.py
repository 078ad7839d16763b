"""What a study's stored trials say, shared by the running :class:`Study` and the read-only ``StudyView``."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from nasforge.storages import BaseStorage
from nasforge.study._constraints import Constraint, total_violation
from nasforge.study._objectives import Objective
from nasforge.study._pareto import hypervolume, nondominated, objective_values
from nasforge.trial import FrozenTrial, TrialState


class StoredResults:
    """Trials, feasible trials, Pareto front and hypervolume, read from ``storage`` on every call.

    A class using it sets ``storage``, ``study_id``, ``objectives`` and ``constraints``.
    """

    storage: BaseStorage
    study_id: int
    objectives: tuple[Objective, ...]
    constraints: tuple[Constraint, ...]

    @property
    def trials(self) -> list[FrozenTrial]:
        """All trials, by number."""
        return self.storage.get_trials(self.study_id)

    def completed_trials(self) -> list[FrozenTrial]:
        """COMPLETE trials, by number."""
        return self.storage.get_trials(self.study_id, [TrialState.COMPLETE])

    def feasible_trials(self) -> list[FrozenTrial]:
        """COMPLETE trials that carry every objective and satisfy every constraint."""
        return [t for t in self.completed_trials()
                if objective_values(self.objectives, t) is not None and total_violation(self.constraints, t) == 0]

    def pareto_front(self) -> list[FrozenTrial]:
        """The feasible COMPLETE trials that no other feasible trial dominates on the objectives, by number."""
        trials = self.feasible_trials()
        if not trials:
            return []
        points = np.stack([objective_values(self.objectives, t) for t in trials])  # type: ignore[misc]
        mask = nondominated(points, self.objectives)
        return [t for t, keep in zip(trials, mask, strict=True) if keep]

    def hypervolume(self, reference: Sequence[float] | None = None) -> float:
        """Hypervolume of the Pareto front (objectives in their own units) against ``reference``.

        The default reference is the worst value of each objective among the feasible trials (the nadir of
        what the study saw), which makes the figure comparable only within one study; pass a fixed reference
        to compare studies.
        """
        trials = self.feasible_trials()
        if not trials:
            return 0.0
        points = np.stack([objective_values(self.objectives, t) for t in trials])  # type: ignore[misc]
        if reference is None:
            reference = [float(points[:, i].min() if o.direction == "max" else points[:, i].max())
                         for i, o in enumerate(self.objectives)]
        return hypervolume(points, self.objectives, reference)


class BestTrial:
    """The best trial among those offered, kept as they come (O(1) each): the COMPLETE trial with the largest
    score, the earliest on ties. In a multi-fidelity study only trials at the largest budget offered compete (a
    trial without a budget had the evaluator's full budget), as in Hyperband: a short training is no final result.

    Args:
        score: a trial's primary objective as 'larger is better', None for an infeasible or unscored trial.
    """

    def __init__(self, score: Callable[[FrozenTrial], float | None]) -> None:
        self._score_of = score
        self.best: FrozenTrial | None = None
        self._score = -math.inf
        self._top_budget = -math.inf

    def offer(self, trial: FrozenTrial) -> None:
        """Let a finished trial challenge the best one."""
        if trial.state is not TrialState.COMPLETE:
            return
        budget = math.inf if trial.budget is None else trial.budget
        if budget < self._top_budget:
            return
        if budget > self._top_budget:  # a larger budget: the trials at smaller ones no longer compete
            self._top_budget, self.best, self._score = budget, None, -math.inf
        score = self._score_of(trial)
        if score is None or not score > -math.inf:  # infeasible, or nothing to compare (NaN, -inf)
            return
        if (self.best is None or score > self._score
                or (score == self._score and trial.number < self.best.number)):  # ties: the earliest wins
            self.best, self._score = trial, score
