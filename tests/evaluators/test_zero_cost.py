"""The zero-cost evaluator: proxies of untrained networks as metrics, ranking and prefiltering."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

from nasforge.evaluators import ZeroCostEvaluator
from nasforge.exceptions import ValidationError
from nasforge.strategies import create_strategy
from nasforge.study import Budget, create_study


def test_metrics_are_the_proxies_and_costs_and_repeat_exactly() -> None:
    ev = ZeroCostEvaluator(data="digits", space="chain", proxies=["synflow", "naswot", "snip"], batch_size=32)
    arch = ev.natural_space().sample(np.random.default_rng(3))
    first = ev.evaluate(arch)
    assert {"synflow", "naswot", "snip", "params", "flops", "proxy_time_s"} <= set(first)
    again = pickle.loads(pickle.dumps(ev)).evaluate(arch)
    assert all(first[k] == again[k] for k in ("synflow", "naswot", "snip", "params", "flops"))
    assert ev.default_objective() == "synflow:max" and ev.cost_metric() == "proxy_time_s"
    other_seed = ZeroCostEvaluator(data="digits", space="chain", proxies=["snip"], batch_size=32, seed=1)
    assert other_seed.evaluate(arch)["snip"] != first["snip"]


def test_data_independent_proxies_run_on_a_given_skeleton() -> None:
    ev = ZeroCostEvaluator(data=None, space="nb201", space_params={"channels": 4, "cells_per_stage": 1},
                           proxies=["synflow", "params"], input_shape=(3, 8, 8), n_outputs=10)
    space = ev.natural_space()
    empty = space.parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
    convs = space.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|"
                        "nor_conv_3x3~2|")
    assert ev.evaluate(convs)["synflow"] > ev.evaluate(empty)["synflow"]
    assert ev.rank([empty, convs]) == [convs, empty]


@pytest.mark.parametrize(("params", "message"), [
    ({"proxies": []}, "'proxies' parameter of ZeroCostEvaluator must be a non-empty list"),
    ({"proxies": ["synflw"]}, "Unknown proxy 'synflw'"),
    ({"data": None, "proxies": ["naswot"], "input_shape": (3, 8, 8), "n_outputs": 2}, "need data"),
    ({"data": None, "proxies": ["synflow"]}, "needs 'input_shape' and 'n_outputs'"),
    ({"batch_size": 1}, "'batch_size' parameter of ZeroCostEvaluator must be an int >= 2"),
])
def test_bad_parameters(params: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ZeroCostEvaluator(**params)  # type: ignore[arg-type]


def test_prefilter_returns_the_proxy_best_of_a_seeded_pool_and_warm_starts_a_search() -> None:
    ev = ZeroCostEvaluator(data="digits", space="mlp", proxies=["synflow"])
    top = ev.prefilter(30, 5, seed=0)
    assert len(top) == 5 and top == ev.prefilter(30, 5, seed=0)
    scores = [ev.score(a) for a in top]
    assert scores == sorted(scores, reverse=True)
    space, rng, pool = ev.natural_space(), np.random.default_rng(0), {}
    while len(pool) < 30:  # the same seeded pool of distinct architectures
        arch = space.sample(rng)
        pool.setdefault(space.key(arch), arch)
    assert math.isclose(scores[0], max(ev.score(a) for a in pool.values()))
    study = create_study(evaluator=ev, strategy=create_strategy("evolution", seed=0), budget=Budget(n_trials=8),
                         warm_start=top, warm_start_top=5)
    study.optimize()
    assert [t.arch for t in study.trials[:5]] == top
