"""``nasforge search`` and ``nasforge resume``: run a search and store every trial."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from nasforge.cli._options import DEFAULT_STORAGE, Nb201Opt, StorageOpt
from nasforge.cli._run import (
    ExecutorOpt,
    MemoryLimitOpt,
    RayAddressOpt,
    RunOptions,
    TrialTimeoutOpt,
    WorkersOpt,
    run_with_progress,
)
from nasforge.cli._support import (
    build_evaluator,
    cli_errors,
    data_params,
    parse_params,
    print_best,
)
from nasforge.cli._upgrade import announce_upgrade
from nasforge.config._components import proxy_warm_start, with_max_budget, zero_cost_params
from nasforge.exceptions import ValidationError
from nasforge.storages import get_storage
from nasforge.strategies import create_strategy
from nasforge.study import Budget, create_study, load_study, parse_constraints
from nasforge.study._pruners import create_pruner


def search(
    benchmark: Annotated[str, typer.Option(help="Tabular benchmark to search: nb201.")] = "nb201",
    table: Annotated[str | None, typer.Option(help="A CSV of architectures and metrics to search instead.")] = None,
    arch_columns: Annotated[str | None, typer.Option(help="With --table: the architecture columns, a,b,c.")] = None,
    objective: Annotated[list[str] | None, typer.Option(help="NAME:max or NAME:min (repeat for several).")] = None,
    constraint: Annotated[list[str] | None, typer.Option(help="METRIC<=NUMBER or METRIC>=NUMBER (repeatable), "
                                                              "e.g. latency_ms<=5.")] = None,
    report_metric: Annotated[str | None, typer.Option(help="With --table: metric to report (e.g. test).")] = None,
    cost_metric: Annotated[str | None, typer.Option(help="With --table: metric that --max-cost sums.")] = None,
    dataset: Annotated[str, typer.Option(help="NAS-Bench-201 dataset: cifar10, cifar100, ImageNet16-120.")] = "cifar10",
    data: Annotated[str | None, typer.Option(help="Train for real on: digits, diabetes, fashion_mnist, idx, csv, "
                                                  "npz.")] = None,
    data_path: Annotated[str | None, typer.Option(help="Folder of IDX files, or the CSV / npz file.")] = None,
    target: Annotated[str | None, typer.Option(help="With --data csv: the target column.")] = None,
    task: Annotated[str | None, typer.Option(help="generation: search GAN / VAE spaces on the images of --data "
                                                  "(FID, ELBO); with csv / npz: classification or regression.")
                    ] = None,
    space: Annotated[str | None, typer.Option(help="With --data: chain (default), mlp, nb201 or joint; with --task "
                                                   "generation: gan (default) or vae.")] = None,
    space_param: Annotated[list[str] | None, typer.Option(help="Space parameter NAME=VALUE (repeatable).")] = None,
    epochs: Annotated[int, typer.Option(help="With --data: training epochs per trial.")] = 10,
    train_param: Annotated[list[str] | None, typer.Option(help="Training parameter NAME=VALUE: batch_size, lr, "
                                                              "optimizer, schedule, weight_decay, l1, cv_folds, "
                                                              "train_subset, threads, seed ...")] = None,
    nb201_path: Nb201Opt = None,
    noisy: Annotated[bool, typer.Option(help="Single-run (noisy) observations, where the table has them.")] = False,
    latency_device: Annotated[str | None, typer.Option(help="Device of the latency_ms metric.")] = None,
    strategy: Annotated[str, typer.Option(help="random, grid, evolution, local_search ...")] = "evolution",
    param: Annotated[list[str] | None, typer.Option(help="Strategy parameter NAME=VALUE (repeatable).")] = None,
    n_trials: Annotated[int | None, typer.Option(help="Number of trials.")] = 100,
    timeout: Annotated[float | None, typer.Option(help="Seconds for this run.")] = None,
    max_cost: Annotated[float | None, typer.Option(help="Budget in the evaluator's cost (simulated seconds).")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the strategy (stored, so resume continues).")] = None,
    max_failures: Annotated[int | None, typer.Option(help="Stop after this many failures in a row.")] = None,
    prune: Annotated[bool, typer.Option(help="Median pruning of trials from their per-epoch reports.")] = False,
    pruner: Annotated[str | None, typer.Option(help="Pruner of trials from their per-epoch reports: median or "
                                                    "successive_halving (ASHA's rule; epochs 1, 3, 9 ...).")] = None,
    warm_start: Annotated[str | None, typer.Option(help="Start from the best trials of this study (same storage), "
                                                        "e.g. a search of the same space on another dataset.")] = None,
    warm_start_top: Annotated[int, typer.Option(help="With --warm-start or --warm-start-proxy: how many "
                                                     "architectures to start from.")] = 10,
    warm_start_proxy: Annotated[str | None, typer.Option(help="Start from the architectures a zero-cost proxy "
                                                              "(synflow, naswot, ...) ranks best among "
                                                              "--warm-start-pool random ones.")] = None,
    warm_start_pool: Annotated[int, typer.Option(help="With --warm-start-proxy: random architectures scored.")] = 1000,
    proxy: Annotated[list[str] | None, typer.Option(help="With --data: score by these zero-cost proxies instead of "
                                                         "training (repeatable; the first is the objective).")] = None,
    workers: WorkersOpt = 1,
    executor: ExecutorOpt = "process",
    ray_address: RayAddressOpt = None,
    trial_timeout: TrialTimeoutOpt = None,
    memory_limit_mb: MemoryLimitOpt = None,
    allow_duplicates: Annotated[bool, typer.Option(help="Evaluate an architecture again when it is proposed again "
                                                        "(default: reuse its result).")] = False,
    storage: StorageOpt = DEFAULT_STORAGE,
    study: Annotated[str | None, typer.Option(help="Study name (default: generated).")] = None,
) -> None:
    """Search a space and store every trial."""
    with cli_errors():
        parse_constraints(constraint)  # bad input first, before any file is read
        options = RunOptions(workers, executor, ray_address, trial_timeout, memory_limit_mb).check()
        options.check_pruning(bool(prune or pruner))
        if task not in (None, "classification", "regression", "generation"):
            raise ValidationError(f"The '--task' option must be one of 'generation', 'classification', "
                                  f"'regression'. Got {task!r} instead.")
        training = None
        generation = task == "generation"
        if generation and data is None:
            raise ValidationError("The '--task generation' option needs '--data' (images: digits, fashion_mnist, "
                                  "idx, npz).")
        if data is not None:
            training = {"data": data, "data_params": data_params(data, data_path, target, None if generation else task),
                        "space": space or ("gan" if generation else "chain"),
                        "space_params": parse_params(space_param or []), "epochs": epochs,
                        **parse_params(train_param or [])}
        if generation and proxy:
            raise ValidationError("The '--proxy' option scores classifiers; it does not apply to '--task generation'.")
        if warm_start is not None and warm_start_proxy is not None:
            raise ValidationError("Give either '--warm-start' or '--warm-start-proxy', not both.")
        if proxy and training is None:
            raise ValidationError("The '--proxy' option needs '--data' (zero-cost proxies score networks built "
                                  "for real data).")
        if proxy and training is not None:
            training = {"proxies": proxy, **zero_cost_params(training)}
        evaluator = build_evaluator(benchmark=benchmark, table=table, arch_columns=arch_columns,
                                    objectives=objective or [], nb201_path=nb201_path, dataset=dataset, noisy=noisy,
                                    latency_device=latency_device, report_metric=report_metric,
                                    cost_metric=cost_metric, training=training, generation=generation)
        budget = Budget(n_trials=n_trials, timeout_s=timeout, max_cost=max_cost)
        if budget.is_unlimited():
            raise ValidationError("Give a budget: --n-trials, --timeout or --max-cost.")
        strategy_params = with_max_budget(strategy, parse_params(param or []), epochs if training else None)
        chosen = create_strategy(strategy, seed=seed, **strategy_params)
        store = get_storage(storage)
        announce_upgrade(store, storage)
        source: Any = None if warm_start is None else load_study(name=warm_start, storage=store)
        if warm_start_proxy is not None:
            source = proxy_warm_start(evaluator, training, warm_start_proxy, pool=warm_start_pool,
                                      top=warm_start_top, seed=seed)
        chosen_pruner = create_pruner({"name": pruner or "median"} if prune or pruner else None)
        result = create_study(evaluator=evaluator, strategy=chosen, objectives=objective or None, budget=budget,
                              storage=store, name=study, pruner=chosen_pruner,
                              constraints=constraint or None, warm_start=source, warm_start_top=warm_start_top,
                              allow_duplicates=allow_duplicates)
        run_with_progress(result, max_failures=max_failures, options=options)
        print_best(result, storage)


def resume(
    study: Annotated[str, typer.Option(help="Name of the study to continue.")],
    storage: StorageOpt = DEFAULT_STORAGE,
    n_trials: Annotated[int | None, typer.Option(help="New total number of trials (extends the budget).")] = None,
    max_failures: Annotated[int | None, typer.Option(help="Stop after this many failures in a row.")] = None,
    workers: WorkersOpt = 1,
    executor: ExecutorOpt = "process",
    ray_address: RayAddressOpt = None,
    trial_timeout: TrialTimeoutOpt = None,
    memory_limit_mb: MemoryLimitOpt = None,
    join: Annotated[bool, typer.Option(help="Search together with other processes started on the study at the "
                                            "same time (a seed of its own; implied when others are running).")
                    ] = False,
) -> None:
    """Continue a stopped or killed study until its budget is spent; or join a study other processes (on this or
    other machines, through a shared database) are running, to search it together."""
    with cli_errors():
        options = RunOptions(workers, executor, ray_address, trial_timeout, memory_limit_mb).check()
        store = get_storage(storage)
        announce_upgrade(store, storage)
        loaded = load_study(name=study, storage=store, take_over=True, join=join)
        options.check_pruning(loaded.pruner is not None)
        if n_trials is not None:
            budget = Budget(n_trials=n_trials, timeout_s=loaded.budget.timeout_s, max_cost=loaded.budget.max_cost)
            spec = store.get_study_spec(loaded.study_id)
            spec["budget"] = budget.to_dict()
            store.update_study_spec(loaded.study_id, spec)
            loaded.budget = budget
        run_with_progress(loaded, max_failures=max_failures, options=options)
        print_best(loaded, storage)
