"""Checks every registered evaluator must pass, after scikit-learn's ``check_estimator``: its parameters round-trip
through ``get_params`` (JSON) and pickling, a result carries exactly the metrics it declares (and the objective,
report and cost metrics are among them), and a budget is honoured or ignored as the evaluator declares.

Driven by the registry: an evaluator is built from its constructor's defaults, or from a cheap recipe below
(tiny data subsets, one epoch) where the defaults are slow or need a file. A new evaluator needs no new test code
unless its defaults cannot run here; then it gets a recipe.
"""

from __future__ import annotations

import json
import math
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nasforge.evaluators import Evaluator, create_evaluator, evaluator_capabilities, list_evaluators
from nasforge.exceptions import ValidationError
from nasforge.spaces import Architecture, Float, Int, SearchSpace, Space
from nasforge.study import Objective, is_test_metric


@dataclass(frozen=True)
class Files:
    """What a recipe may need: the NAS-Bench-201 folder and a folder for small files."""

    nb201: str
    folder: Path


Recipe = Callable[[Files], dict[str, Any]]
TABLE = "depth,width,act,val_acc,test_acc,seconds\n" + "\n".join(
    f"{d},{w},{a},{0.5 + 0.01 * d + 0.001 * w},{0.49 + 0.01 * d},{d * w / 10}"
    for d in (2, 4) for w in (16, 32) for a in ("relu", "gelu")) + "\n"


def _table(files: Files) -> dict[str, Any]:
    path = files.folder / "archs.csv"
    path.write_text(TABLE)
    return {"table": str(path), "arch_columns": ["depth", "width", "act"], "objective": "val_acc:max",
            "report_metric": "test_acc", "cost_metric": "seconds"}


_SMALL_MLP = {"space": "mlp", "space_params": {"max_layers": 2, "widths": [8, 16]}}
_SMALL_GAN = {"n_cells": 1, "z_dim": 16, "g_widths": [16], "d_depths": [2], "d_widths": [16]}

# name -> (case id -> recipe); slow cases carry ``slow_`` in their id.
RECIPES: dict[str, dict[str, Recipe]] = {
    "nb201": {"cifar10": lambda f: {"nb201_path": f.nb201},
              "noisy": lambda f: {"nb201_path": f.nb201, "noisy": True, "noise_seed": 3},
              "cifar100-raspi4": lambda f: {"nb201_path": f.nb201, "dataset": "cifar100", "latency_device": "raspi4"}},
    "table": {"csv": _table},
    "train": {"classification": lambda f: {**_SMALL_MLP, "epochs": 1, "train_subset": 120, "threads": 1},
              "regression-cv": lambda f: {**_SMALL_MLP, "data": "diabetes", "epochs": 1, "cv_folds": 2,
                                          "measure_latency": False, "threads": 1},
              "no-test-split": lambda f: {**_SMALL_MLP, "epochs": 1, "train_subset": 120, "test_fraction": 0.0,
                                          "measure_latency": False, "threads": 1}},
    "zero_cost": {"digits": lambda f: {**_SMALL_MLP, "proxies": ["naswot", "synflow", "params"], "batch_size": 16},
                  "no-data": lambda f: {**_SMALL_MLP, "data": None, "proxies": ["synflow"], "input_shape": [1, 8, 8],
                                        "n_outputs": 10, "batch_size": 4}},
    # The FID feature extractor comes from the session's cache with its default settings (shared with the
    # generation tests), so only the tiny VAE or GAN is trained here.
    "generation": {"vae": lambda f: {"space": "vae", "space_params": {"depths": [1], "widths": [8]}, "epochs": 1,
                                     "train_subset": 64, "n_samples": 10, "min_diversity": 0.0, "threads": 1},
                   "slow_gan": lambda f: {"space": "gan", "space_params": _SMALL_GAN, "epochs": 1, "train_subset": 64,
                                          "n_samples": 10, "min_diversity": 0.0, "threads": 1}},
    "function": {"module": lambda f: {"function": "tests.evaluators.function_objectives:objective",
                                      "objective": "val_acc:max", "metrics": ["val_acc", "loss"]}},
}
# The spaces of evaluators that define none (your own function searches the space it is given).
SPACES: dict[str, Callable[[], SearchSpace]] = {
    "function": lambda: Space({"depth": Int(1, 4), "width": [16, 32], "act": ["relu", "gelu"],
                               "lr": Float(1e-4, 1e-1, log=True)}),
}


def _cases() -> list[Any]:
    out = []
    for name in list_evaluators():
        for case, recipe in RECIPES.get(name, {"defaults": lambda f: {}}).items():
            marks = [pytest.mark.slow] if case.startswith("slow_") else []
            out.append(pytest.param((name, recipe), id=f"{name}-{case}", marks=marks))
    return out


@dataclass
class Built:
    """An evaluator, its parameters, a sampled architecture and the result of evaluating it."""

    evaluator: Evaluator
    params: dict[str, Any]
    arch: Architecture
    result: dict[str, float]


_BUILT: dict[tuple[str, int], Built] = {}  # one evaluation per case for all checks


@pytest.fixture()
def built(request: pytest.FixtureRequest, nb201_path: str, tmp_path_factory: pytest.TempPathFactory) -> Built:
    name, recipe = request.param
    key = (name, id(recipe))
    if key not in _BUILT:
        params = recipe(Files(nb201_path, tmp_path_factory.mktemp(f"conformance-{name}")))
        evaluator = create_evaluator(name, **params)
        space = evaluator.natural_space() or (SPACES[name]() if name in SPACES else None)
        assert space is not None, f"{name}: an evaluator built from a recipe must define its space"
        arch = space.sample(np.random.default_rng(0))
        _BUILT[key] = Built(evaluator, params, arch, evaluator.evaluate(arch))
    return _BUILT[key]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "built" in metafunc.fixturenames:
        metafunc.parametrize("built", _cases(), indirect=True)


def test_every_registered_evaluator_is_covered() -> None:
    assert set(RECIPES) <= set(list_evaluators()), "a recipe names an evaluator that is not registered"
    assert {p.values[0][0] for p in _cases()} == set(list_evaluators())


def test_get_params_round_trip_through_json(built: Built) -> None:
    params = built.evaluator.get_params()
    again = json.loads(json.dumps(params))  # JSON-serialisable: it is stored in the study's spec
    rebuilt = create_evaluator(type(built.evaluator).registry_name, **again)
    assert rebuilt.get_params() == params
    assert type(rebuilt) is type(built.evaluator)
    assert set(built.params) <= set(params), "get_params must return every constructor parameter it was given"


def test_pickling_round_trip(built: Built) -> None:
    again = pickle.loads(pickle.dumps(built.evaluator))
    assert type(again) is type(built.evaluator) and again.get_params() == built.evaluator.get_params()
    assert again.metric_names() == built.evaluator.metric_names()


def test_results_carry_exactly_the_declared_metrics(built: Built) -> None:
    declared = built.evaluator.metric_names()
    assert isinstance(declared, frozenset) and declared and all(isinstance(n, str) for n in declared)
    assert set(built.result) == declared, (f"missing {sorted(declared - set(built.result))}, "
                                           f"undeclared {sorted(set(built.result) - declared)}")
    assert all(isinstance(v, float) for v in built.result.values())
    assert not any(math.isinf(v) for v in built.result.values())


def test_objective_report_and_cost_metrics_are_declared(built: Built) -> None:
    ev = built.evaluator
    declared = ev.metric_names()
    assert declared is not None
    objective = Objective.parse(ev.default_objective()).name
    assert objective in declared and not is_test_metric(objective)  # a study never selects on test data by default
    for extra in (ev.report_metric(), ev.cost_metric()):
        assert extra is None or extra in declared


def test_budget_is_honoured_or_ignored_as_declared(built: Built) -> None:
    ev = built.evaluator
    takes = type(ev).capabilities().takes_budget
    assert evaluator_capabilities(type(ev).registry_name).takes_budget is takes
    small = ev.evaluate(built.arch, budget=1)
    assert set(small) == ev.metric_names()
    if takes:
        if "epochs" in small:
            assert small["epochs"] == 1.0
        with pytest.raises(ValidationError, match="budget"):
            ev.evaluate(built.arch, budget=0)
    else:  # the same result as without a budget (times aside: they are measured)
        same = {k: v for k, v in small.items() if not k.endswith("_time_s")}
        full = {k: v for k, v in built.result.items() if not k.endswith("_time_s")}
        assert same == pytest.approx(full, nan_ok=True)
