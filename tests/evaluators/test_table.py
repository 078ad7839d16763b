from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from nasforge.evaluators import TableEvaluator
from nasforge.exceptions import ValidationError


def test_lookup_metrics_and_defaults(table_csv: str) -> None:
    ev = TableEvaluator(table=table_csv, arch_columns=["depth", "width", "act"], objective="val:max",
                        report_metric="test", cost_metric="seconds")
    space = ev.natural_space()
    metrics = ev.evaluate(space.make((4, 32, "gelu")))
    assert metrics == {"val": 0.91, "test": 0.89, "seconds": 41.0}
    assert ev.default_objective() == "val:max" and ev.report_metric() == "test" and ev.cost_metric() == "seconds"
    assert pickle.loads(pickle.dumps(ev)).evaluate(space.make((2, 16, "relu")))["val"] == 0.8


def test_duplicate_rows_are_averaged(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("op,acc,note\nA,1.0,x\nA,3.0,y\nB,5.0,z\n")
    ev = TableEvaluator(table=str(path), arch_columns=["op"])
    assert ev.evaluate(ev.natural_space().make(("A",)))["acc"] == 2.0
    assert ev.metric_names() == {"acc"}  # 'note' is not numeric
    assert ev.default_objective() == "acc:max"


@pytest.mark.parametrize(("content", "columns", "message"), [
    ("", ["op"], "at least one row"),
    ("op,acc\n", ["op"], "at least one row"),
    ("op,name\nA,x\n", ["op"], "numeric column"),
    ("op,acc\nA,1\n", ["nope"], "arch_columns"),
])
def test_bad_tables(tmp_path: Path, content: str, columns: list[str], message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(ValidationError, match=message):
        TableEvaluator(table=str(path), arch_columns=columns)


def test_bad_metric_names(table_csv: str) -> None:
    with pytest.raises(ValidationError, match="objective"):
        TableEvaluator(table=table_csv, arch_columns=["depth"], objective="accuracy:max")
    with pytest.raises(ValidationError, match="report_metric"):
        TableEvaluator(table=table_csv, arch_columns=["depth"], report_metric="nope")
    with pytest.raises(ValidationError, match="table"):
        TableEvaluator(table="/does/not/exist.csv", arch_columns=["depth"])
