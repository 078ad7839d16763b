"""The NAS-Bench-201 result table (all 15,625 cells), read from a path the user gives."""

from __future__ import annotations

import csv
import gzip
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from nasforge.exceptions import ValidationError

NB201_FILE = "nb201_tss.csv.gz"
NB201_ENV = "NASFORGE_NB201"
EDGE_COLUMNS = ("op_1_0", "op_2_0", "op_2_1", "op_3_0", "op_3_1", "op_3_2")
WHERE_TO_GET = (
    f"Give the path of {NB201_FILE} (or its folder) with --nb201-path or the {NB201_ENV} variable; "
    "in a nasforge checkout it lies in ../shared/benchmarks/nb201/."
)


@dataclass(frozen=True)
class NB201Table:
    """Columns of the table as arrays, and the row of each cell (keyed by its tuple of edge ops)."""

    path: str
    columns: dict[str, np.ndarray]  # numeric column -> (15625,) float array
    arch_str: tuple[str, ...]
    row_of: dict[tuple[str, ...], int]

    def latency_devices(self) -> list[str]:
        """Device names with a latency column (``lat_ms_<device>``)."""
        return sorted(c[len("lat_ms_"):] for c in self.columns if c.startswith("lat_ms_"))


def resolve_nb201_path(path: str | os.PathLike[str] | None) -> Path:
    """The table file from ``path`` (file or folder) or, when None, from ``$NASFORGE_NB201``."""
    given = path if path is not None else os.environ.get(NB201_ENV)
    if not given:
        raise ValidationError(f"No NAS-Bench-201 table given. {WHERE_TO_GET}")
    candidate = Path(given)
    if candidate.is_dir():
        candidate = candidate / NB201_FILE
    if not candidate.is_file():
        raise ValidationError(f"The 'nb201_path' parameter must point to {NB201_FILE} or its folder. "
                              f"Got {str(given)!r}, where it is not found. {WHERE_TO_GET}")
    return candidate.resolve()


def load_nb201(path: str | os.PathLike[str] | None = None) -> NB201Table:
    """Load (once per process) the table at ``path`` or ``$NASFORGE_NB201``."""
    return _load(str(resolve_nb201_path(path)))


@lru_cache(maxsize=2)
def _load(path: str) -> NB201Table:
    try:
        with gzip.open(path, "rt", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            rows = list(reader)
    except (OSError, EOFError, StopIteration, UnicodeDecodeError, csv.Error) as exc:
        raise ValidationError(f"The NAS-Bench-201 table {path} cannot be read as a gzip'd CSV ({exc}).") from exc
    needed = {"arch_str", *EDGE_COLUMNS}
    if not needed.issubset(header) or not rows:
        raise ValidationError(f"The NAS-Bench-201 table {path} must have the columns "
                              f"{sorted(needed)} and rows; it has {header[:8]}... and {len(rows)} rows.")
    position = {name: i for i, name in enumerate(header)}
    columns: dict[str, np.ndarray] = {}
    for name in header:
        if name in needed or name in ("ops_code", "isomorph_key"):
            continue
        try:
            columns[name] = np.array([float(row[position[name]]) for row in rows])
        except (ValueError, IndexError):
            continue
    row_of = {tuple(row[position[c]] for c in EDGE_COLUMNS): r for r, row in enumerate(rows)}
    if len(row_of) != len(rows):
        raise ValidationError(f"The NAS-Bench-201 table {path} lists some cell more than once.")
    arch_str = tuple(row[position["arch_str"]] for row in rows)
    return NB201Table(path=path, columns=columns, arch_str=arch_str, row_of=row_of)
