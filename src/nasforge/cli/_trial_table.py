"""The trial table of ``nasforge show``, laid out to fit the terminal (80 columns included) without wrapping.

Every cell is one line: numbers in a short form, metric names whole (up to :data:`MAX_HEADER` characters), the
architecture cut at a separator with an ellipsis to the width that is left. Metric columns that do not fit are left
out, and named, rather than squeezed into unreadable slivers; ``--json`` has everything.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.table import Table
from rich.text import Text

from nasforge.cli._support import printable
from nasforge.spaces import SearchSpace
from nasforge.trial import FrozenTrial

MAX_HEADER = 20  # characters of a metric name in a column header; longer names end in an ellipsis
MIN_ARCH = 16  # the architecture column is never narrower: below this, metric columns are left out instead
_SEPARATORS = " |+>,;)"  # where an architecture's description may be cut or wrapped
# Costs shown after the objectives when --metrics does not pick: the first two a study has.
PREFERRED_METRICS = ("params", "params_mb", "train_time_s", "latency_ms", "latency_ms_b1", "flops", "flops_m",
                     "cpu_time_s")


def format_number(value: float | None) -> str:
    """A metric in at most about 7 characters: 0.9137, 90.37, 43776, 1.23M, 2.1e-05."""
    if value is None:
        return ""
    if not math.isfinite(value):
        return str(value)
    size = abs(value)
    if size >= 1e5:
        for limit, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
            if size >= limit:
                scaled = value / limit
                return f"{scaled:.3g}{suffix}" if abs(scaled) < 1000 else f"{value:.3g}"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4g}"


def shorten(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, ended with an ellipsis: cut after a separator where that loses at
    most a few characters, else at ``width``."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    cut = max((text.rfind(sep, 0, width - 1) for sep in _SEPARATORS), default=-1)
    end = cut + 1 if cut >= width - 6 else width - 1
    return text[:end].rstrip() + "…"


def wrap_at_separators(text: str, width: int, indent: str = "  ") -> list[str]:
    """``text`` as lines of at most ``width`` characters, each after the first indented by ``indent``, broken after
    separators (spaces, '|', '+', '>' ...) and, only for a run without any, inside it."""
    pieces = re.findall(rf"[^{re.escape(_SEPARATORS)}]*[{re.escape(_SEPARATORS)}]*", text)
    lines: list[str] = []
    line = ""
    for piece in (p for p in pieces if p):
        room = width - (len(indent) if lines else 0)
        if len(line) + len(piece.rstrip()) <= room:
            line += piece
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = piece
        while len(line.rstrip()) > width - len(indent):  # one run longer than a line: broken inside
            lines.append(line[:width - len(indent)])
            line = line[width - len(indent):]
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return [lines[0], *(indent + rest for rest in lines[1:])]


def default_metrics(names: Sequence[str], objectives: Sequence[str], n: int = 2) -> list[str]:
    """The ``n`` metrics shown after the objectives: known costs first, then the study's others (test metrics
    last: a search selects on validation data)."""
    others = [m for m in names if m not in objectives]
    ranked = ([m for m in PREFERRED_METRICS if m in others] + [m for m in others if not m.startswith("test_")]
              + [m for m in others if m.startswith("test_")])
    return list(dict.fromkeys(ranked))[:n]


@dataclass(frozen=True)
class Layout:
    """The columns of a trial table that fit: ``metrics`` shown, ``left_out`` named below the table."""

    metrics: list[str]
    left_out: list[str]
    arch_width: int


def _column_width(header: str, cells: Sequence[str]) -> int:
    return max([min(len(printable(header)), MAX_HEADER), *map(len, cells)])


def fit(width: int, fixed: Sequence[int], metric_widths: Sequence[tuple[str, int]], n_required: int) -> Layout:
    """Which metric columns fit in ``width`` characters next to the ``fixed`` columns and an architecture column of
    at least MIN_ARCH: the first ``n_required`` (the objectives) always, the others while there is room."""
    gap = 2  # between two columns (a space of padding on each side)
    used = sum(fixed) + gap * len(fixed)
    shown: list[str] = []
    left_out: list[str] = []
    for i, (name, w) in enumerate(metric_widths):
        if i < n_required or used + w + gap + MIN_ARCH <= width:
            shown.append(name)
            used += w + gap
        else:
            left_out.append(name)
    return Layout(shown, left_out, max(MIN_ARCH, width - used))


def trial_table(space: SearchSpace, trials: Sequence[FrozenTrial], objectives: Sequence[str], metrics: Sequence[str],
                width: int) -> tuple[Table, list[str]]:
    """A table of ``trials`` (number, state, budget where any has one, architecture, ``objectives``, ``metrics``)
    that fits in ``width`` characters; also the metrics left out for want of room."""
    numbers = [str(t.number) for t in trials]
    states = [t.state.value for t in trials]
    budgets = [("full" if t.budget is None else f"{t.budget:g}") for t in trials]
    show_budget = any(t.budget is not None for t in trials)  # multi-fidelity: what each trial was given
    columns = [*objectives, *[m for m in metrics if m not in objectives]]
    cells = {name: [format_number(t.metrics.get(name)) for t in trials] for name in columns}
    fixed = [_column_width("#", numbers), _column_width("state", states),
             *([_column_width("budget", budgets)] if show_budget else [])]
    layout = fit(width, fixed, [(n, _column_width(n, cells[n])) for n in columns], len(objectives))
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1), collapse_padding=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("state", no_wrap=True)
    if show_budget:
        table.add_column("budget", justify="right", no_wrap=True)
    table.add_column("architecture", no_wrap=True, max_width=layout.arch_width)
    for name in layout.metrics:
        table.add_column(Text(shorten(printable(name), MAX_HEADER)), justify="right", no_wrap=True)
    for i, trial in enumerate(trials):
        arch = shorten(printable(space.describe(trial.arch)), layout.arch_width)
        table.add_row(numbers[i], states[i], *([budgets[i]] if show_budget else []), Text(arch),
                      *[cells[name][i] for name in layout.metrics])
    return table, layout.left_out
