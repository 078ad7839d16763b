"""Checks that the parts of a study fit together, run before anything is stored or evaluated: objectives,
constraints and the cost metric against the evaluator's declared metrics, test metrics kept out of selection, and
each strategy's capabilities against the space and the evaluator."""

from __future__ import annotations

from collections.abc import Sequence

from nasforge._registry import did_you_mean
from nasforge.evaluators import Evaluator
from nasforge.exceptions import ValidationError
from nasforge.spaces import CategoricalSpace, SearchSpace
from nasforge.spaces._registry import SPACES
from nasforge.strategies import Strategy, categorical_problem, list_strategies, strategy_capabilities
from nasforge.study._budget import Budget
from nasforge.study._constraints import Constraint
from nasforge.study._objectives import Objective, is_test_metric

# The most architectures a strategy that lists the whole space (grid search) may be given: listing more would
# take minutes and gigabytes before the first trial.
ENUMERABLE_LIMIT = 10_000_000


def check_study(*, evaluator: Evaluator | None, space: SearchSpace, strategy: Strategy,
                objectives: Sequence[Objective], constraints: Sequence[Constraint] = (), budget: Budget | None = None,
                allow_test_objective: bool = False) -> None:
    """Refuse a study that would waste its budget: an objective, constraint or cost metric the evaluator does not
    produce (the message suggests the closest name and lists the allowed ones), a test metric used to select
    (unless ``allow_test_objective``), a ``max_cost`` budget without a cost metric, and a strategy whose needs the
    space or the evaluator do not meet (multi-fidelity, categorical decisions, a finite space).

    Raises:
        ValidationError: one line naming the parameter, the value and what is allowed.
    """
    check_space_storable(space)
    if not allow_test_objective:
        _check_no_test_metric(evaluator, objectives, constraints)
    if evaluator is not None:
        _check_metrics(evaluator, objectives, constraints, budget)
        _check_strategy_metrics(strategy, evaluator)
    _check_strategy(strategy, space, evaluator)


def check_space_storable(space: object) -> None:
    """Refuse a space that a stored study could not rebuild from its spec: one that is not a SearchSpace, or whose
    class is not the one registered under its name (a bare CategoricalSpace, an unregistered subclass)."""
    if not isinstance(space, SearchSpace):
        raise ValidationError(f"The 'space' parameter of create_study must be a SearchSpace such as "
                              f"nasforge.Space({{...}}). Got {_shown(space)} instead.")
    name = getattr(type(space), "registry_name", None)
    if name is not None and name in SPACES.names() and SPACES.get(name) is type(space):
        return
    if type(space) is CategoricalSpace:  # a subclass may allow only some combinations: a Space would not
        decisions = ", ".join(f"{k!r}: {list(v)!r}" for k, v in list(space.choices().items())[:2])
        raise ValidationError(f"The 'space' parameter of create_study is a {_owner(space)}, which a stored study "
                              f"cannot rebuild (it is not registered): declare the same decisions as data, "
                              f"nasforge.Space({{{decisions}{', ...' if len(space.choices()) > 2 else ''}}}).")
    raise ValidationError(f"The 'space' parameter of create_study is a {_owner(space)}, which is not registered, so a "
                          "stored study cannot rebuild it: declare it as data with nasforge.Space({...}) or register "
                          "its class with @nasforge.spaces.register_space(name).")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _owner(component: object) -> str:
    return type(component).__name__


def _validation_twin(name: str, evaluator: Evaluator | None) -> str | None:
    """The validation metric to select by instead of the test metric ``name``."""
    declared = evaluator.metric_names() if evaluator is not None else None
    twin = "val" + name[len("test"):]
    if declared is None or twin in declared:
        return twin
    if evaluator is not None:
        try:
            default = Objective.parse(evaluator.default_objective()).name
        except (NotImplementedError, ValidationError):
            return None
        return None if is_test_metric(default) else default
    return None


def _check_no_test_metric(evaluator: Evaluator | None, objectives: Sequence[Objective],
                          constraints: Sequence[Constraint]) -> None:
    used = [("objectives", o.name) for o in objectives] + [("constraints", c.metric) for c in constraints]
    for parameter, name in used:
        if is_test_metric(name):
            twin = _validation_twin(name, evaluator)
            instead = f"Select by {twin!r} instead" if twin else "Select by a validation metric instead"
            raise ValidationError(
                f"The '{parameter}' parameter of create_study names the test metric {name!r}: selecting on test data "
                f"makes the reported test score optimistic. {instead}, or allow it explicitly "
                "(allow_test_objective=True, --allow-test-objective).")


def _check_metrics(evaluator: Evaluator, objectives: Sequence[Objective], constraints: Sequence[Constraint],
                   budget: Budget | None) -> None:
    declared = evaluator.metric_names()
    cost = evaluator.cost_metric()
    if budget is not None and budget.max_cost is not None and cost is None:
        raise ValidationError(f"The 'max_cost' budget of create_study needs an evaluator with a cost metric; "
                              f"{_owner(evaluator)} has none (a table names one with cost_metric, --cost-metric). "
                              f"Got max_cost={budget.max_cost:g}.")
    if declared is None:  # an evaluator that does not declare its metrics: nothing to check them against
        return
    allowed = ", ".join(sorted(declared))
    used = ([("objectives", o.name, o.name) for o in objectives]
            + [("constraints", c.metric, str(c)) for c in constraints])
    for parameter, name, spec in used:
        if name not in declared:
            where = "" if spec == name else f" in {spec!r}"
            raise ValidationError(
                f"The '{parameter}' parameter of create_study must name metrics of {_owner(evaluator)} ({allowed}). "
                f"Got {name!r}{where} instead.{did_you_mean(name, declared)}")
    if cost is not None and cost not in declared:
        raise ValidationError(f"The 'cost_metric' of {_owner(evaluator)} must be one of its metrics ({allowed}). "
                              f"Got {cost!r} instead.{did_you_mean(cost, declared)}")


def _check_strategy_metrics(strategy: Strategy, evaluator: Evaluator) -> None:
    declared = evaluator.metric_names()
    if declared is None:
        return
    for parameter, name in strategy.metric_params().items():
        if name not in declared:
            raise ValidationError(
                f"The '{parameter}' parameter of {_owner(strategy)} must name a metric of {_owner(evaluator)} "
                f"({', '.join(sorted(declared))}). Got {name!r} instead.{did_you_mean(name, declared)}")


def _check_strategy(strategy: Strategy, space: SearchSpace, evaluator: Evaluator | None) -> None:
    needs = strategy.capabilities()
    name = getattr(type(strategy), "registry_name", _owner(strategy))
    if needs.multi_fidelity and evaluator is not None and not evaluator.capabilities().takes_budget:
        single = [n for n in list_strategies() if not strategy_capabilities(n).multi_fidelity]
        raise ValidationError(
            f"The 'strategy' parameter of create_study is {name!r}, a multi-fidelity strategy (it gives each trial a "
            f"budget), but {_owner(evaluator)} takes no budget, so every trial would run in full. Use one of "
            f"{', '.join(single)}.")
    if needs.needs_categorical:
        problem = categorical_problem(space)
        if problem is not None:
            usable = [n for n in list_strategies() if not strategy_capabilities(n).needs_categorical
                      and not strategy_capabilities(n).needs_finite
                      and strategy_capabilities(n).multi_fidelity == needs.multi_fidelity]
            raise ValidationError(f"The 'strategy' parameter of create_study is {name!r}, which needs a space of "
                                  f"categorical decisions; {problem}. Use one of {', '.join(usable)}.")
    if needs.needs_finite:
        size = space.size
        if size is None or size > ENUMERABLE_LIMIT:
            count = "an infinite number" if size is None else f"{size:,}"
            raise ValidationError(
                f"The 'strategy' parameter of create_study is {name!r}, which lists every architecture of the space: "
                f"it needs a finite space of at most {ENUMERABLE_LIMIT:,}. {_owner(space)} has {count}.")
