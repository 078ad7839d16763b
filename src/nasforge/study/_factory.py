"""Creating and reopening studies; a study's spec lets a stored study rebuild its components."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from nasforge._script_guard import refuse_while_imported
from nasforge._validation import check_int
from nasforge.evaluators import Evaluator, create_evaluator
from nasforge.exceptions import StorageError, ValidationError
from nasforge.spaces import Architecture, SearchSpace, Space, create_space
from nasforge.storages import BaseStorage, get_storage
from nasforge.strategies import Strategy, create_strategy
from nasforge.study._budget import Budget
from nasforge.study._checks import check_study
from nasforge.study._constraints import parse_constraints
from nasforge.study._names import check_new_name, normalize_name, resolve_name
from nasforge.study._objectives import parse_objectives
from nasforge.study._pruners import Pruner, create_pruner
from nasforge.study._study import Study
from nasforge.trial import FrozenTrial

SPEC_VERSION = 1


def _component(obj: SearchSpace | Strategy | Evaluator) -> dict[str, Any]:
    return {"name": type(obj).registry_name, "params": obj.get_params()}


def create_study(*, evaluator: Evaluator | None = None, space: SearchSpace | Mapping[str, Any] | None = None,
                 strategy: Strategy | str = "evolution", objectives: str | Sequence[str] | None = None,
                 budget: Budget | None = None, storage: str | BaseStorage | None = None,
                 name: str | None = None, load_if_exists: bool = False, pruner: Pruner | str | None = None,
                 constraints: str | Sequence[str] | None = None,
                 warm_start: Study | Sequence[FrozenTrial | Architecture] | None = None,
                 warm_start_top: int = 10, allow_duplicates: bool = False,
                 allow_test_objective: bool = False) -> Study:
    """Create a study (or reopen it with ``load_if_exists``).

    Args:
        evaluator: turns architectures into metrics; None for a study driven only by ask/tell.
        space: the search space: a registered space or a declared ``nasforge.Space({...})`` (a plain mapping of
            decisions is read as one); default: the evaluator's own (tabular benchmarks define one). It is stored
            as its registry name and parameters, so any process rebuilds it without the user's code.
        strategy: a Strategy or a registered name. A strategy without a seed gets a fresh one, stored
            with the study, so that a resumed run continues the same trajectory.
        objectives: ``"val_acc:max"`` or a list of such specs; default: the evaluator's.
        budget: the study's budget (``optimize`` uses it when given none).
        storage: a storage or URL (``sqlite:///nasforge.db``); None keeps the study in memory.
        name: a unique name in the storage; default: ``study-<UTC time>``.
        load_if_exists: return the existing study of that name instead of raising.
        pruner: stops unpromising trials from their intermediate reports (real training reports every epoch): a
            Pruner or a registered name with its default parameters ("median", ...).
        constraints: ``"latency_ms<=5"`` or a list of such specs; a trial that violates one is never the best
            trial nor on the Pareto front, and strategies treat it as infeasible.
        allow_duplicates: evaluate an architecture again when the strategy proposes it again (noisy evaluations,
            query-counting benchmarks). By default a COMPLETE architecture's result is reused and one being
            evaluated (by any process sharing the study) is not started twice.
        allow_test_objective: let a test metric (``test`` or ``test_*``) be an objective or a constraint. Off by
            default: selecting on test data makes the test score of the result optimistic.

    Before anything is stored, the objectives, constraints and the cost metric are checked against the metrics
    the evaluator declares, and the strategy against the space and the evaluator (see :func:`check_study`).

    Example:
        >>> from nasforge import create_study, Budget
        >>> from nasforge.evaluators import NB201Evaluator
        >>> study = create_study(evaluator=NB201Evaluator(), budget=Budget(n_trials=100))  # doctest: +SKIP
        >>> study.optimize()  # doctest: +SKIP
    """
    refuse_while_imported()  # a worker importing a script whose search is not under its __main__ guard
    # the name is checked before the storage is opened: a refused name must not leave a new database behind
    name = normalize_name(datetime.now(UTC).strftime("study-%Y%m%d-%H%M%S-%f") if name is None else name)
    if isinstance(pruner, str):
        pruner = create_pruner({"name": pruner})
    store = get_storage(storage)
    if load_if_exists:
        try:
            existing = resolve_name(store, name)
        except StorageError:
            pass
        else:
            return load_study(name=existing, storage=store)
    check_new_name(store, name)
    if isinstance(space, Mapping):
        space = Space(space)
    space = space or (evaluator.natural_space() if evaluator is not None else None)
    if space is None:
        raise ValidationError("The 'space' parameter is required when the evaluator does not define one.")
    if isinstance(strategy, str):
        strategy = create_strategy(strategy)
    if strategy.seed is None:
        strategy.seed = secrets.randbelow(2**31)
    if objectives is None:
        if evaluator is None:
            raise ValidationError("The 'objectives' parameter is required for a study without an evaluator.")
        objectives = evaluator.default_objective()
    parsed = parse_objectives(objectives)
    parsed_constraints = parse_constraints(constraints)
    if not isinstance(allow_test_objective, bool):
        raise ValidationError(f"The 'allow_test_objective' parameter of create_study must be a bool. "
                              f"Got {allow_test_objective!r} instead.")
    budget = budget or Budget()
    check_study(evaluator=evaluator, space=space, strategy=strategy, objectives=parsed,
                constraints=parsed_constraints, budget=budget, allow_test_objective=allow_test_objective)
    warm = warm_start_architectures(warm_start, warm_start_top)
    for arch in warm:
        space.validate(arch)
    spec = {
        "version": SPEC_VERSION,
        "space": _component(space),
        "strategy": _component(strategy),
        "evaluator": None if evaluator is None else _component(evaluator),
        "objectives": [str(o) for o in parsed],
        "budget": budget.to_dict(),
        "pruner": None if pruner is None else {"name": pruner.name, "params": pruner.get_params()},
        "constraints": [str(c) for c in parsed_constraints],
        "warm_start": [a.to_dict() for a in warm],
        "allow_duplicates": bool(allow_duplicates),
        "allow_test_objective": allow_test_objective,
        "cost_metric": None if evaluator is None else evaluator.cost_metric(),  # readers need not build the evaluator
    }
    study_id = store.create_study(name, spec)
    return Study(study_id=study_id, name=name, storage=store, space=space, strategy=strategy,
                 evaluator=evaluator, objectives=parsed, budget=budget, pruner=pruner, constraints=parsed_constraints,
                 warm_start=warm, allow_duplicates=bool(allow_duplicates))


def warm_start_architectures(source: Study | Sequence[FrozenTrial | Architecture] | None,
                             top: int = 10) -> list[Architecture]:
    """The architectures to start from: a study's ``top`` best COMPLETE trials (best first, distinct), or the
    given trials' / architectures' own order."""
    if source is None:
        return []
    top = check_int("create_study", "warm_start_top", top, minimum=1)
    if isinstance(source, Study):
        scored = [(score, t) for t in source.completed_trials() if (score := source._score(t)) is not None]
        scored.sort(key=lambda item: (-item[0], item[1].number))
        items: list[FrozenTrial | Architecture] = [t for _, t in scored]
    else:
        items = list(source)
    out: list[Architecture] = []
    keys: set[str] = set()
    for item in items:
        arch = item.arch if isinstance(item, FrozenTrial) else item
        if not isinstance(arch, Architecture):
            raise ValidationError(f"The 'warm_start' parameter must be a Study or a list of trials or "
                                  f"architectures. Got an item {arch!r} instead.")
        key = arch.to_json() if not isinstance(item, FrozenTrial) else item.arch_key
        if key not in keys:
            keys.add(key)
            out.append(arch)
        if len(out) >= top:
            break
    return out


def load_study(*, name: str, storage: str | BaseStorage, take_over: bool = False, join: bool = False) -> Study:
    """Reopen a stored study: its components are rebuilt from the stored spec and the strategy's state
    from the stored trials.

    Args:
        take_over: continue the search of a process that died: its trials left RUNNING are marked FAIL
            ('interrupted') and evaluated again. Without it nothing stored is changed, so a study that another
            process is still running can be read safely.
        join: this process searches the study together with others (started at the same time, on this or
            other machines): its strategy gets a seed of its own so that the processes propose different
            architectures. Implied when other live processes are running trials of the study.
    """
    store = get_storage(storage)
    name = resolve_name(store, name)
    study_id = store.get_study_id(name)
    spec = store.get_study_spec(study_id)
    try:
        space = create_space(spec["space"]["name"], **spec["space"]["params"])
        strategy = create_strategy(spec["strategy"]["name"], **spec["strategy"]["params"])
        evaluator = (None if spec.get("evaluator") is None
                     else create_evaluator(spec["evaluator"]["name"], **spec["evaluator"]["params"]))
        objectives = parse_objectives(spec["objectives"])
        budget = Budget.from_dict(spec.get("budget"))
        pruner = create_pruner(spec.get("pruner"))
        constraints = parse_constraints(spec.get("constraints"))
        warm = [Architecture.from_dict(a) for a in spec.get("warm_start") or []]
        allow_duplicates = bool(spec.get("allow_duplicates", True))  # studies from before the option had them
    except (KeyError, TypeError) as exc:
        raise StorageError(f"Study {name!r} has an unreadable spec ({exc!r}).") from exc
    return Study(study_id=study_id, name=name, storage=store, space=space, strategy=strategy,
                 evaluator=evaluator, objectives=objectives, budget=budget, pruner=pruner,
                 constraints=constraints, warm_start=warm, take_over=take_over, allow_duplicates=allow_duplicates,
                 join=join)
