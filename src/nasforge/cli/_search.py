"""``nasforge search`` and ``nasforge resume``: run a search and store every trial.

``search`` fills a :class:`~nasforge.config.SearchConfig` from its options and runs it exactly as ``nasforge run``
runs a YAML file (:func:`run_search`).
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any

import typer

from nasforge._suggest import check_names
from nasforge.cli._options import DEFAULT_STORAGE, DataOpt, DataPathOpt, Nb201Opt, StorageOpt
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
    cli_errors,
    data_params,
    exit_if_all_failed,
    parse_params,
    print_best,
    split_list,
)
from nasforge.cli._upgrade import announce_upgrade
from nasforge.config import SearchConfig, build_study, parse_config
from nasforge.config._build import evaluator_parameters, space_parameters
from nasforge.config._components import zero_cost_params
from nasforge.exceptions import ValidationError
from nasforge.storages import get_storage
from nasforge.study import Budget, Study, load_study, read_study


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
    data: DataOpt = None,
    data_path: DataPathOpt = None,
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
    noisy: Annotated[bool, typer.Option(help="NAS-Bench-201 (CIFAR-10): simulated single-run observations, the "
                                            "validation accuracy plus seeded noise.")] = False,
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
    allow_test_objective: Annotated[bool, typer.Option(help="Allow test_* metrics as objectives or constraints "
                                                            "(this selects on test data: the test score is then "
                                                            "no longer an unbiased estimate).")] = False,
    storage: StorageOpt = DEFAULT_STORAGE,
    study: Annotated[str | None, typer.Option(help="Study name (default: generated).")] = None,
) -> None:
    """Search a space and store every trial."""
    with cli_errors():
        run_search(search_config(**locals()), None)


def search_config(**options: Any) -> SearchConfig:
    """The :class:`SearchConfig` that options of ``nasforge search`` describe (the command's defaults for the
    options not given); the search itself is then the same as ``nasforge run`` of that config."""
    o = {name: p.default for name, p in inspect.signature(search).parameters.items()} | options
    if o["task"] not in (None, "classification", "regression", "generation"):
        raise ValidationError(f"The '--task' option must be one of 'generation', 'classification', "
                              f"'regression'. Got {o['task']!r} instead.")
    if o["task"] == "generation" and o["data"] is None:
        raise ValidationError("The '--task generation' option needs '--data' (images: digits, fashion_mnist, "
                              "idx, npz).")
    if o["task"] == "generation" and o["proxy"]:
        raise ValidationError("The '--proxy' option scores classifiers; it does not apply to '--task generation'.")
    if o["warm_start"] is not None and o["warm_start_proxy"] is not None:
        raise ValidationError("Give either '--warm-start' or '--warm-start-proxy', not both.")
    if o["proxy"] and o["data"] is None:
        raise ValidationError("The '--proxy' option needs '--data' (zero-cost proxies score networks built "
                              "for real data).")
    name, params = _evaluator(o)
    warm_start = None
    if o["warm_start"] is not None or o["warm_start_proxy"] is not None:
        warm_start = {"study": o["warm_start"], "proxy": o["warm_start_proxy"], "pool": o["warm_start_pool"],
                      "top": o["warm_start_top"]}
    return parse_config({
        "study": o["study"], "storage": o["storage"], "evaluator": {"name": name, "params": params},
        "strategy": {"name": o["strategy"], "params": parse_params(o["param"] or [])}, "seed": o["seed"],
        "objectives": o["objective"] or None, "constraints": o["constraint"] or [],
        "budget": {"n_trials": o["n_trials"], "timeout_s": o["timeout"], "max_cost": o["max_cost"]},
        "pruner": o["pruner"] or ("median" if o["prune"] else None), "warm_start": warm_start,
        "allow_duplicates": o["allow_duplicates"], "allow_test_objective": o["allow_test_objective"],
        "run": {"workers": o["workers"], "executor": o["executor"], "ray_address": o["ray_address"],
                "trial_timeout_s": o["trial_timeout"], "memory_limit_mb": o["memory_limit_mb"],
                "max_failures": o["max_failures"]},
    })


def _evaluator(o: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The evaluator (registered name and parameters) the options describe: real training (classifiers, GANs /
    VAEs with ``--task generation``, zero-cost proxies), a user table, or the NAS-Bench-201 benchmark."""
    if o["table"] is None:
        for option in ("arch_columns", "report_metric", "cost_metric"):
            if o[option] is not None:
                raise ValidationError(f"The '--{option.replace('_', '-')}' option needs '--table' (it names columns "
                                      f"of a user table). Got {o[option]!r} without one.")
    if o["data"] is not None:
        generation = o["task"] == "generation"
        name = "generation" if generation else "zero_cost" if o["proxy"] else "train"
        space = o["space"] or ("gan" if generation else "chain")
        space_params = parse_params(o["space_param"] or [], "--space-param")
        train_params = parse_params(o["train_param"] or [], "--train-param")
        check_names(space_params, space_parameters(space), f"parameter of search space {space!r}",
                    "--space-param")
        check_names(train_params, evaluator_parameters(name), "training parameter", "--train-param")
        training = {"data": o["data"], "data_params": data_params(o["data"], o["data_path"], o["target"],
                                                                  None if generation else o["task"]),
                    "space": space, "space_params": space_params, "epochs": o["epochs"], **train_params}
        if o["proxy"]:
            return name, {"proxies": o["proxy"], **zero_cost_params(training)}
        return name, training
    if o["table"] is not None:
        if not o["arch_columns"]:
            raise ValidationError("The '--arch-columns' option is required with '--table' (the columns that "
                                  "define an architecture, comma-separated).")
        return "table", {"table": o["table"], "arch_columns": split_list(o["arch_columns"], "--arch-columns"),
                         "objective": o["objective"][0] if o["objective"] else None,
                         "report_metric": o["report_metric"], "cost_metric": o["cost_metric"]}
    if o["benchmark"] != "nb201":
        raise ValidationError(f"The '--benchmark' option must be one of 'nb201' (or use --table CSV). "
                              f"Got {o['benchmark']!r} instead.")
    return "nb201", {"nb201_path": o["nb201_path"], "dataset": o["dataset"], "noisy": o["noisy"],
                     "latency_device": o["latency_device"]}


def run_search(config: SearchConfig, source: str | None) -> None:
    """Build the study ``config`` describes (``source``: its file, None for the command line's options), run it
    with a progress bar and print the best trial; exit code 1 when every trial of the run failed."""
    study = build_study(config, source)
    announce_upgrade(study.storage, config.storage)
    run_and_report(study, RunOptions.from_config(config.run), config.run.max_failures, config.storage)


def run_and_report(study: Study, options: RunOptions, max_failures: int | None, storage: str) -> None:
    """Run ``study`` as ``options`` say, print its best trial, and end with exit code 1 (and the first distinct
    reasons) when every trial of this run failed."""
    first = len(study.trials)
    run_with_progress(study, max_failures=max_failures, options=options)
    print_best(study, storage)
    exit_if_all_failed(study.trials[first:])


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
        options = RunOptions(workers, executor, ray_address, trial_timeout, memory_limit_mb).check(
            max_failures=max_failures)
        # Every check reads the study read-only first: loading it for writing takes over (changes) it, and opening
        # the storage for writing would create a mistyped file or upgrade an old schema.
        view = read_study(study, storage)
        options.check(max_failures=max_failures, pruning=view.spec.get("pruner") is not None)
        if n_trials is not None:
            Budget(n_trials=n_trials)
            counted = sum(1 for t in view.trials if t.counted)
            if n_trials < counted:
                raise ValidationError(f"The '--n-trials' option of resume is the study's new total number of "
                                      f"trials, at least the {counted} that study {study!r} has already counted. "
                                      f"Got {n_trials} instead.")
        view.storage.close()
        store = get_storage(storage)
        announce_upgrade(store, storage)
        loaded = load_study(name=view.name, storage=store, take_over=True, join=join)
        if n_trials is not None:
            budget = Budget(n_trials=n_trials, timeout_s=loaded.budget.timeout_s, max_cost=loaded.budget.max_cost)
            spec = store.get_study_spec(loaded.study_id)
            spec["budget"] = budget.to_dict()
            store.update_study_spec(loaded.study_id, spec)
            loaded.budget = budget
        run_and_report(loaded, options, max_failures, storage)
