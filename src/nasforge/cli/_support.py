"""Helpers of the command line: building components from options, printing results."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from nasforge.exceptions import NasforgeError, ValidationError
from nasforge.study import FrozenTrial, Study
from nasforge.trial import TrialState

console = Console()
err_console = Console(stderr=True)
MAX_LINE = 2000  # characters of an error line


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on (escape sequences, carriage returns, bidirectional
    overrides) written as its Python escape: stored names and fail reasons are shown, never obeyed."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn library errors, and files that cannot be read or written, into one line on stderr and exit code 2."""
    try:
        yield
    except NasforgeError as exc:
        lines = str(exc).splitlines() or [type(exc).__name__]
        line = lines[0] if len(lines[0]) <= MAX_LINE else lines[0][:MAX_LINE] + " ..."  # a value's repr can be huge
        err_console.print(f"error: {printable(line)}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except OSError as exc:  # an output folder that cannot be written, a file that vanished: the user's path
        where = f" {str(exc.filename)!r}" if exc.filename is not None else ""
        err_console.print(f"error: cannot use{printable(where)}: {exc.strerror or type(exc).__name__}.",
                          markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def parse_params(items: Sequence[str], option: str = "--param") -> dict[str, Any]:
    """``["population_size=20", "improvement=first"]`` (given with ``option``) -> dict; values are JSON where they
    parse."""
    params: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ValidationError(f"The '{option}' option must look like NAME=VALUE. Got {item!r} instead.")
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
    if data in ("idx", "npz", "images") and path is None:
        raise ValidationError(f"The {data!r} data needs --data-path.")
    return params


def print_best(study: Study, storage_label: str) -> None:
    """The best architecture, its metrics and where the study is stored (user strings printed literally)."""
    best = study.best_trial
    counts = study.summary()["trials"]
    console.print(Text.assemble("study ", (printable(study.name), "bold"), ": ",
                                ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))), soft_wrap=True)
    if best is None:
        console.print("no trial completed")
    else:
        console.print(printable(f"best trial #{best.number}: {study.space.describe(best.arch)}"), markup=False,
                      soft_wrap=True)
        table = Table("metric", "value")
        for name, value in best.metrics.items():
            table.add_row(Text(printable(name)), f"{value:.6g}")
        console.print(table)
    command = f"nasforge show --study {shlex.quote(study.name)} --storage {shlex.quote(storage_label)}"
    console.print(printable(f"stored in {storage_label} ({command})"), soft_wrap=True, markup=False)


def exit_if_all_failed(trials: Sequence[FrozenTrial], shown: int = 3) -> None:
    """Exit with code 1 when every one of ``trials`` (those of one run) failed, after printing the first
    ``shown`` distinct failure reasons, one line each, on stderr."""
    if not trials or any(t.state is not TrialState.FAIL for t in trials):
        return
    reasons: list[str] = []
    for trial in trials:
        lines = (trial.fail_reason or "").strip().splitlines()
        reason = lines[0] if lines else "(no reason recorded)"
        if reason not in reasons:
            reasons.append(reason)
    err_console.print(f"error: all {len(trials)} trials of this run failed; the first distinct reasons:",
                      markup=False, highlight=False, soft_wrap=True)
    for reason in reasons[:shown]:
        err_console.print(f"  {reason}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1)
