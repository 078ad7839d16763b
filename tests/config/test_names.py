"""'Did you mean': unknown parameter names list the valid ones and suggest the closest."""

from __future__ import annotations

import pytest

from nasforge._suggest import check_names, closest
from nasforge.config import check_evaluator_params
from nasforge.exceptions import ValidationError


@pytest.mark.parametrize(("given", "meant"), [
    ("learning_rate", "lr"), ("lr_d", "d_lr"), ("widht", "widths"), ("batchsize", "batch_size"), ("zzz", None),
])
def test_closest_finds_abbreviations_orders_and_spellings(given: str, meant: str | None) -> None:
    assert closest(given, ["batch_size", "d_lr", "lr", "widths"]) == meant


def test_check_names_lists_the_valid_names_on_one_line() -> None:
    check_names(["lr"], ["lr", "epochs"], "training parameter")
    check_names(["anything"], None, "training parameter")  # a component taking **kwargs
    with pytest.raises(ValidationError) as info:
        check_names(["learning_rate"], ["epochs", "lr"], "training parameter", "--train-param")
    assert str(info.value) == ("Unknown training parameter 'learning_rate' (--train-param). Did you mean 'lr'? "
                               "Valid names: epochs, lr.")


@pytest.mark.parametrize(("params", "message"), [
    ({"data": "digits", "learning_rate": 0.1}, "parameter of evaluator 'train' 'learning_rate'. Did you mean 'lr'"),
    ({"space": "mlp", "space_params": {"widht": [8]}}, "search space 'mlp' 'widht'. Did you mean 'widths'"),
    ({"space_params": {"nodes": 3}}, "search space 'chain' 'nodes'"),  # the evaluator's default space
    ({"data": "csv", "data_params": {"path": "x.csv", "targt": "y"}}, "data set 'csv' 'targt'. Did you mean"),
])
def test_evaluator_params_are_checked_before_anything_is_built(params: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        check_evaluator_params("train", params)
