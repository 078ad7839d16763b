"""Strict CSV reading for data sets and tables of architectures: BOM, duplicate and empty column names, ragged
rows, non-finite metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from nasforge.data import load_arch_table, load_csv
from nasforge.data._csv import read_csv
from nasforge.exceptions import ValidationError


def _write(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "\ufeffdepth,width,val\n2,16,0.8\n4,32,0.9\n")
    table = load_arch_table(path, ("depth", "width"))
    assert table.arch_columns == ("depth", "width") and list(table.metrics) == ["val"]
    data = load_csv(_write(tmp_path, "\ufeffa,b,y\n1,2,0\n3,4,1\n", "d.csv"), target="y")
    assert data.x.shape == (2, 2)


@pytest.mark.parametrize(("text", "message"), [
    ("depth,val,val\n2,0.8,0.7\n", "has the column 'val' twice"),
    ("depth, val ,val\n2,0.8,0.7\n", "has the column 'val' twice"),
    ("depth,,val\n2,0.8,0.7\n", "empty column name (column 2 of 3)"),
    ("depth,val\n2,0.8\n\n4,0.9,1\n", "Line 4 of the CSV"),
    ("depth,val\n2,0.8\n4\n", "has 1 fields; its header has 2"),
    ("depth,val\n2,0.8\n4,inf\n", "Got 'inf' on line 3"),
    ("depth,val\n2,-Infinity\n4,0.9\n", "Got '-Infinity' on line 2"),
    ("depth,val\n2,NaN\n", "Got 'NaN' on line 2"),
])
def test_bad_tables_are_refused_with_the_line_and_column(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_arch_table(_write(tmp_path, text), ("depth",))


def test_a_data_set_row_with_more_fields_than_the_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="Line 3 of the CSV .* has 4 fields; its header has 3"):
        load_csv(_write(tmp_path, "a,b,y\n1,2,0\n3,4,1,9\n"), target="y")


def test_read_csv_keeps_line_numbers_across_blank_lines(tmp_path: Path) -> None:
    rows = read_csv(_write(tmp_path, "a,b\n\n1,2\n\n3,4\n"), "path")
    assert rows.header == ["a", "b"] and rows.lines == [3, 5] and rows.rows[1] == {"a": "3", "b": "4"}
