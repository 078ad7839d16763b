from __future__ import annotations

import math

import numpy as np
import pytest

from nasforge.benchmarks import result_rows, run_strategy
from nasforge.benchmarks._intervals import mean_interval, median_interval
from nasforge.evaluators import TableEvaluator

COLUMNS = ["op_1_0", "op_2_0", "op_2_1"]


def test_mean_interval_covers_the_mean_and_shrinks_with_more_seeds() -> None:
    rng = np.random.default_rng(1)
    small, large = rng.normal(94.0, 0.3, 20), rng.normal(94.0, 0.3, 400)
    low_s, high_s = mean_interval(small)
    low_l, high_l = mean_interval(large)
    assert low_s < small.mean() < high_s and low_l < large.mean() < high_l
    assert high_l - low_l < (high_s - low_s) / 2  # ~ 1 / sqrt(n): 20x the seeds, under half the width
    assert abs((high_l - low_l) / 2 - 1.96 * large.std() / math.sqrt(large.size)) < 0.01  # the normal-theory width
    assert mean_interval(small) == (low_s, high_s)  # seeded: the same interval every time


def test_degenerate_and_censored_samples() -> None:
    assert mean_interval(np.full(50, 94.37)) == (94.37, 94.37)
    assert mean_interval(np.array([93.0])) == (93.0, 93.0)
    never = np.array([np.inf] * 60 + [10.0] * 40)  # most seeds never got there: the median is censored
    low, high = median_interval(never, censor=301)
    assert high == 301 and low <= 301
    reached = np.array([20.0] * 30 + [30.0] * 40 + [40.0] * 30)
    low, high = median_interval(reached, censor=301)
    assert 20 <= low <= 30 <= high <= 40


def test_rows_carry_intervals_seeds_and_per_seed_values(toy_table: str) -> None:
    ev = TableEvaluator(table=toy_table, arch_columns=COLUMNS, objective="score:max", report_metric="test")
    result = run_strategy(ev, "random", {}, [100, 101, 102, 103], 10)
    row = result_rows([result], [3, 10])[0]
    assert row["seed_ids"] == [100, 101, 102, 103] and row["seeds"] == 4
    for q in ("3", "10"):
        values = row["per_seed"]["at"][q]
        assert row["at"][q]["mean"] == pytest.approx(np.mean(values), abs=1e-4)
        low, high = row["at"][q]["ci"]
        assert min(values) <= low <= row["at"][q]["mean"] <= high <= max(values)
    reached = [q for q in row["per_seed"]["queries_within_0.1"] if q is not None]
    assert all(1 <= q <= 10 for q in reached)
    low, high = row["median_queries_within_0.1_ci"]
    assert all(isinstance(b, float) or b == ">10" for b in (low, high))
