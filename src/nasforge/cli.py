"""The ``nasforge`` command: search, resume, list, show, train-best, export, benchmark ..."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from typer.core import TyperGroup

try:  # recent typer vendors click
    from typer._click.exceptions import ClickException, UsageError
except ImportError:  # pragma: no cover - typer versions that depend on click
    from click.exceptions import ClickException, UsageError  # type: ignore[no-redef,assignment,unused-ignore]

from nasforge._cli_config import run as run_command
from nasforge._cli_dashboard import dashboard as dashboard_command
from nasforge._cli_export import export as export_command
from nasforge._cli_report import report as report_command
from nasforge._cli_run import (
    ExecutorOpt,
    MemoryLimitOpt,
    RayAddressOpt,
    RunOptions,
    TrialTimeoutOpt,
    WorkersOpt,
    progress_bar,
    run_with_progress,
)
from nasforge._cli_support import (
    build_evaluator,
    cli_errors,
    console,
    data_params,
    err_console,
    parse_params,
    print_best,
    proxy_warm_start,
    split_list,
    with_max_budget,
    zero_cost_params,
)
from nasforge.benchmarks import WITHIN, result_rows, run_strategy
from nasforge.evaluators import NB201Evaluator
from nasforge.exceptions import ValidationError
from nasforge.storages import get_storage
from nasforge.strategies import create_strategy, get_strategy_class, list_strategies
from nasforge.study import Budget, create_study, load_study, parse_constraints
from nasforge.study._pruners import create_pruner


class _OneLineErrors(TyperGroup):
    """Usage errors (unknown option, wrong type) as one line on stderr and exit code 2, like library errors."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except ClickException as exc:
            err_console.print(f"error: {exc.format_message()}", markup=False, highlight=False, soft_wrap=True)
            sys.exit(2 if isinstance(exc, UsageError) else exc.exit_code)
        except typer.Abort:
            sys.exit(130)
        if standalone_mode:
            sys.exit(code if isinstance(code, int) else 0)
        return code


app = typer.Typer(cls=_OneLineErrors, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Neural architecture search: search spaces, strategies, evaluators, persistent studies.")

DEFAULT_STORAGE = "sqlite:///nasforge.db"
StorageOpt = Annotated[str, typer.Option("--storage", help="Database URL, e.g. sqlite:///nasforge.db.")]
Nb201Opt = Annotated[str | None, typer.Option("--nb201-path", help="nb201_tss.csv.gz or its folder "
                                              "(default: $NASFORGE_NB201).")]


@app.command()
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


@app.command()
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


@app.command(name="list")
def list_(storage: StorageOpt = DEFAULT_STORAGE) -> None:
    """List the studies in a storage."""
    with cli_errors():
        summaries = get_storage(storage).list_studies()
        table = Table("study", "created (UTC)", "space", "strategy", "objectives", "trials")
        for s in summaries:
            trials = ", ".join(f"{n} {state}" for state, n in sorted(s.n_trials.items())) or "none"
            table.add_row(s.name, s.created_at.strftime("%Y-%m-%d %H:%M:%S"), s.spec["space"]["name"],
                          s.spec["strategy"]["name"], " ".join(s.spec["objectives"]), trials)
        console.print(table)


@app.command()
def show(
    study: Annotated[str, typer.Option(help="Name of the study.")],
    storage: StorageOpt = DEFAULT_STORAGE,
    top: Annotated[int, typer.Option(help="How many of the best trials to list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the study as JSON.")] = False,
) -> None:
    """Show a study: its spec, trial counts and best trials."""
    with cli_errors():
        if top < 1:
            raise ValidationError(f"The '--top' option must be an int >= 1. Got {top} instead.")
        store = get_storage(storage)
        loaded = load_study(name=study, storage=store)
        spec = store.get_study_spec(loaded.study_id)
        objective = loaded.objectives[0]
        done = [t for t in loaded.completed_trials() if objective.name in t.metrics]
        done.sort(key=lambda t: -objective.signed(t.metrics[objective.name]))
        front = loaded.pareto_front() if len(loaded.objectives) > 1 else []
        if as_json:
            payload: dict[str, Any] = {"spec": spec, "summary": loaded.summary(),
                       "top": [{"number": t.number, "arch": t.arch.to_dict(), "budget": t.budget,
                                "metrics": dict(t.metrics)}
                               for t in done[:top]]}
            if front:
                payload["pareto_front"] = [{"number": t.number, "arch": t.arch.to_dict(),
                                            "metrics": {o.name: t.metrics[o.name] for o in loaded.objectives}}
                                           for t in front]
                payload["hypervolume"] = loaded.hypervolume()
            console.print_json(json.dumps(payload))
            return
        console.print(f"study {loaded.name}: strategy {spec['strategy']}, objectives {spec['objectives']}",
                      markup=False)
        budgets = any(t.budget is not None for t in done)  # multi-fidelity: show what each trial was given
        table = Table("#", "architecture", *(["budget"] if budgets else []), *list(done[0].metrics) if done else [])
        for t in done[:top]:
            table.add_row(str(t.number), loaded.space.describe(t.arch), *([f"{t.budget:g}" if t.budget else "full"]
                                                                          if budgets else []),
                          *[f"{v:.5g}" for v in t.metrics.values()])
        console.print(table)
        if front:
            names = [o.name for o in loaded.objectives]
            pareto = Table("#", "architecture", *names, title=f"Pareto front ({len(front)} trials)")
            for t in sorted(front, key=lambda t: -loaded.objectives[0].signed(t.metrics[names[0]])):
                pareto.add_row(str(t.number), loaded.space.describe(t.arch), *[f"{t.metrics[n]:.5g}" for n in names])
            console.print(pareto)
        print_best(loaded, storage)


@app.command()
def oneshot(
    method: Annotated[str, typer.Option(help="darts, gdas, enas or spos (single-path one-shot).")] = "darts",
    data: Annotated[str, typer.Option(help="digits, fashion_mnist, idx, npz ... (classification).")] = "digits",
    data_path: Annotated[str | None, typer.Option(help="Folder of IDX files, or the npz file.")] = None,
    space: Annotated[str, typer.Option(help="nb201 (a cell; every method) or chain (spos).")] = "nb201",
    space_param: Annotated[list[str] | None, typer.Option(help="Space parameter NAME=VALUE (channels, "
                                                               "cells_per_stage, max_layers ...).")] = None,
    epochs: Annotated[int, typer.Option(help="Epochs of supernet training.")] = 10,
    final_epochs: Annotated[int, typer.Option(help="Epochs for train-best of the derived cell.")] = 10,
    param: Annotated[list[str] | None, typer.Option(help="Method parameter NAME=VALUE (order=2, beta_reg=..., "
                                                         "lr, batch_size ...).")] = None,
    train_param: Annotated[list[str] | None, typer.Option(help="Data / training parameter NAME=VALUE "
                                                              "(train_subset, val_fraction, threads, ...).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the supernet, the sampling and the split.")] = 0,
    storage: StorageOpt = DEFAULT_STORAGE,
    study: Annotated[str | None, typer.Option(help="Study that records the derived cell (default: generated).")
                     ] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the search history here.")] = None,
) -> None:
    """One-shot search: train a weight-sharing supernet, derive an architecture, record it as a trial (then
    `nasforge train-best --study ...` retrains it)."""
    from nasforge.evaluators import TrainingEvaluator
    from nasforge.oneshot import create_oneshot, record

    with cli_errors():
        training = {"seed": seed, **parse_params(train_param or [])}
        chosen = create_oneshot(method, epochs=epochs, seed=seed, threads=training.get("threads"),
                                **parse_params(param or []))
        store = get_storage(storage)
        evaluator = TrainingEvaluator(data=data, data_params=data_params(data, data_path, None, None), space=space,
                                      space_params=parse_params(space_param or []), epochs=final_epochs, **training)
        chosen.check(evaluator)
        with progress_bar(epochs, f"{method} supernet") as progress:
            task = progress.add_task(f"{method} supernet", total=epochs, best="")
            result = chosen.search(evaluator, callback=lambda row: progress.update(
                task, advance=1, best=f"loss {row['train_loss']:.3f}"))
        found, trial = record(result, evaluator, storage=store, name=study)
        found_space = evaluator.natural_space()
        console.print(f"{method} derived: {found_space.describe(result.arch)}", markup=False, soft_wrap=True)
        table = Table("metric", "value")
        for key, value in trial.metrics.items():
            table.add_row(key, f"{value:.4g}")
        console.print(table)
        if json_path is not None:
            json_path.write_text(json.dumps({"method": method, "params": result.params, "arch": found_space.describe(
                result.arch), "metrics": trial.metrics, "history": result.history,
                "arch_weights": result.arch_weights}, indent=1))
        console.print(f"recorded as trial #{trial.number} of study {found.name} in {storage} "
                      f"(nasforge train-best --study {found.name} --storage {storage})", markup=False, soft_wrap=True)


@app.command(name="train-best")
def train_best(
    study: Annotated[str, typer.Option(help="Name of a real-training or generation study.")],
    storage: StorageOpt = DEFAULT_STORAGE,
    epochs: Annotated[int | None, typer.Option(help="Epochs of the final training (default: the study's).")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the table to this file.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write each model's weights (state dict), architecture JSON and, "
                                                  "for generators, a sample grid PNG to OUT/best and "
                                                  "OUT/baseline.")] = None,
) -> None:
    """Retrain the best architecture on train + validation, test it, and compare it with the space's
    hand-designed baseline trained the same way."""
    from nasforge.evaluators import GenerationEvaluator, TrainingEvaluator

    with cli_errors():
        loaded = load_study(name=study, storage=get_storage(storage))
        evaluator = loaded.evaluator
        if not isinstance(evaluator, TrainingEvaluator | GenerationEvaluator):
            raise ValidationError(f"The study {study!r} does not train networks; train-best needs a study "
                                  "searched with --data.")
        best = loaded.best_trial
        if best is None:
            raise ValidationError(f"The study {study!r} has no completed trial yet.")
        candidates = {"best": best.arch, "baseline": loaded.space.baseline()}
        rows = {label: (arch, evaluator.final_train(arch, epochs, out_dir=None if out is None else out / label))
                for label, arch in candidates.items() if arch is not None}
        metric = evaluator.report_metric() or ""
        extras = ("test_f1", "test_r2", "test_inception_score", "test_recon_mse", "test_fid", "params", "flops",
                  "latency_ms_b1", "train_time_s")
        names = [metric, *[n for n in extras if n in rows["best"][1] and n != metric]]
        table = Table("model", *names, title=f"train-best {study}: train + validation, "
                      f"{epochs or evaluator.epochs} epochs, scored on the test set")
        for label, (_, metrics) in rows.items():
            table.add_row(label, *[f"{metrics.get(n, float('nan')):.4g}" for n in names])
        console.print(table)
        for label, (arch, _) in rows.items():
            console.print(f"{label}: {loaded.space.describe(arch)}", markup=False, soft_wrap=True)
        if out is not None:
            console.print(f"models written to {out}/", markup=False, soft_wrap=True)
        if json_path is not None:
            json_path.write_text(json.dumps({label: {"arch": arch.to_dict(), "metrics": metrics}
                                             for label, (arch, metrics) in rows.items()}, indent=2))


@app.command()
def benchmark(
    nb201_path: Nb201Opt = None,
    datasets: Annotated[str, typer.Option(help="Comma-separated datasets.")] = "cifar10,cifar100,ImageNet16-120",
    strategies: Annotated[str, typer.Option(help="Comma-separated strategies, or 'all' (every registered one).")
                          ] = "random,evolution,local_search",
    seeds: Annotated[int, typer.Option(help="Seeds per strategy (0 .. N-1).")] = 100,
    checkpoints: Annotated[str, typer.Option(help="Query counts to report.")] = "25,50,100,200,300",
    noisy: Annotated[bool, typer.Option(help="Noisy single-run observations (CIFAR-10 only).")] = False,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the numbers to this file.")] = None,
) -> None:
    """Run strategies x seeds on NAS-Bench-201: mean +- std of the selected architecture's test accuracy at each
    checkpoint, and the median number of queries to come within 0.1 / 0.3 points of the optimum."""
    with cli_errors():
        names = ([n for n in list_strategies() if not get_strategy_class(n).multi_fidelity]  # tables: one fidelity
                 if strategies == "all" else split_list(strategies, "--strategies"))
        sets = split_list(datasets, "--datasets")
        try:
            marks = sorted({int(c) for c in split_list(checkpoints, "--checkpoints")})
        except ValueError:
            raise ValidationError(f"The '--checkpoints' option must be comma-separated ints. "
                                  f"Got {checkpoints!r} instead.") from None
        if seeds < 1 or not marks or marks[0] < 1:
            raise ValidationError(f"The '--seeds' option and every checkpoint must be >= 1. Got {seeds}, {marks}.")
        for name in names:
            create_strategy(name)  # unknown names fail before any work
        evaluators = [NB201Evaluator(nb201_path=nb201_path, dataset=d, noisy=noisy) for d in sets]
        output: dict[str, list[dict[str, object]]] = {}
        with progress_bar(len(names) * len(sets) * seeds, "benchmark") as progress:
            task = progress.add_task("benchmark", total=len(names) * len(sets) * seeds, best="")
            for evaluator in evaluators:
                results = [run_strategy(evaluator, name, {}, list(range(seeds)), marks[-1],
                                        on_run=lambda: progress.advance(task)) for name in names]
                output[evaluator.dataset] = result_rows(results, marks)
        for dataset, rows in output.items():
            table = Table(*["strategy", *[f"@{q}" for q in marks], *[f"q to {w}" for w in WITHIN]],
                          title=f"NAS-Bench-201 {dataset}: test accuracy of the best-by-validation architecture "
                                f"({seeds} seeds, optimum {rows[0]['optimum']:.2f})")
            for row in rows:
                at = row["at"]
                assert isinstance(at, dict)
                table.add_row(str(row["strategy"]), *[f"{at[str(q)]['mean']:.2f} ± {at[str(q)]['std']:.2f}"
                                                      for q in marks],
                              *[str(row[f"median_queries_within_{w}"]) for w in WITHIN])
            console.print(table)
        if json_path is not None:
            json_path.write_text(json.dumps({"seeds": seeds, "checkpoints": marks, "noisy": noisy,
                                             "results": output}, indent=2))
            err_console.print(f"wrote {json_path}")


app.command(name="export")(export_command)
app.command(name="report")(report_command)
app.command(name="dashboard")(dashboard_command)
app.command(name="run")(run_command)


def main() -> None:
    """Entry point of the ``nasforge`` script."""
    app()


if __name__ == "__main__":
    main()
