"""Any user table as an evaluator: a query returns the metrics of that architecture's row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nasforge._registry import did_you_mean
from nasforge._validation import check_choice
from nasforge.data import load_arch_table
from nasforge.evaluators._base import Evaluator, Reporter
from nasforge.evaluators._registry import register_evaluator
from nasforge.exceptions import ValidationError
from nasforge.spaces import Architecture, SearchSpace, TableSpace


@register_evaluator("table")
class TableEvaluator(Evaluator):
    """Look up architectures in a CSV table; every numeric non-architecture column is a metric.

    Args:
        table: CSV path (optionally gzip'd).
        arch_columns: the columns that define an architecture (categorical decisions).
        objective: the default objective, ``NAME:max`` or ``NAME:min``; None means the first metric column,
            maximised.
        report_metric: a metric to report for the selected architecture (for example a test column).
        cost_metric: a metric that a simulated-cost budget adds up (for example training seconds).
    """

    def __init__(self, *, table: str, arch_columns: Sequence[str], objective: str | None = None,
                 report_metric: str | None = None, cost_metric: str | None = None) -> None:
        owner = type(self).__name__
        self._table = load_arch_table(table, tuple(arch_columns))
        names = list(self._table.metrics)
        given = (("objective", None if objective is None else objective.rpartition(":")[0] or objective),
                 ("report_metric", report_metric), ("cost_metric", cost_metric))
        for name, value in given:
            if value is not None and value not in names:
                raise ValidationError(f"The '{name}' parameter of {owner} must be one of the table's metric columns "
                                      f"({', '.join(names)}). Got {value!r} instead.{did_you_mean(value, names)}")
        self.objective = objective or f"{names[0]}:max"
        self._report = report_metric
        self._cost = cost_metric

    def get_params(self) -> dict[str, Any]:
        return {"table": self._table.path, "arch_columns": list(self._table.arch_columns),
                "objective": self.objective, "report_metric": self._report, "cost_metric": self._cost}

    def metric_names(self) -> frozenset[str]:
        """The table's numeric non-architecture columns; the budget is ignored (one fidelity)."""
        return frozenset(self._table.metrics)

    def evaluate(self, arch: Architecture, *, budget: float | None = None,
                 report: Reporter | None = None) -> dict[str, float]:
        row = self._table.row_of.get(arch.values())  # type: ignore[arg-type,unused-ignore]
        if row is None:
            self.natural_space().validate(arch)
            raise KeyError(arch)
        return {name: float(values[row]) for name, values in self._table.metrics.items()}

    def metric_column(self, name: str) -> np.ndarray:
        """A metric over every architecture of the table (for optima and true Pareto fronts)."""
        check_choice(type(self).__name__, "metric", name, list(self._table.metrics))
        return self._table.metrics[name]

    def default_objective(self) -> str:
        return self.objective

    def report_metric(self) -> str | None:
        return self._report

    def cost_metric(self) -> str | None:
        return self._cost

    def natural_space(self) -> SearchSpace:
        return TableSpace(table=self._table.path, arch_columns=self._table.arch_columns)
