"""The Evaluator contract: an architecture (and a budget) in, a metrics dict out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from nasforge.spaces import Architecture, SearchSpace

# report(step, values): intermediate results of a running evaluation (for pruning and learning curves).
Reporter = Callable[[int, Mapping[str, float]], None]


@dataclass(frozen=True)
class EvaluatorCapabilities:
    """What an evaluator class can do, read by ``create_study`` and the CLI before anything runs.

    Attributes:
        takes_budget: ``evaluate`` honours a ``budget`` (a fidelity such as epochs), so a multi-fidelity strategy
            can use it; an evaluator without one ignores the budget.
    """

    takes_budget: bool = False


class Evaluator(ABC):
    """Turns an architecture into metrics. Evaluators are picklable (they run in other processes).

    The metrics dict holds the objective(s) and costs, each a float. ``default_objective`` is what a
    study optimises when the user names nothing; ``report_metric`` is what a benchmark reports for the
    architecture a search selected (a test metric, when the objective is a validation metric);
    ``cost_metric`` is the metric a simulated-cost budget sums. ``metric_names`` declares every metric a result
    carries, so that a study can refuse a misspelled objective, constraint or cost metric before it starts.
    """

    registry_name: ClassVar[str]
    # True when evaluate() honours a budget (a fidelity: epochs); see EvaluatorCapabilities.
    takes_budget: ClassVar[bool] = False

    @classmethod
    def capabilities(cls) -> EvaluatorCapabilities:
        """What this kind of evaluator can do (``evaluator_capabilities(name)`` asks the registry)."""
        return EvaluatorCapabilities(takes_budget=cls.takes_budget)

    def metric_names(self) -> frozenset[str] | None:
        """Every metric a COMPLETE result carries (it may depend on the evaluator's parameters: task, proxies,
        columns ...), or None when the evaluator does not declare them; undeclared names are not checked before
        a study starts. Every registered evaluator declares them (the conformance suite holds it to them)."""
        return None

    @abstractmethod
    def get_params(self) -> dict[str, Any]:
        """Constructor parameters (JSON-compatible) that rebuild an equal evaluator."""

    def __getstate__(self) -> dict[str, Any]:
        """Pickled as its parameters: another process rebuilds it (and reloads its data) from them."""
        return {"params": self.get_params()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state["params"])  # type: ignore[misc]

    @abstractmethod
    def evaluate(self, arch: Architecture, *, budget: float | None = None,
                 report: Reporter | None = None) -> dict[str, float]:
        """Evaluate ``arch``; ``budget`` is a fidelity (epochs) where the evaluator has one."""

    def default_objective(self) -> str:
        """The objective spec (``NAME:max`` or ``NAME:min``) used when the user gives none."""
        raise NotImplementedError(f"{type(self).__name__} has no default objective; name one.")

    def report_metric(self) -> str | None:
        """The metric to report for a selected architecture, or None."""
        return None

    def cost_metric(self) -> str | None:
        """The metric that a simulated-cost budget adds up, or None."""
        return None

    def last_step(self, arch: Architecture, budget: float | None = None) -> int | None:
        """The step of the last intermediate report of ``arch`` at ``budget`` (None: unknown). A pruner is not
        consulted there: stopping a trial at its last step saves nothing."""
        return None

    def natural_space(self) -> SearchSpace | None:
        """The search space this evaluator defines (tabular benchmarks), or None."""
        return None
