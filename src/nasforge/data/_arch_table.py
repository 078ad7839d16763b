"""Reading a user's CSV table of architectures and their metrics."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from nasforge.data._csv import read_csv
from nasforge.exceptions import ValidationError

Value = str | int | float


@dataclass(frozen=True)
class ArchTable:
    """Rows of a CSV: the architecture columns (categorical) and the numeric metric columns.

    Rows with the same architecture are merged, each metric averaged over them.
    """

    path: str
    arch_columns: tuple[str, ...]
    archs: tuple[tuple[Value, ...], ...]  # unique architectures, in order of first appearance
    metrics: dict[str, np.ndarray]  # metric name -> (n_archs,) float array
    row_of: dict[tuple[Value, ...], int]

    def choices(self) -> dict[str, tuple[Value, ...]]:
        """Each architecture column and its values in order of first appearance."""
        out: dict[str, dict[Value, None]] = {c: {} for c in self.arch_columns}
        for arch in self.archs:
            for column, value in zip(self.arch_columns, arch, strict=True):
                out[column][value] = None
        return {c: tuple(v) for c, v in out.items()}


def _typed(values: list[str]) -> list[Value]:
    """Cast a column to int or float when every value allows it; otherwise keep strings."""
    for cast in (int, float):
        try:
            return [cast(v) for v in values]
        except ValueError:
            continue
    return list(values)


def load_arch_table(path: str | os.PathLike[str], arch_columns: tuple[str, ...]) -> ArchTable:
    """Load ``path`` (CSV, optionally gzip'd); ``arch_columns`` are the architecture decisions.

    Every other column whose values are all numbers becomes a metric; other columns are ignored.
    """
    return _load(str(Path(path).resolve()), tuple(arch_columns))


@lru_cache(maxsize=8)
def _load(path: str, arch_columns: tuple[str, ...]) -> ArchTable:
    file = Path(path)
    if not file.is_file():
        raise ValidationError(f"The 'table' parameter must be an existing CSV file. Got {path!r} instead.")
    table = read_csv(file, "table")
    rows, header = table.rows, table.header
    if not rows:
        raise ValidationError(f"The 'table' parameter must be a CSV with a header and at least one row. "
                              f"Got {path!r}, which has no rows.")
    if not arch_columns:
        raise ValidationError("The 'arch_columns' parameter must name at least one column. Got [] instead.")
    missing = [c for c in arch_columns if c not in header]
    if missing:
        raise ValidationError(f"The 'arch_columns' parameter must name columns of {path}: "
                              f"{', '.join(header)}. Got unknown {missing} instead.")
    if len(set(arch_columns)) != len(arch_columns):
        raise ValidationError(f"The 'arch_columns' parameter must name each column once. "
                              f"Got {list(arch_columns)} instead.")
    columns = {c: [row[c] for row in rows] for c in header}
    typed = {c: _typed(columns[c]) for c in arch_columns}
    keys = [tuple(typed[c][r] for c in arch_columns) for r in range(len(rows))]
    metric_names = []
    for c in header:
        if c in arch_columns:
            continue
        try:
            values = [float(v) for v in columns[c]]
        except ValueError:
            continue
        for row, value in enumerate(values):
            if not math.isfinite(value):  # +inf would win every comparison, nan none
                raise ValidationError(f"The metric column {c!r} of {path} must hold finite numbers. Got "
                                      f"{columns[c][row]!r} on line {table.lines[row]} instead.")
        metric_names.append(c)
    if not metric_names:
        raise ValidationError(f"The table {path} must have at least one numeric column besides the "
                              f"architecture columns {list(arch_columns)}.")
    row_of: dict[tuple[Value, ...], int] = {}
    for key in keys:
        row_of.setdefault(key, len(row_of))
    slot = np.array([row_of[k] for k in keys])
    counts = np.bincount(slot, minlength=len(row_of)).astype(float)
    metrics = {}
    for c in metric_names:
        raw = np.array([float(v) for v in columns[c]])
        metrics[c] = np.bincount(slot, weights=raw, minlength=len(row_of)) / counts
    return ArchTable(path=path, arch_columns=arch_columns, archs=tuple(row_of), metrics=metrics,
                     row_of=row_of)
