"""Reading a CSV file with a header, strictly: the same rules for data sets (``--data csv``) and tables of
architectures (``--table``).

A UTF-8 byte order mark (as spreadsheet programs write) is not part of the first column's name; every column
name must be non-empty and unique; every row must have exactly as many fields as the header.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from nasforge.exceptions import ValidationError


@dataclass(frozen=True)
class CsvRows:
    """A CSV's ``header``, its ``rows`` (column -> text) and the file's line number of each row."""

    header: list[str]
    rows: list[dict[str, str]]
    lines: list[int]


def _handle(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def read_csv(path: str | Path, parameter: str) -> CsvRows:
    """The header and the rows of the CSV at ``path``; ``parameter`` names the option or
    parameter that gave the path, for messages. Blank lines are skipped; messages give line numbers."""
    file = Path(path)
    try:
        with _handle(file) as handle:
            reader = csv.reader(handle)
            lines = [(reader.line_num, row) for row in reader if row]
    except (OSError, UnicodeDecodeError, csv.Error, EOFError) as exc:
        raise ValidationError(f"The {parameter!r} parameter must be a readable CSV file (UTF-8 text, optionally "
                              f"gzip'd). Got {str(file)!r} instead ({exc}).") from None
    if not lines:
        raise ValidationError(f"The {parameter!r} parameter must be a CSV with a header and at least one row. "
                              f"Got {str(file)!r}, which is empty.")
    header = [name.strip() for name in lines[0][1]]
    if not all(header):
        raise ValidationError(f"The CSV {str(file)!r} has an empty column name (column {header.index('') + 1} "
                              f"of {len(header)}); every column needs a name.")
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise ValidationError(f"The CSV {str(file)!r} has the column {name!r} twice; column names must be "
                                  "unique.")
        seen.add(name)
    rows, numbers = [], []
    for line, fields in lines[1:]:
        if len(fields) != len(header):
            raise ValidationError(f"Line {line} of the CSV {str(file)!r} has {len(fields)} fields; its header "
                                  f"has {len(header)} ({', '.join(header)}).")
        rows.append(dict(zip(header, fields, strict=True)))
        numbers.append(line)
    return CsvRows(header, rows, numbers)
