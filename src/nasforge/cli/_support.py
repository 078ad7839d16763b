"""Helpers of the command line: building components from options, printing results."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from nasforge.evaluators import Evaluator, NB201Evaluator, TableEvaluator
from nasforge.exceptions import NasforgeError, ValidationError
from nasforge.study import Study

console = Console()
err_console = Console(stderr=True)


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn library errors into one line on stderr and exit code 2."""
    try:
        yield
    except NasforgeError as exc:
        err_console.print(f"error: {str(exc).splitlines()[0]}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def parse_params(items: Sequence[str]) -> dict[str, Any]:
    """``["population_size=20", "improvement=first"]`` -> dict; values are JSON where they parse."""
    params: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ValidationError(f"The '--param' option must look like NAME=VALUE. Got {item!r} instead.")
        try:
            params[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            params[key.strip()] = raw
    return params


def split_list(text: str | None, option: str) -> list[str]:
    """A comma-separated option as a list (no empty items)."""
    if text is None:
        return []
    items = [t.strip() for t in text.split(",")]
    if not all(items):
        raise ValidationError(f"The '{option}' option must be a comma-separated list of names. Got {text!r} instead.")
    return items


def data_params(data: str, path: str | None, target: str | None, task: str | None) -> dict[str, Any]:
    """Loader parameters of a dataset from the CLI options."""
    params: dict[str, Any] = {}
    if path is not None:
        params["path"] = path
    if data == "csv":
        if path is None or target is None:
            raise ValidationError("The 'csv' data needs --data-path FILE and --target COLUMN.")
        params["target"] = target
    if task is not None and data in ("csv", "npz"):
        params["task"] = task
    if data in ("idx", "npz") and path is None:
        raise ValidationError(f"The {data!r} data needs --data-path.")
    return params


def build_evaluator(*, benchmark: str, table: str | None, arch_columns: str | None, objectives: Sequence[str],
                    nb201_path: str | None, dataset: str, noisy: bool, latency_device: str | None,
                    report_metric: str | None, cost_metric: str | None, training: dict[str, Any] | None = None,
                    generation: bool = False) -> Evaluator:
    """The evaluator the search options describe: real training (classifiers, or GANs / VAEs with
    ``generation``), a user table, or a tabular benchmark."""
    if training is not None and generation:
        from nasforge.evaluators import GenerationEvaluator

        return GenerationEvaluator(**training)
    if training is not None and "proxies" in training:
        from nasforge.evaluators import ZeroCostEvaluator

        return ZeroCostEvaluator(**training)
    if training is not None:
        from nasforge.evaluators import TrainingEvaluator

        return TrainingEvaluator(**training)
    if table is not None:
        if not arch_columns:
            raise ValidationError("The '--arch-columns' option is required with '--table' (the columns that "
                                  "define an architecture, comma-separated).")
        return TableEvaluator(table=table, arch_columns=split_list(arch_columns, "--arch-columns"),
                              objective=objectives[0] if objectives else None, report_metric=report_metric,
                              cost_metric=cost_metric)
    if benchmark != "nb201":
        raise ValidationError(f"The '--benchmark' option must be one of 'nb201' (or use --table CSV). "
                              f"Got {benchmark!r} instead.")
    return NB201Evaluator(nb201_path=nb201_path, dataset=dataset, noisy=noisy, latency_device=latency_device)


def print_best(study: Study, storage_label: str) -> None:
    """The best architecture, its metrics and where the study is stored."""
    best = study.best_trial
    counts = study.summary()["trials"]
    console.print(f"study [bold]{study.name}[/]: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    if best is None:
        console.print("no trial completed")
    else:
        console.print(f"best trial #{best.number}: {study.space.describe(best.arch)}", markup=False, soft_wrap=True)
        table = Table("metric", "value")
        for name, value in best.metrics.items():
            table.add_row(name, f"{value:.6g}")
        console.print(table)
    console.print(f"stored in {storage_label} (nasforge show --study {study.name} --storage {storage_label})",
                  soft_wrap=True, markup=False)
