"""create_study refuses, before anything is stored, what would waste a budget: metrics the evaluator does not
produce, test metrics used to select, a cost budget without a cost metric, strategies the space or evaluator
cannot serve."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nasforge._registry import closest_name
from nasforge.config import SearchConfig, build_study
from nasforge.evaluators import Evaluator, TableEvaluator, evaluator_capabilities, list_evaluators
from nasforge.exceptions import ValidationError
from nasforge.spaces import create_space
from nasforge.storages import InMemoryStorage, get_storage
from nasforge.strategies import create_strategy, get_strategy_class, list_strategies, strategy_capabilities
from nasforge.study import Budget, create_study, is_test_metric

COLUMNS = ["op_1_0", "op_2_0", "op_2_1"]


def _table(toy_table: str) -> TableEvaluator:
    return TableEvaluator(table=toy_table, arch_columns=COLUMNS, objective="score:max")


class Epochs(TableEvaluator):
    """The toy table, as if its scores had a fidelity (for strategies that need one)."""

    takes_budget = True


class Undeclared(TableEvaluator):
    """An evaluator that does not declare its metrics, with a cost metric it does not produce."""

    def metric_names(self) -> None:  # type: ignore[override]
        return None

    def cost_metric(self) -> str | None:
        return "seconds"


def _refused(url: str, message: str, **kwargs: Any) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        create_study(storage=url, name="s", **kwargs)
    assert "\n" not in str(info.value)
    assert get_storage(url).list_studies() == []  # nothing stored


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"objectives": "scor:max"}, r"must name metrics of TableEvaluator \(score, test\)\. Got 'scor' instead\. Did you "
                                 r"mean 'score'\?"),
    ({"objectives": ["score:max", "latency:min"]}, "Got 'latency' instead"),
    ({"constraints": "scores<=3"}, r"'constraints' parameter .* Got 'scores' in 'scores<=3' instead\. Did you mean"),
    ({"objectives": "test:max"}, r"names the test metric 'test'.*Select by 'score' instead"),
    ({"constraints": "test>=1"}, "'constraints' parameter of create_study names the test metric 'test'"),
    ({"budget": Budget(max_cost=10.0)}, "'max_cost' budget of create_study needs an evaluator with a cost metric"),
    ({"strategy": "asha"}, "'asha', a multi-fidelity strategy .* TableEvaluator takes no budget"),
    ({"strategy": create_strategy("qlearning", cost_metric="secs")}, "'cost_metric' parameter of QLearning"),
])
def test_refused_before_anything_is_stored(tmp_path: Path, toy_table: str, kwargs: dict[str, Any],
                                           message: str) -> None:
    _refused(f"sqlite:///{tmp_path / 's.db'}", message, evaluator=_table(toy_table), **kwargs)


def test_test_metrics_are_allowed_when_asked_for_and_the_choice_is_stored(toy_table: str) -> None:
    store = InMemoryStorage()
    study = create_study(evaluator=_table(toy_table), objectives="test:max", constraints="test>=2", storage=store,
                         allow_test_objective=True, budget=Budget(n_trials=3))
    study.optimize()
    assert len(study.trials) == 3
    assert store.get_study_spec(study.study_id)["allow_test_objective"] is True
    with pytest.raises(ValidationError, match="'allow_test_objective' parameter of create_study must be a bool"):
        create_study(evaluator=_table(toy_table), storage=store, allow_test_objective="yes")  # type: ignore[arg-type]


def test_test_metrics_are_refused_without_an_evaluator_too() -> None:
    with pytest.raises(ValidationError, match="Select by 'val_acc' instead"):
        create_study(space=create_space("nb201"), strategy="random", objectives="test_acc:max")
    assert is_test_metric("test") and is_test_metric("test_fid") and not is_test_metric("latest_acc")


def test_strategies_meet_their_needs(toy_table: str) -> None:
    study = create_study(evaluator=Epochs(table=toy_table, arch_columns=COLUMNS, objective="score:max"),
                         strategy=create_strategy("asha", max_budget=9), budget=Budget(n_trials=4))
    study.optimize()  # a multi-fidelity strategy with an evaluator that takes a budget
    assert {t.budget for t in study.trials} == {1.0, 3.0}  # a promotion to the next rung
    with pytest.raises(ValidationError, match="'reinforce', which needs a space of categorical decisions; JointSpace"):
        create_study(space=create_space("joint"), strategy="reinforce", objectives="val_accuracy:max")
    with pytest.raises(ValidationError, match="'grid', which lists every architecture .* ChainSpace has 1,441,"):
        create_study(space=create_space("chain"), strategy="grid", objectives="val_accuracy:max")
    create_study(space=create_space("mlp"), strategy="grid", objectives="val_accuracy:max")  # 4,185: listable


def test_undeclared_metrics_are_not_checked_but_a_declared_cost_metric_is(toy_table: str) -> None:
    loose = Undeclared(table=toy_table, arch_columns=COLUMNS, objective="score:max")
    create_study(evaluator=loose, objectives="anything:max")  # nothing declared: the user's responsibility

    class BadCost(TableEvaluator):
        def cost_metric(self) -> str | None:
            return "scores"

    with pytest.raises(ValidationError, match=r"'cost_metric' of BadCost must be one of its metrics .* Did you mean "
                                              r"'score'\?"):
        create_study(evaluator=BadCost(table=toy_table, arch_columns=COLUMNS, objective="score:max"))


def test_capabilities_come_from_the_registry() -> None:
    assert {n for n in list_strategies() if strategy_capabilities(n).multi_fidelity} == {
        "asha", "bohb", "hyperband", "successive_halving"}
    assert {n for n in list_strategies() if strategy_capabilities(n).needs_categorical} == {"bohb", "reinforce"}
    assert {n for n in list_strategies() if strategy_capabilities(n).needs_finite} == {"grid"}
    assert all(strategy_capabilities(n).multi_fidelity is get_strategy_class(n).multi_fidelity
               for n in list_strategies())
    budgeted = {n for n in list_evaluators() if evaluator_capabilities(n).takes_budget}
    assert budgeted == {"function", "generation", "train"}
    with pytest.raises(ValidationError, match="Unknown strategy 'evolutoin'.*Did you mean 'evolution'"):
        strategy_capabilities("evolutoin")


def test_closest_name_prefers_what_the_user_abbreviated() -> None:
    names = ["val_accuracy", "val_auc", "val_f1", "latency_ms", "latency_ms_b1"]
    assert closest_name("val_acc", names) == "val_accuracy"  # difflib alone says val_auc
    assert closest_name("lat_ms", names) == "latency_ms"
    assert closest_name("val_fi", names) == "val_f1"
    assert closest_name("zzz", names) is None


def test_a_config_is_checked_and_may_allow_test_objectives(tmp_path: Path, nb201_path: str) -> None:
    data = {"storage": f"sqlite:///{tmp_path / 'c.db'}", "study": "c", "objectives": ["test_acc:max"],
            "evaluator": {"name": "nb201", "params": {"nb201_path": nb201_path}}, "budget": {"n_trials": 2}}
    with pytest.raises(ValidationError, match="config: study: .*names the test metric 'test_acc'"):
        build_study(SearchConfig.model_validate(data))
    assert get_storage(data["storage"]).list_studies() == []
    study = build_study(SearchConfig.model_validate({**data, "allow_test_objective": True}))
    assert [str(o) for o in study.objectives] == ["test_acc:max"]


def test_an_evaluator_is_held_to_its_declared_metrics(toy_table: str) -> None:
    ev: Evaluator = _table(toy_table)
    assert ev.metric_names() == {"score", "test"}
    assert not type(ev).capabilities().takes_budget
