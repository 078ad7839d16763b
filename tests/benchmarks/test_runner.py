from __future__ import annotations

import math

import numpy as np
import pytest

from nasforge.benchmarks import result_rows, run_strategy
from nasforge.evaluators import NB201Evaluator, TableEvaluator

COLUMNS = ["op_1_0", "op_2_0", "op_2_1"]


def test_curves_select_by_objective_and_report_another_metric(toy_table: str) -> None:
    ev = TableEvaluator(table=toy_table, arch_columns=COLUMNS, objective="score:max", report_metric="test")
    result = run_strategy(ev, "grid", {}, [0, 1], 40)
    assert result.curves.shape == (2, 40)
    assert np.all(np.diff(result.curves, axis=1) >= 0)  # the selected score never gets worse here
    assert result.optimum == pytest.approx(6.6)
    assert result.curves[0, -1] == pytest.approx(6.6)  # grid saw everything; padded after 27
    first = result.queries_to(0.0)
    assert np.all(first <= 27) and result.median_queries_to(0.0) == float(np.median(first))
    rows = result_rows([result], [1, 27])
    assert rows[0]["at"]["27"]["mean"] == pytest.approx(6.6)


def test_unreached_targets_are_reported_as_censored(toy_table: str) -> None:
    ev = TableEvaluator(table=toy_table, arch_columns=COLUMNS, objective="score:min", report_metric="test")
    result = run_strategy(ev, "random", {}, [0, 1, 2], 5)
    assert math.isinf(result.median_queries_to(0.0))
    assert result_rows([result], [5])[0]["median_queries_within_0.1"] == ">5"


def test_random_search_matches_the_published_level(nb201_path: str) -> None:
    ev = NB201Evaluator(nb201_path=nb201_path, dataset="cifar10")
    result = run_strategy(ev, "random", {}, list(range(30)), 100)
    mean, _ = result.at(100)
    assert 93.5 < mean < 94.1  # published random search: 93.70 +- 0.36 (Dong & Yang 2020)
