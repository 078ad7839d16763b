"""Safety rules, checked on the source: nothing is unpickled, tensors load weights-only, SQL is built by
SQLAlchemy (no user value is ever formatted into SQL text); the dashboard listens on loopback only and inserts
no HTML. A local Ray's loopback-only sockets are checked for real in tests/executors/test_ray.py."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "nasforge"
SOURCES = {p.relative_to(SRC).as_posix(): p.read_text() for p in SRC.rglob("*.py")}


def _calls(pattern: str) -> list[tuple[str, str]]:
    return [(name, line.strip()) for name, text in SOURCES.items() for line in text.splitlines()
            if re.search(pattern, line) and not line.strip().startswith("#")]


def test_tensors_load_weights_only_and_arrays_without_pickle() -> None:
    torch_loads = _calls(r"torch\.load\(")
    assert torch_loads and all("weights_only=True" in line for _, line in torch_loads), torch_loads
    assert all("allow_pickle=False" in line for _, line in _calls(r"np\.load\("))


def test_nothing_is_unpickled() -> None:
    assert not _calls(r"pickle\.loads?\(")  # workers get their evaluator as JSON (class and parameters)


def test_sql_text_carries_no_formatted_values() -> None:
    formatted = _calls(r"(sa\.text|exec_driver_sql|execute)\(f[\"']")
    # schema upgrades format only names from the schema module's own constants
    assert all(name == "storages/_sql.py" and ("ALTER TABLE" in line or "PRAGMA busy_timeout" in line)
               for name, line in formatted), formatted


def test_the_dashboard_listens_on_loopback_only_and_inserts_no_html(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from nasforge.cli import app
    from nasforge.dashboard import serve
    from nasforge.dashboard._page import PAGE
    from nasforge.storages import get_storage

    get_storage(f"sqlite:///{tmp_path / 'd.db'}").close()  # the dashboard only reads an existing storage
    server = serve(f"sqlite:///{tmp_path / 'd.db'}", port=0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()
    result = CliRunner().invoke(app, ["dashboard", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "No such option: --host" in result.stderr
    assert "innerHTML" not in PAGE and "insertAdjacentHTML" not in PAGE and "document.write" not in PAGE


RICH_NAMES = ["x[/]", "[bold red]a[/bold red]"]  # rich markup: a crash, and a name displayed as another


@pytest.fixture(scope="module")
def markup_storage(tmp_path_factory: pytest.TempPathFactory) -> str:
    from nasforge import create_study
    from nasforge.evaluators import TableEvaluator
    from nasforge.strategies import create_strategy
    from nasforge.study import Budget
    from tests.conftest import write_toy_table

    folder = tmp_path_factory.mktemp("markup")
    table = str(write_toy_table(folder / "toy.csv"))
    url = f"sqlite:///{folder / 's.db'}"
    for name in RICH_NAMES:
        evaluator = TableEvaluator(table=table, arch_columns=["op_1_0", "op_2_0", "op_2_1"], objective="score:max")
        create_study(evaluator=evaluator, strategy=create_strategy("grid", seed=0), storage=url, name=name,
                     budget=Budget(n_trials=5)).optimize()
    return url


def _cli(*args: str) -> Any:
    from typer.testing import CliRunner

    from nasforge.cli import app

    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})


def test_list_prints_markup_names_literally(markup_storage: str) -> None:
    result = _cli("list", "--storage", markup_storage)
    assert result.exit_code == 0, result.output
    for name in RICH_NAMES:
        assert name in result.output


@pytest.mark.parametrize("name", RICH_NAMES)
def test_show_prints_a_markup_name_literally(markup_storage: str, name: str) -> None:
    result = _cli("show", "--study", name, "--storage", markup_storage)
    assert result.exit_code == 0, result.output
    assert name in result.output
    as_json = _cli("show", "--study", name, "--storage", markup_storage, "--json")
    assert as_json.exit_code == 0 and json.loads(as_json.output)["summary"]["name"] == name


@pytest.mark.parametrize("name", RICH_NAMES)
def test_report_and_export_of_a_markup_name(markup_storage: str, name: str, tmp_path: Path) -> None:
    report = _cli("report", name, "--storage", markup_storage, "--out", str(tmp_path / "r.html"))
    assert report.exit_code == 0, report.output
    assert f"<h1>Study {html.escape(name)}</h1>" in (tmp_path / "r.html").read_text()
    exported = _cli("export", name, "--storage", markup_storage, "--format", "json", "--out", str(tmp_path / "e"))
    assert exported.exit_code == 0, exported.output
    assert json.loads((tmp_path / "e" / "arch.json").read_text())["study"] == name


@pytest.mark.parametrize("name", RICH_NAMES)
def test_search_prints_a_markup_name_literally(name: str, tmp_path: Path, toy_table: str) -> None:
    result = _cli("search", "--table", toy_table, "--arch-columns", "op_1_0,op_2_0,op_2_1", "--objective",
                  "score:max", "--strategy", "grid", "--n-trials", "3", "--storage", f"sqlite:///{tmp_path / 's.db'}",
                  "--study", name)
    assert result.exit_code == 0, result.output
    assert name in result.output
