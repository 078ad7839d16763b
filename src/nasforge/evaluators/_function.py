"""Your own objective: a plain function ``objective(arch, report)`` that trains and scores one architecture.

The function is located by its import path (``package.module:function``, or ``script.py:function`` for a
script's own function), never pickled as code: worker processes and Ray import it again, and a stored study
names it so that ``resume`` can import it again. Reading a study never imports it.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from nasforge.evaluators._base import Evaluator, Reporter
from nasforge.evaluators._locate import is_script, locate, module_root, path_of, split_path
from nasforge.evaluators._registry import register_evaluator
from nasforge.exceptions import ValidationError
from nasforge.spaces import Architecture, Scalar

OWNER = "FunctionEvaluator"


class Decisions(Mapping[str, Scalar]):
    """The decisions of one trial, read-only: ``arch["width"]``, ``dict(arch)``.

    Attributes:
        budget: the fidelity a multi-fidelity strategy gave this trial (epochs, say), or None for a full run.
        architecture: the :class:`~nasforge.spaces.Architecture` itself.
    """

    __slots__ = ("_values", "architecture", "budget")

    def __init__(self, architecture: Architecture, budget: float | None = None) -> None:
        self.architecture = architecture
        self.budget = budget
        self._values = dict(architecture.decisions)

    def __getitem__(self, name: str) -> Scalar:
        try:
            return self._values[name]
        except KeyError:
            raise KeyError(f"{name!r} is not a decision of this architecture; it has "
                           f"{', '.join(self._values) or 'none'}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        budget = "" if self.budget is None else f", budget={self.budget:g}"
        return f"Decisions({self._values!r}{budget})"



class ObjectiveResultError(ValidationError):
    """The function returned something that is not a number nor a dict of numbers (a bug, not a bad architecture):
    before any trial has completed, the search stops at the first one instead of failing the whole budget."""

def _as_float(value: object) -> float | None:
    if type(value) is float or type(value) is int:  # the common case first: this runs for every metric
        return float(value)
    if isinstance(value, bool | str | bytes):
        return None
    if isinstance(value, numbers.Real):
        return float(value)
    try:
        return float(value)  # type: ignore[arg-type]  # numpy and torch scalars
    except (TypeError, ValueError):
        return None


def _n_positional(function: Callable[..., Any]) -> int:
    """How many positional arguments ``function`` takes (2 or more: it gets ``report`` too)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: give it the decisions only
        return 1
    kinds = [p.kind for p in parameters]
    if inspect.Parameter.VAR_POSITIONAL in kinds:
        return 2
    return sum(k in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD) for k in kinds)


@register_evaluator("function")
class FunctionEvaluator(Evaluator):
    """Evaluate with the user's own function: ``objective(arch)`` or ``objective(arch, report)``.

    ``arch`` is a read-only mapping of the trial's decisions (:class:`Decisions`; ``arch.budget`` is the fidelity a
    multi-fidelity strategy set, None otherwise). ``report(step, metrics)`` records intermediate values (a learning
    curve; a pruner may stop the trial there). The function returns a number, stored under ``objective``, or a dict
    of numbers.

    Args:
        function: the import path ``package.module:function`` (or ``script.py:function``), or the function itself
            (its path is found; a lambda or a closure can only run in this process).
        objective: the metric a returned number is stored under (the study's objective): ``NAME``, or
            ``NAME:max`` / ``NAME:min``, which is then the evaluator's default objective.
        metrics: the names of the metrics the function returns, when known: objectives and constraints are then
            checked against them before the first trial; otherwise at the first result.
        root: the folder the module is imported from when it is not on ``sys.path`` (found by itself).

    Example:
        >>> def objective(arch):  # doctest: +SKIP
        ...     return train_and_score(build(arch["depth"], arch["width"]))
        >>> study.optimize(objective, n_trials=30, n_workers=2)  # doctest: +SKIP
    """

    takes_budget = True  # arch.budget carries a multi-fidelity strategy's budget

    def __init__(self, *, function: str | Callable[..., Any], objective: str | None = None,
                 metrics: Sequence[str] | None = None, root: str | None = None) -> None:
        self._function: Callable[..., Any] | None = None
        self._with_report = False  # the function takes report as its second argument
        self.problem: str | None = None  # why the function cannot go to other processes (None: it can)
        if callable(function):
            self._function = function
            self._with_report = _n_positional(function) >= 2
            self.function, self.problem = path_of(function, "Study.optimize")
            root = root or module_root(function)
        else:
            module, attr = split_path(function)
            if is_script(module) and not Path(module).is_absolute() and Path(module).is_file():
                function = f"{Path(module).resolve()}:{attr}"  # found again from any directory
            self.function = function
        if objective is not None and (not isinstance(objective, str) or not objective.partition(":")[0]
                                      or objective.partition(":")[2] not in ("", "max", "min")):
            raise ValidationError(f"The 'objective' parameter of {OWNER} must be a metric name, NAME:max or "
                                  f"NAME:min. Got {objective!r} instead.")
        if metrics is not None:
            if isinstance(metrics, str) or not all(isinstance(m, str) and m for m in metrics) or not metrics:
                raise ValidationError(f"The 'metrics' parameter of {OWNER} must be a non-empty list of metric "
                                      f"names. Got {metrics!r} instead.")
            metrics = list(dict.fromkeys(metrics))
        self.objective = objective
        self.metrics = metrics
        self.root = root

    def get_params(self) -> dict[str, Any]:
        return {"function": self.function, "objective": self.objective, "metrics": self.metrics, "root": self.root}

    def __getstate__(self) -> dict[str, Any]:
        if self.problem is not None:
            raise ValidationError(self.problem)
        return super().__getstate__()

    # -- the function ----------------------------------------------------------------------------------
    def load(self) -> Callable[..., Any]:
        """The function, imported on first use; ObjectiveError (one line) when it cannot be imported here."""
        if self._function is None:
            self._function = locate(self.function, self.root)
            self._with_report = _n_positional(self._function) >= 2
            self.root = self.root or module_root(self._function)
        return self._function

    def metric_names(self) -> frozenset[str] | None:
        return None if self.metrics is None else frozenset(self.metrics)

    def default_objective(self) -> str:
        if self.objective is not None and ":" in self.objective:
            return self.objective
        raise NotImplementedError(f"The function {self.function!r} has no default objective; name one "
                                  "(objectives='val_acc:max', --objective val_acc:max).")

    def evaluate(self, arch: Architecture, *, budget: float | None = None,
                 report: Reporter | None = None) -> dict[str, float]:
        if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int | float) or budget <= 0):
            raise ValidationError(f"The 'budget' of {OWNER}.evaluate must be a number > 0. Got {budget!r} instead.")
        function = self.load()
        decisions = Decisions(arch, budget)
        result = function(decisions, self._reporter(report)) if self._with_report else function(decisions)
        return self._metrics(result)

    def _reporter(self, report: Reporter | None) -> Callable[[int, Any], None]:
        def send(step: int, values: Any) -> None:
            if isinstance(step, bool) or not isinstance(step, int):
                raise ValidationError(f"The 'step' of report() must be an int. Got {step!r} instead.")
            metrics = self._metrics(values, what="report()")
            if report is not None:
                report(step, metrics)
        return send

    def _metrics(self, result: object, what: str | None = None) -> dict[str, float]:
        """A number (under ``objective``) or a mapping of numbers as a metrics dict."""
        what = what or f"The objective {self.function!r}"
        if isinstance(result, Mapping):
            out = {}
            for key, value in result.items():
                number = _as_float(value)
                if not isinstance(key, str) or number is None:
                    raise ObjectiveResultError(f"{what} must give numbers by metric name. Got {key!r}: {value!r}.")
                out[key] = number
            missing = [m for m in self.metrics or () if m not in out] if what.startswith("The objective") else []
            if missing:
                raise ObjectiveResultError(f"{what} declares the metrics {', '.join(self.metrics or ())} but "
                                           f"returned no {missing[0]!r} (it returned {', '.join(out) or 'none'}).")
            return out
        number = _as_float(result)
        if number is None:
            raise ObjectiveResultError(f"{what} must give a number or a dict of numbers by metric name. "
                                  f"Got {type(result).__name__} {str(result)[:60]!r} instead.")
        if self.objective is None:
            raise ObjectiveResultError(f"{what} gave a number, but no objective name to store it under; return a dict "
                                  "of named metrics, or give the study one objective.")
        return {self.objective.partition(":")[0]: number}



