"""Reading a study changes nothing and needs neither its data nor its code: ``list``, ``show``, ``report``, the
dashboard and ``export --format json`` on a ``chattr +i`` database whose table moved, whose NAS-Bench-201 path is
wrong, or whose evaluator and space are not registered; corrupted contents and hostile names in one line."""

from __future__ import annotations

import json
import pickle
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nasforge import create_study
from nasforge.cli import app
from nasforge.dashboard import Dashboard, serve
from nasforge.evaluators import NB201Evaluator, TableEvaluator
from nasforge.exceptions import StorageError
from nasforge.strategies import create_strategy
from nasforge.study import Budget, StoredSpace, TrialState, read_study
from tests.storages.test_readonly import downgrade, fingerprint, immutable

runner = CliRunner()
ENV = {"COLUMNS": "250"}


def table_study(db: Path, csv: str, name: str = "t", n_trials: int = 5) -> str:
    """A finished random search on a small user table, stored in ``db``; returns the storage URL."""
    url = f"sqlite:///{db}"
    evaluator = TableEvaluator(table=csv, arch_columns=["depth", "width", "act"], objective="val:max",
                               cost_metric="seconds")
    with_study = create_study(evaluator=evaluator, strategy=create_strategy("random", seed=0), storage=url, name=name,
                              budget=Budget(n_trials=n_trials))
    with_study.optimize()
    failed = with_study.ask()
    with_study.tell(failed, state=TrialState.FAIL, fail_reason="ValueError: [bold]boom[/bold]\n  at line 3")
    with_study.storage.close()
    return url


def edit_spec(db: Path, name: str, change: Callable[[dict[str, object]], None]) -> None:
    """Change a stored study's spec as another program (or another nasforge version) might have written it."""
    conn = sqlite3.connect(db)
    spec = json.loads(conn.execute("SELECT spec FROM nasforge_studies WHERE name = ?", (name,)).fetchone()[0])
    change(spec)
    conn.execute("UPDATE nasforge_studies SET spec = ? WHERE name = ?", (json.dumps(spec), name))
    conn.commit()
    conn.close()


def _moved_table(folder: Path, table_csv: str, nb201_path: str) -> str:
    csv = folder / "moving.csv"
    shutil.copy(table_csv, csv)
    url = table_study(folder / "s.db", str(csv))
    csv.rename(folder / "elsewhere.csv")
    return url


def _wrong_nb201_path(folder: Path, table_csv: str, nb201_path: str) -> str:
    copy = folder / "nb201"
    shutil.copytree(nb201_path, copy)
    url = f"sqlite:///{folder / 's.db'}"
    study = create_study(evaluator=NB201Evaluator(nb201_path=str(copy)), strategy=create_strategy("random", seed=0),
                         storage=url, name="t", budget=Budget(n_trials=5))
    study.optimize()
    study.storage.close()
    shutil.rmtree(copy)
    return url


def _unregistered_code(folder: Path, table_csv: str, nb201_path: str) -> str:
    url = table_study(folder / "s.db", table_csv)

    def rename(spec: dict[str, object]) -> None:
        spec["evaluator"] = {"name": "users_own.evaluator", "params": {"path": "/nowhere"}}
        spec["space"] = {"name": "users_own.space", "params": {}}

    edit_spec(folder / "s.db", "t", rename)
    return url


@pytest.mark.parametrize("make", [_moved_table, _wrong_nb201_path, _unregistered_code],
                         ids=["table-moved", "nb201-path-wrong", "code-not-registered"])
def test_reading_commands_on_an_immutable_database_without_data_or_code(tmp_path: Path, table_csv: str,
                                                                        nb201_path: str, make: Callable[..., str]
                                                                        ) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    url = make(folder, table_csv, nb201_path)
    out = tmp_path / "out"
    before = fingerprint(folder)
    with immutable(folder / "s.db", folder):  # not even a -shm file can be created next to it
        listed = runner.invoke(app, ["list", "--storage", url], env=ENV)
        assert listed.exit_code == 0 and "t" in listed.stdout and "5 COMPLETE" in listed.stdout, listed.output
        shown = runner.invoke(app, ["show", "--study", "t", "--storage", url], env=ENV)
        assert shown.exit_code == 0 and "best trial #" in shown.stdout, shown.output
        as_json = json.loads(runner.invoke(app, ["show", "--study", "t", "--storage", url, "--json"]).stdout)
        assert len(as_json["top"]) == 5 and as_json["summary"]["trials"]["COMPLETE"] == 5
        report = runner.invoke(app, ["report", "t", "--storage", url, "--out", str(out / "t.html"),
                                     "--plots", str(out / "plots")], env=ENV)
        assert report.exit_code == 0 and "<h2>Best trial</h2>" in (out / "t.html").read_text(), report.output
        assert (out / "plots" / "best_so_far.svg").is_file()
        dashboard = Dashboard(url)
        assert [s["name"] for s in dashboard.studies()] == ["t"]
        detail = dashboard.study("t")
        assert detail["best"] is not None and detail["counts"]["COMPLETE"] == 5
        assert dashboard.plot("t", "best_so_far") is not None and dashboard.plot("t", "architecture") is not None
        exported = runner.invoke(app, ["export", "t", "--storage", url, "--format", "json", "--out", str(out / "x")])
        assert exported.exit_code == 0 and json.loads((out / "x" / "arch.json").read_text())["study"] == "t"
    assert fingerprint(folder) == before  # not a byte changed, no -wal or -shm left


def test_view_describes_architectures_from_json_when_the_space_cannot_be_built(tmp_path: Path, table_csv: str,
                                                                               nb201_path: str) -> None:
    url = _unregistered_code(tmp_path, table_csv, nb201_path)
    view = read_study("t", url)
    assert isinstance(view.space, StoredSpace) and "users_own.space" in (view.space_problem or "")
    best = view.best_trial
    assert best is not None and view.space.describe(best.arch) == "depth=4, width=32, act=gelu"
    assert view.cost_metric == "seconds" or view.cost_metric is None
    with pytest.raises(StorageError, match="cannot be built here"):
        view.build_evaluator()
    shown = runner.invoke(app, ["show", "--study", "t", "--storage", url], env=ENV)
    assert "architectures shown as stored" in shown.stdout
    exported = runner.invoke(app, ["export", "t", "--storage", url, "--format", "module", "--out",
                                   str(tmp_path / "x")])
    assert exported.exit_code == 2 and len(exported.stderr.strip().splitlines()) == 1, exported.output


def test_view_agrees_with_the_study(tmp_path: Path, table_csv: str) -> None:
    from nasforge import load_study

    url = table_study(tmp_path / "s.db", table_csv, n_trials=8)
    view, study = read_study("t", url), load_study(name="t", storage=url)
    assert view.best_trial == study.best_trial and view.summary() == study.summary()
    assert view.feasible_trials() == study.feasible_trials()
    assert view.cost_metric == "seconds"


def test_show_prints_fail_reasons_and_user_strings_literally(tmp_path: Path, table_csv: str) -> None:
    url = table_study(tmp_path / "s.db", table_csv, name="x[/]")
    table_study(tmp_path / "s.db", table_csv, name="[bold red]a[/bold red]")
    listed = runner.invoke(app, ["list", "--storage", url], env=ENV)
    assert listed.exit_code == 0 and "x[/]" in listed.stdout and "[bold red]a[/bold red]" in listed.stdout
    for name in ("x[/]", "[bold red]a[/bold red]"):
        shown = runner.invoke(app, ["show", "--study", name, "--storage", url], env=ENV)
        assert shown.exit_code == 0 and f"study {name}:" in shown.stdout, shown.output
        assert "1 x ValueError: [bold]boom[/bold]" in shown.stdout and "at line 3" not in shown.stdout
    payload = json.loads(runner.invoke(app, ["show", "--study", "x[/]", "--storage", url, "--json"]).stdout)
    assert payload["fail_reasons"] == [{"reason": "ValueError: [bold]boom[/bold]", "count": 1}]


def test_corrupted_contents_are_one_line_and_one_bad_spec_spares_the_others(tmp_path: Path, table_csv: str) -> None:
    db = tmp_path / "s.db"
    url = table_study(db, table_csv, name="good")
    table_study(db, table_csv, name="bad")
    conn = sqlite3.connect(db)
    conn.execute("UPDATE nasforge_studies SET spec = 'not json' WHERE name = 'bad'")
    conn.commit()
    listed = runner.invoke(app, ["list", "--storage", url], env=ENV)
    assert listed.exit_code == 0 and "good" in listed.stdout and "unreadable spec" in listed.stdout
    shown = runner.invoke(app, ["show", "--study", "bad", "--storage", url], env=ENV)
    assert shown.exit_code == 2 and shown.stderr.strip().splitlines() == [
        "error: Study 'bad' has an unreadable spec (not JSON: Expecting value: line 1 column 1 (char 0))."]
    conn.execute("UPDATE nasforge_trials SET metrics = '{\"val\": \"high\"}' WHERE number = 2")
    conn.commit()
    for args in (["show", "--study", "good"], ["report", "good"]):
        result = runner.invoke(app, [*args, "--storage", url], env=ENV)
        assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, result.output
        assert "unreadable metrics" in result.stderr
    conn.execute("UPDATE nasforge_meta SET value = '3.0' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    listed = runner.invoke(app, ["list", "--storage", url], env=ENV)
    assert listed.exit_code == 2 and "unreadable schema version '3.0'" in listed.stderr
    assert "Traceback" not in listed.output


def test_only_writing_commands_upgrade_and_say_so(tmp_path: Path, table_csv: str) -> None:
    db = tmp_path / "s.db"
    url = table_study(db, table_csv)
    downgrade(db, 2)
    before = fingerprint(tmp_path)
    for args in (["list"], ["show", "--study", "t"]):
        assert runner.invoke(app, [*args, "--storage", url], env=ENV).exit_code == 0
    assert fingerprint(tmp_path) == before
    searched = runner.invoke(app, ["search", "--table", table_csv, "--arch-columns", "depth,width,act",
                                   "--objective", "val:max", "--n-trials", "2", "--strategy", "random",
                                   "--storage", url, "--study", "new"], env=ENV)
    assert searched.exit_code == 0, searched.output
    assert f"storage {url}: schema upgraded from version 2 to 3" in searched.stderr.splitlines()


def test_pickle_weights_are_refused_in_one_line(tmp_path: Path, table_csv: str) -> None:
    url = table_study(tmp_path / "s.db", table_csv)
    weights = tmp_path / "w.pt"
    weights.write_bytes(pickle.dumps({"layer": Path("/etc")}))  # a class a weights-only load must not build
    result = runner.invoke(app, ["export", "t", "--storage", url, "--weights", str(weights)], env=ENV)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, result.output
    assert "'weights' file" in result.stderr


def test_dashboard_refuses_a_missing_storage_before_serving(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="No SQLite file at"):
        serve(f"sqlite:///{tmp_path / 'typo.db'}", port=0)
    assert list(tmp_path.iterdir()) == []


def test_stored_terminal_escapes_are_shown_not_obeyed(tmp_path: Path, table_csv: str) -> None:
    """A name or fail reason written into the database by another program (or an older version) cannot clear the
    screen, retitle the terminal or colour the output: list and show print the escapes literally."""
    db = tmp_path / "s.db"
    table_study(db, table_csv)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE nasforge_studies SET name = ? WHERE name = 't'", ("\x1b]0;pwned\x07\x1b[2Jevil",))
    conn.execute("UPDATE nasforge_trials SET fail_reason = ? WHERE state = 'FAIL'", ("\x1b[31mred\r\u202ecode",))
    conn.commit()
    conn.close()
    url = f"sqlite:///{db}"
    listed = runner.invoke(app, ["list", "--storage", url], env=ENV)
    shown = runner.invoke(app, ["show", "--study", "\x1b]0;pwned\x07\x1b[2Jevil", "--storage", url], env=ENV)
    for result in (listed, shown):
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output and "\u202e" not in result.output
        assert "\\x1b]0;pwned\\x07\\x1b[2Jevil" in result.output
    assert "\\x1b[31mred" in shown.output  # the first line of the reason (a carriage return ends a line)


def test_names_are_found_in_their_normal_form(tmp_path: Path, table_csv: str) -> None:
    url = table_study(tmp_path / "s.db", table_csv, name="café")
    for typed in ("café ", "cafe\u0301", " cafe\u0301"):
        result = runner.invoke(app, ["show", "--study", typed, "--storage", url], env=ENV)
        assert result.exit_code == 0, result.output
        assert read_study(typed, url).name == "café"
