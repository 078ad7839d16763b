"""The training evaluator on small budgets (real training, seconds each)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nasforge.evaluators import TrainingEvaluator
from nasforge.exceptions import ValidationError
from nasforge.strategies import create_strategy
from nasforge.study import Budget, TrialState, create_study

FAST = {"epochs": 2, "train_subset": 300, "measure_latency": False, "threads": 1, "lr": 0.01}


def test_classification_metrics_costs_and_determinism() -> None:
    ev = TrainingEvaluator(data="digits", space="mlp", **FAST)  # type: ignore[arg-type]
    arch = ev.natural_space().baseline()
    assert arch is not None
    a = ev.evaluate(arch)
    for name in ("accuracy", "precision", "recall", "f1", "auc", "cross_entropy"):
        assert f"val_{name}" in a and f"test_{name}" in a
    assert a["val_accuracy"] > 0.5 and a["params"] > 0 and a["flops"] > 0 and a["epochs"] == 2
    b = ev.evaluate(arch)
    timings = ("train_time_s", "cpu_time_s")
    assert a["cpu_time_s"] > 0
    assert {k: v for k, v in a.items() if k not in timings} == {k: v for k, v in b.items() if k not in timings}
    other = TrainingEvaluator(data="digits", space="mlp", seed=1, **FAST)  # type: ignore[arg-type]
    assert other.evaluate(arch)["val_cross_entropy"] != a["val_cross_entropy"]


def test_budget_is_epochs_and_reports_every_epoch() -> None:
    ev = TrainingEvaluator(data="digits", space="chain", **FAST)  # type: ignore[arg-type]
    reports: list[int] = []
    metrics = ev.evaluate(ev.natural_space().baseline(), budget=3,  # type: ignore[arg-type]
                          report=lambda step, values: reports.append(step))
    assert reports == [1, 2, 3] and metrics["epochs"] == 3
    assert "latency_ms_b1" not in metrics


def test_regression_with_cross_validation() -> None:
    ev = TrainingEvaluator(data="diabetes", space="mlp", epochs=20, cv_folds=3, lr=0.01, measure_latency=False)
    assert ev.default_objective() == "val_mse:min" and ev.report_metric() == "test_mse"
    metrics = ev.evaluate(ev.natural_space().baseline())  # type: ignore[arg-type]
    assert {"val_mse", "val_mse_std", "val_r2", "test_mse", "test_mae"} <= set(metrics)
    assert metrics["val_mse_std"] > 0 and math.isfinite(metrics["test_mse"])


def test_joint_hyperparameters_are_used() -> None:
    ev = TrainingEvaluator(data="digits", space="joint", space_params={"space": "mlp", "epochs": [1]},
                           **{k: v for k, v in FAST.items() if k != "epochs"})  # type: ignore[arg-type]
    arch = ev.natural_space().sample(np.random.default_rng(0))
    assert ev.evaluate(arch)["epochs"] == 1


def test_divergence_fails_the_trial_and_the_search_goes_on() -> None:
    ev = TrainingEvaluator(data="diabetes", space="mlp", epochs=3, optimizer="sgd", lr=1e6, measure_latency=False,
                           train_subset=100)
    study = create_study(evaluator=ev, strategy=create_strategy("random", seed=0), budget=Budget(n_trials=2))
    study.optimize()
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.FAIL]
    assert all("TrainingDiverged" in (t.fail_reason or "") for t in study.trials)


@pytest.mark.parametrize(("params", "message"), [
    ({"epochs": 0}, "'epochs'"), ({"optimizer": "lbfgs"}, "'optimizer'"), ({"lr": 0}, "'lr'"),
    ({"schedule": "cyclic"}, "'schedule'"), ({"space": "table"}, "table"), ({"data": "mnist"}, "'data'"),
    ({"cv_folds": 1}, "'cv_folds'"), ({"val_fraction": 0.0}, "'val_fraction'"),
])
def test_bad_parameters(params: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        TrainingEvaluator(**params)  # type: ignore[arg-type]
