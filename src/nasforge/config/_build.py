"""The one study builder: a :class:`SearchConfig` (from a YAML file or the command line's options) becomes its
components, checked, and then the stored study. ``nasforge run`` and ``nasforge search`` both call
:func:`build_study`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nasforge._suggest import check_names, keyword_names
from nasforge.config._schema import SearchConfig
from nasforge.exceptions import NasforgeError, ValidationError

if TYPE_CHECKING:
    from nasforge.evaluators import Evaluator
    from nasforge.spaces import SearchSpace
    from nasforge.strategies import Strategy
    from nasforge.study import Study

# Evaluators that train networks on data: their ``training`` parameters also configure a zero-cost warm start.
TRAINING_EVALUATORS = ("train", "zero_cost")
FUNCTION = "function"  # the registered name of FunctionEvaluator (your own objective)


def evaluator_parameters(name: str) -> list[str] | None:
    """The parameter names of the evaluator registered as ``name`` (None: unknown evaluator, or any name)."""
    from nasforge.evaluators._registry import EVALUATORS

    return keyword_names(EVALUATORS.get(name)) if name in EVALUATORS.names() else None


def space_parameters(name: str) -> list[str] | None:
    """The parameter names of the search space registered as ``name`` (None: unknown space, or any name)."""
    from nasforge.spaces._registry import SPACES

    return keyword_names(SPACES.get(name)) if name in SPACES.names() else None


def check_evaluator_params(name: str, params: Mapping[str, Any]) -> None:
    """Refuse a misspelt parameter of the evaluator ``name``, of its search space (``space_params``) and of its
    data set (``data_params``), listing the valid names: before anything is loaded or trained."""
    from nasforge.data._sources import dataset_parameters

    valid = evaluator_parameters(name)
    check_names(params, valid, f"parameter of evaluator {name!r}")
    space = params.get("space", _default(name, "space"))
    if isinstance(space, str) and isinstance(params.get("space_params"), Mapping):
        check_names(params["space_params"], space_parameters(space), f"parameter of search space {space!r}")
    data = params.get("data", _default(name, "data"))
    if isinstance(data, str) and isinstance(params.get("data_params"), Mapping):
        check_names(params["data_params"], dataset_parameters(data), f"parameter of data set {data!r}")


def _default(evaluator: str, parameter: str) -> Any:
    import inspect

    from nasforge.evaluators._registry import EVALUATORS

    if evaluator not in EVALUATORS.names():
        return None
    found = inspect.signature(EVALUATORS.get(evaluator)).parameters.get(parameter)
    return None if found is None or found.default is inspect.Parameter.empty else found.default


def _in(source: str | None, section: str, call: Callable[[], Any]) -> Any:
    """``call()``; its library error gets ``SOURCE: SECTION:`` in front (a config file), or is left as it is
    (``source`` None: the command line, whose options the message already names)."""
    try:
        return call()
    except NasforgeError as exc:
        if source is None:
            raise
        raise ValidationError(f"{source}: {section}: {exc}") from None


def check_config(config: SearchConfig, source: str | None = "config") -> tuple[Evaluator, Strategy]:
    """Build the evaluator and the strategy of ``config`` and check its objectives, constraints, budget and run
    options (nothing is stored or evaluated); returns the evaluator and the strategy.

    Errors name ``source`` (the file) and the section; with ``source`` None they are the library's own lines.
    """
    from nasforge.config._components import with_max_budget
    from nasforge.evaluators import FunctionEvaluator, create_evaluator
    from nasforge.strategies import create_strategy
    from nasforge.study import parse_constraints, parse_objectives

    _in(source, "constraints", lambda: parse_constraints(config.constraints or None))  # before any file is read
    _in(source, "objectives", lambda: config.objectives is None or parse_objectives(config.objectives))
    _in(source, "run", lambda: config.run.check(pruning=config.pruner is not None, reach=True))
    name, params = config.evaluator.name, config.evaluator.params
    if name == FUNCTION and not config.objectives:
        _in(source, "objectives", lambda: _refuse("Your own objective function needs the objectives named: "
                                                  "'objectives: [val_acc:max]' (--objective val_acc:max)."))
    if name == FUNCTION and "objective" not in params and config.objectives and len(config.objectives) == 1:
        params = {**params, "objective": config.objectives[0]}  # a returned number is stored under it
    _in(source, "evaluator", lambda: check_evaluator_params(name, params))
    if config.warm_start is not None and config.warm_start.proxy is not None and name == "generation":
        _in(source, "warm_start", lambda: _refuse("A zero-cost warm start ('warm_start.proxy', --warm-start-proxy) "
                                                  "scores classifiers; it does not apply to the generation "
                                                  "evaluator."))
    evaluator: Evaluator = _in(source, "evaluator", lambda: create_evaluator(name, **params))
    if isinstance(evaluator, FunctionEvaluator):
        _in(source, "evaluator", evaluator.load)  # a path that imports nothing is refused before anything is stored
    strategy_params = with_max_budget(config.strategy.name, dict(config.strategy.params),
                                      getattr(evaluator, "epochs", None))
    strategy: Strategy = _in(source, "strategy", lambda: create_strategy(config.strategy.name, seed=config.seed,
                                                                         **strategy_params))
    space = _in(source, "space", lambda: config_space(config, evaluator, source))
    if space is not None:  # the metrics and the strategy against the evaluator, as create_study checks them
        from nasforge.study import Budget, check_study

        _in(source, "study", lambda: check_study(
            evaluator=evaluator, space=space, strategy=strategy,
            objectives=parse_objectives(config.objectives or evaluator.default_objective()),
            constraints=parse_constraints(config.constraints or None), budget=Budget(max_cost=config.budget.max_cost),
            allow_test_objective=config.allow_test_objective))
    return evaluator, strategy


def _refuse(message: str) -> None:
    raise ValidationError(message)


def config_space(config: SearchConfig, evaluator: Evaluator, source: str | None) -> SearchSpace | None:
    """The space ``config`` searches: its ``space`` section (``{file: PATH}`` or the decisions inline) for an
    evaluator that defines none (your own function), else the evaluator's own."""
    from nasforge.spaces import Space, load_space_file

    own = evaluator.natural_space()
    if config.space is None:
        if own is None:
            raise ValidationError(f"The {type(evaluator).__name__} defines no search space: give one ('space: "
                                  "{file: space.yaml}' or the decisions inline; --space-file on the command line).")
        return own
    if own is not None:
        raise ValidationError(f"The 'space' key is for an evaluator that defines no space (your own function); "
                              f"{type(evaluator).__name__} searches its own.")
    if set(config.space) == {"file"}:
        path = Path(str(config.space["file"]))
        if not path.is_absolute() and not path.exists() and source is not None and Path(source).parent.exists():
            beside = Path(source).parent / path  # a space file next to its config file
            path = beside if beside.exists() else path
        return load_space_file(path)
    return Space(config.space)


def build_study(config: SearchConfig, source: str | None = "config") -> Study:
    """Create the study ``config`` describes (components built and checked; nothing evaluated yet).

    Everything that can be refused is refused before the study is stored: a bad value leaves storage as it was.
    """
    from nasforge.config._components import proxy_warm_start
    from nasforge.storages import get_storage
    from nasforge.study import create_study, load_study
    from nasforge.study._pruners import create_pruner

    evaluator, strategy = check_config(config, source)
    store = get_storage(config.storage)
    warm: Any = None
    warm_start = config.warm_start
    if warm_start is not None and warm_start.study is not None:
        warm = load_study(name=warm_start.study, storage=store)
    elif warm_start is not None and warm_start.proxy is not None:
        training = config.evaluator.params if config.evaluator.name in TRAINING_EVALUATORS else None
        warm = _in(source, "warm_start", lambda: proxy_warm_start(
            evaluator, training, warm_start.proxy or "", pool=warm_start.pool, top=warm_start.top,
            seed=config.seed))
    space = config_space(config, evaluator, source) if config.space is not None else None
    return create_study(evaluator=evaluator, space=space, strategy=strategy, objectives=config.objectives,
                        budget=config.budget.to_budget(), storage=store, name=config.study,
                        pruner=create_pruner(None if config.pruner is None else {"name": config.pruner}),
                        constraints=config.constraints or None, warm_start=warm,
                        warm_start_top=warm_start.top if warm_start else 10,
                        allow_duplicates=config.allow_duplicates,
                        allow_test_objective=config.allow_test_objective)
