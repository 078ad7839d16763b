"""The one check of run options: Study.optimize, config files and the CLI refuse the same values, before any
trial is stored."""

from __future__ import annotations

import pytest

from nasforge import Budget, create_study
from nasforge.evaluators import TableEvaluator
from nasforge.exceptions import ValidationError
from nasforge.executors import check_run_options


@pytest.mark.parametrize(("options", "message"), [
    ({"n_workers": 0}, "'n_workers' parameter of Study.optimize must be an int >= 1"),
    ({"executor": "dask"}, "'executor' parameter of Study.optimize must be one of 'process', 'ray'"),
    ({"trial_timeout_s": 0}, "'trial_timeout_s' parameter of Study.optimize must be a number > 0"),
    ({"memory_limit_mb": 10}, "'memory_limit_mb' parameter of Study.optimize must be an int >= 64"),
    ({"memory_limit_mb": 128, "executor": "ray"}, "is for the 'process' executor"),
    ({"max_failures": 0}, "'max_failures' parameter of Study.optimize must be an int >= 1"),
    ({"ray_address": "10.0.0.1:6379"}, "'ray_address' parameter of Study.optimize needs the 'ray' executor"),
    ({"n_workers": 2, "pruning": True}, "use --workers 1"),
])
def test_bad_run_options_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(")):
        check_run_options(**options)  # type: ignore[arg-type]


def test_optimize_refuses_max_failures_0_before_any_trial(toy_table: str) -> None:
    study = create_study(evaluator=TableEvaluator(table=toy_table, arch_columns=["op_1_0", "op_2_0", "op_2_1"]),
                         strategy="random", budget=Budget(n_trials=3))
    with pytest.raises(ValidationError, match="'max_failures' parameter of Study.optimize"):
        study.optimize(max_failures=0)
    assert study.trials == []
    study.optimize(max_failures=1)
    assert len(study.trials) == 3
