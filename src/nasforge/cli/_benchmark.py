"""``nasforge benchmark``: strategies x seeds on NAS-Bench-201."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from nasforge.benchmarks import WITHIN, result_rows, run_strategy
from nasforge.cli._options import Nb201Opt
from nasforge.cli._run import (
    progress_bar,
)
from nasforge.cli._support import (
    cli_errors,
    console,
    err_console,
    split_list,
)
from nasforge.evaluators import NB201Evaluator
from nasforge.exceptions import ValidationError
from nasforge.strategies import create_strategy, get_strategy_class, list_strategies


def check_output_path(path: Path) -> None:
    """Refuse an output file that cannot be written, before the run rather than after it.

    Raises:
        ValidationError: ``path`` is a directory, its folder is missing, or either is not writable.
    """
    problem = None
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        problem = "it is a directory"
    elif not folder.is_dir():
        problem = f"its folder {str(folder)!r} does not exist"
    elif path.exists() and not os.access(path, os.W_OK):
        problem = "the file is not writable"
    elif not path.exists() and not os.access(folder, os.W_OK | os.X_OK):
        problem = f"its folder {str(folder)!r} is not writable"
    if problem is not None:
        raise ValidationError(f"The '--json' option must be a writable file path. Got {str(path)!r} instead "
                              f"({problem}).")


def _cell(value: Any, spec: str) -> str:
    return format(value, spec) if isinstance(value, int | float) else str(value)  # ">300" stays as it is


def _interval(ci: list[Any], spec: str) -> str:
    return f"[{_cell(ci[0], spec)}, {_cell(ci[1], spec)}]"


def _print_tables(output: dict[str, list[dict[str, Any]]], marks: list[int], seed_ids: list[int]) -> None:
    seeds = f"seeds {seed_ids[0]}-{seed_ids[-1]}" if len(seed_ids) > 1 else f"seed {seed_ids[0]}"
    for dataset, rows in output.items():
        table = Table(*["strategy", *[f"@{q}" for q in marks], *[f"q to {w}" for w in WITHIN]],
                      title=f"NAS-Bench-201 {dataset}: test accuracy of the best-by-validation architecture, "
                            f"mean ± std [95 % CI] ({seeds}, optimum {rows[0]['optimum']:.2f})")
        for row in rows:
            at = row["at"]
            table.add_row(str(row["strategy"]),
                          *[f"{at[str(q)]['mean']:.2f} ± {at[str(q)]['std']:.2f} {_interval(at[str(q)]['ci'], '.2f')}"
                            for q in marks],
                          *[f"{_cell(row[f'median_queries_within_{w}'], 'g')} "
                            f"{_interval(row[f'median_queries_within_{w}_ci'], 'g')}"
                            for w in WITHIN])
        console.print(table)


def benchmark(
    nb201_path: Nb201Opt = None,
    datasets: Annotated[str, typer.Option(help="Comma-separated datasets.")] = "cifar10,cifar100,ImageNet16-120",
    strategies: Annotated[str, typer.Option(help="Comma-separated strategies, or 'all' (every registered one).")
                          ] = "random,evolution,local_search",
    seeds: Annotated[int, typer.Option(help="Seeds per strategy (seed-start .. seed-start + N - 1).")] = 100,
    seed_start: Annotated[int, typer.Option(help="First seed; e.g. 100 with --seeds 100 for held-out seeds "
                                                 "100-199.")] = 0,
    checkpoints: Annotated[str, typer.Option(help="Query counts to report.")] = "25,50,100,200,300",
    noisy: Annotated[bool, typer.Option(help="Noisy single-run observations (CIFAR-10 only).")] = False,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the numbers to this file.")] = None,
) -> None:
    """Run strategies x seeds on NAS-Bench-201: mean +- std and bootstrap 95 % interval of the selected
    architecture's test accuracy at each checkpoint, and the median number of queries (with its interval) to
    come within 0.1 / 0.3 points of the optimum."""
    with cli_errors():
        if json_path is not None:
            check_output_path(json_path)  # a bad path must not cost the run its results
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
        if seed_start < 0:
            raise ValidationError(f"The '--seed-start' option must be an int >= 0. Got {seed_start} instead.")
        for name in names:
            create_strategy(name)  # unknown names fail before any work
        evaluators = [NB201Evaluator(nb201_path=nb201_path, dataset=d, noisy=noisy) for d in sets]
        seed_ids = list(range(seed_start, seed_start + seeds))
        output: dict[str, list[dict[str, Any]]] = {}
        with progress_bar(len(names) * len(sets) * seeds, "benchmark") as progress:
            task = progress.add_task("benchmark", total=len(names) * len(sets) * seeds, best="")
            for evaluator in evaluators:
                results = [run_strategy(evaluator, name, {}, seed_ids, marks[-1],
                                        on_run=lambda: progress.advance(task)) for name in names]
                output[evaluator.dataset] = result_rows(results, marks)
        _print_tables(output, marks, seed_ids)
        if json_path is not None:
            json_path.write_text(json.dumps({"seeds": seed_ids, "checkpoints": marks, "noisy": noisy,
                                             "bootstrap": {"method": "percentile", "confidence": 0.95,
                                                           "n_resamples": 9999, "seed": 0},
                                             "results": output}))
            err_console.print(f"wrote {json_path}")
