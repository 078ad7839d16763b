"""``nasforge benchmark``: strategies x seeds on NAS-Bench-201."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

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
