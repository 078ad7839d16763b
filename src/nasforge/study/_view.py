"""A study as a reader sees it: built from the stored spec and trials alone.

``read_study`` never builds the evaluator or the strategy and never replays the search, so a study can be listed,
shown and reported when its data set or table has moved and when the evaluator's code cannot be imported. The
space is built when its code can be; otherwise architectures are described from their stored JSON.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from nasforge.exceptions import NasforgeError, StorageError
from nasforge.spaces import SearchSpace, create_space
from nasforge.storages import BaseStorage, get_storage
from nasforge.study._constraints import Constraint, parse_constraints, total_violation
from nasforge.study._objectives import Objective, parse_objectives, primary_score
from nasforge.study._results import BestTrial, StoredResults
from nasforge.study._stored import StoredSpace
from nasforge.study._study import Study
from nasforge.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from nasforge.evaluators import Evaluator


def best_of(trials: Sequence[FrozenTrial], objectives: Sequence[Objective],
            constraints: Sequence[Constraint] = ()) -> FrozenTrial | None:
    """The best of ``trials`` by the rule of ``Study.best_trial`` (see :class:`BestTrial`), constraints respected."""
    def score(trial: FrozenTrial) -> float | None:
        if constraints and total_violation(constraints, trial) > 0:
            return None
        return primary_score(objectives, trial)

    best = BestTrial(score)
    for trial in trials:
        best.offer(trial)
    return best.best


def fail_reasons(trials: Sequence[FrozenTrial]) -> list[tuple[str, int]]:
    """The first line of each distinct fail reason with how many trials gave it, most frequent first."""
    counts = Counter((t.fail_reason or "").strip().splitlines()[0] if (t.fail_reason or "").strip() else "no reason"
                     for t in trials if t.state is TrialState.FAIL)
    return counts.most_common()


def _cost_metric(entry: dict[str, Any] | None) -> str | None:
    """The metric a stored evaluator's simulated-cost budget adds up, found without building the evaluator."""
    if not entry:
        return None
    params = entry.get("params") or {}
    if isinstance(params, dict) and "cost_metric" in params:  # evaluators that take it as a parameter
        value = params["cost_metric"]
        return value if isinstance(value, str) else None
    try:
        from nasforge.evaluators._registry import EVALUATORS

        cls = EVALUATORS.get(str(entry.get("name")))
        # The built-in evaluators name a constant here; calling it on an instance whose __init__ never ran loads
        # no data. One whose answer depends on its state fails, and the cost is then unknown.
        value = cls.cost_metric(object.__new__(cls))
    except Exception:  # unknown or unimportable evaluator, or one that needs its state: no cost plot
        return None
    return value if isinstance(value, str) else None


class StudyView(StoredResults):
    """A stored study, read-only. Build one with :func:`read_study`.

    It offers what ``Study`` offers a reader (trials, best trial, Pareto front, hypervolume, summary) from the
    stored spec and trials. Every property reads the storage again, so a study another process is running is seen
    as it grows.

    Attributes:
        spec: the stored spec (space, strategy, evaluator, objectives, budget ...).
        space: the study's space, or a :class:`StoredSpace` that describes architectures from their stored JSON when
            the space cannot be built here (``space_problem`` says why).
        cost_metric: the metric the evaluator's simulated cost adds up, where known.
    """

    def __init__(self, *, study_id: int, name: str, storage: BaseStorage, spec: dict[str, Any]) -> None:
        self.study_id = study_id
        self.name = name
        self.storage = storage
        self.spec = spec
        try:
            self.objectives = parse_objectives(spec["objectives"])
            self.constraints = parse_constraints(spec.get("constraints"))
            space_entry = spec["space"]
            space_name, space_params = str(space_entry["name"]), dict(space_entry.get("params") or {})
        except (KeyError, TypeError, ValueError, NasforgeError) as exc:
            raise StorageError(f"Study {name!r} has an unreadable spec ({type(exc).__name__}: "
                               f"{str(exc).splitlines()[0] if str(exc) else ''}).") from None
        self.space_problem: str | None = None
        try:
            self.space: SearchSpace = create_space(space_name, **space_params)
        except Exception as exc:  # the space's code is not ours to trust: any failure means 'describe from JSON'
            self.space_problem = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            self.space = StoredSpace(space_name, space_params, self.space_problem)
        stored = spec.get("cost_metric")
        self.cost_metric = (stored if isinstance(stored, str) or "cost_metric" in spec
                            else _cost_metric(spec.get("evaluator")))  # studies stored before the spec named it

    # -- trials --------------------------------------------------------------------------------------
    @property
    def best_trial(self) -> FrozenTrial | None:
        """The COMPLETE feasible trial with the best primary objective (the same rule as ``Study.best_trial``)."""
        return best_of(self.completed_trials(), self.objectives, self.constraints)

    def summary(self) -> dict[str, Any]:
        """Counts per state and the best trial's metrics (the shape of ``Study.summary``)."""
        trials = self.trials
        counts: dict[str, int] = dict(Counter(t.state.value for t in trials))
        best = best_of(trials, self.objectives, self.constraints)
        return {"name": self.name, "trials": counts,
                "best": None if best is None else {"number": best.number, "arch": self.space.describe(best.arch),
                                                   "metrics": dict(best.metrics)}}

    def fail_reasons(self) -> list[tuple[str, int]]:
        """The first line of each distinct fail reason and its count, most frequent first."""
        return fail_reasons(self.storage.get_trials(self.study_id, [TrialState.FAIL]))

    # -- the code behind the study (export only) ------------------------------------------------------
    def build_space(self) -> SearchSpace:
        """The study's real space; StorageError when its code cannot build it here."""
        if isinstance(self.space, StoredSpace):
            self.space.raise_missing()
        return self.space

    def build_evaluator(self) -> Evaluator:
        """Build the stored evaluator (loads its data); what exporting a trained network needs and reading does
        not. StorageError, one line, when it cannot be built here."""
        from nasforge.evaluators import create_evaluator

        entry = self.spec.get("evaluator")
        if not entry:
            raise StorageError(f"Study {self.name!r} has no evaluator (it was driven by ask and tell).")
        try:
            return create_evaluator(str(entry["name"]), **dict(entry.get("params") or {}))
        except Exception as exc:  # unknown name, user code, moved data: one line, not a traceback
            raise StorageError(f"The evaluator {entry.get('name')!r} of study {self.name!r} cannot be built here: "
                               f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None


ReadableStudy: TypeAlias = Study | StudyView  # what reports, plots, the dashboard and export accept


def read_study(name: str, storage: str | BaseStorage) -> StudyView:
    """Open a stored study to read it: a URL is opened read-only (nothing is created, upgraded or written).

    Example:
        >>> from nasforge.study import read_study
        >>> view = read_study("s0", "sqlite:///nasforge.db")  # doctest: +SKIP
        >>> view.best_trial, view.fail_reasons()  # doctest: +SKIP
    """
    from nasforge.study._names import resolve_name

    store = get_storage(storage, read_only=True)
    name = resolve_name(store, name)  # 's0 ' or an NFD 'café' find the study stored as 's0' / NFC 'café'
    study_id = store.get_study_id(name)
    return StudyView(study_id=study_id, name=name, storage=store, spec=store.get_study_spec(study_id))


def cost_metric_of(study: ReadableStudy) -> str | None:
    """The metric a study's evaluator adds up as its simulated cost (None: none, or unknown)."""
    if isinstance(study, StudyView):
        return study.cost_metric
    return None if study.evaluator is None else study.evaluator.cost_metric()
