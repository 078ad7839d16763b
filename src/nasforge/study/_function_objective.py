"""``study.optimize(objective, n_trials=30)``: a user's function becomes the study's evaluator, stored by its import
path in the study's spec so that ``resume`` can import it again (and reading never has to)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from nasforge._registry import did_you_mean
from nasforge.evaluators import FunctionEvaluator, ObjectiveError
from nasforge.exceptions import ValidationError
from nasforge.study._budget import Budget
from nasforge.study._checks import check_study
from nasforge.trial import TrialState

if TYPE_CHECKING:
    from nasforge.study._study import Study
    from nasforge.trial import FrozenTrial

OWNER = "Study.optimize"


def run_budget(study: Study, budget: Budget | None, n_trials: int | None, timeout: float | None) -> Budget:
    """The budget of a run: ``budget``, or the ``n_trials`` / ``timeout`` shortcuts, or the study's own.

    The shortcuts' budget becomes the study's stored budget, so that ``nasforge resume`` continues it; trials count
    the whole study, as every nasforge budget does (a resumed run completes the same total)."""
    if n_trials is None and timeout is None:
        return budget or study.budget
    if budget is not None:
        raise ValidationError(f"Give {OWNER} either 'budget' or the 'n_trials' / 'timeout' shortcuts, not both. "
                              f"Got budget={budget} and n_trials={n_trials!r}, timeout={timeout!r}.")
    shortcut = Budget(n_trials=n_trials, timeout_s=timeout)
    if shortcut != study.budget:
        spec = study.storage.get_study_spec(study.study_id)
        spec["budget"] = shortcut.to_dict()
        study.storage.update_study_spec(study.study_id, spec)
        study.budget = shortcut
    return shortcut


def bind_objective(study: Study, objective: Callable[..., Any] | str,
                   metrics: Sequence[str] | None) -> FunctionEvaluator:
    """Make ``objective`` (a function or an import path) the study's evaluator, checked against its objectives and
    constraints, and record it in the stored spec (when it changed)."""
    current = study.evaluator
    if current is not None and not isinstance(current, FunctionEvaluator):
        raise ValidationError(f"The 'objective' parameter of {OWNER} would replace the study's evaluator "
                              f"({type(current).__name__}). Optimize a function on a study created without one: "
                              "create_study(space=..., objectives='val_acc:max').")
    if metrics is None and current is not None:
        metrics = current.metrics
    single = study.objectives[0].name if len(study.objectives) == 1 else None
    evaluator = FunctionEvaluator(function=objective, objective=single, metrics=metrics)
    evaluator.load()  # an import path that finds nothing stops here, before any trial
    check_study(evaluator=evaluator, space=study.space, strategy=study.strategy, objectives=study.objectives,
                constraints=study.constraints, allow_test_objective=True)
    entry = {"name": FunctionEvaluator.registry_name, "params": evaluator.get_params()}
    spec = study.storage.get_study_spec(study.study_id)
    if spec.get("evaluator") != entry:
        spec["evaluator"] = entry
        study.storage.update_study_spec(study.study_id, spec)
    study.evaluator = evaluator
    return evaluator


def check_function(evaluator: object, elsewhere: bool) -> None:
    """Before a run: a function objective must import here, and go to workers only when it has an import path."""
    if not isinstance(evaluator, FunctionEvaluator):
        return
    if elsewhere and evaluator.problem is not None:
        raise ValidationError(evaluator.problem)
    try:
        evaluator.load()
    except ObjectiveError as exc:
        raise ValidationError(str(exc)) from None


def first_result_problem(study: Study, trial: FrozenTrial) -> str | None:
    """For an evaluator that does not declare its metrics, the first result decides whether the objectives and
    constraints name metrics it returns; one that does not stops the search at once, in one line, instead of
    failing every trial of the budget."""
    if study.evaluator is None or study.evaluator.metric_names() is not None or not trial.metrics:
        return None
    names = [o.name for o in study.objectives] + [c.metric for c in study.constraints]
    missing = [name for name in names if name not in trial.metrics]
    if not missing:
        return None
    returned = sorted(trial.metrics)
    source = getattr(study.evaluator, "function", type(study.evaluator).__name__)
    kind = "objective" if missing[0] in {o.name for o in study.objectives} else "constraint metric"
    return (f"The {kind} {missing[0]!r} is not among the metrics {source!r} returned "
            f"({', '.join(returned)}).{did_you_mean(missing[0], returned)} Stopped after the first result: name one "
            "of its metrics (objectives=, --objective NAME:max) or return this one.")


def result_type_problem(trial: FrozenTrial) -> str | None:
    """A trial the function failed by returning no numbers (a string, None, a dict of text ...): a bug of the
    function, the same for every architecture, so the search stops at once instead of failing every trial."""
    reason = trial.fail_reason or ""
    prefix = "ObjectiveResultError: "
    if trial.state is not TrialState.FAIL or not reason.startswith(prefix):
        return None
    return reason.splitlines()[0][len(prefix):] + " Stopped after the first trial: no trial has completed."
