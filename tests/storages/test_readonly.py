"""The read-only storage: reads every schema version it knows without changing a byte or leaving a file, refuses
what it cannot read in one line, and sees a study another process is writing."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from nasforge.exceptions import StorageError
from nasforge.spaces import Architecture
from nasforge.storages import ReadOnlySQLStorage, SQLStorage, get_storage, open_readonly
from nasforge.trial import TrialState


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file of ``folder`` with the sha256 of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def make_db(path: Path, n_trials: int = 3) -> str:
    """A closed SQLite storage (WAL mode, as nasforge leaves it) with one study of ``n_trials`` finished trials."""
    url = f"sqlite:///{path}"
    store = SQLStorage(url)
    study = store.create_study("s", {"space": {"name": "toy", "params": {}}, "objectives": ["acc:max"]})
    for i in range(n_trials):
        arch = Architecture.of("toy", {"x": i})
        trial = store.create_trial(study, arch, arch.to_json())
        store.finish_trial(trial.trial_id, TrialState.COMPLETE, {"acc": i / 10})
    store.close()
    return url


def downgrade(path: Path, version: int) -> None:
    """Make the database look as an older nasforge left it: the columns added since ``version`` dropped."""
    from nasforge.storages._schema import ADDED_COLUMNS

    conn = sqlite3.connect(path)
    for added, columns in ADDED_COLUMNS.items():
        if added > version:
            for name, _ in columns:
                conn.execute(f"ALTER TABLE nasforge_trials DROP COLUMN {name}")
    conn.execute("UPDATE nasforge_meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    conn.commit()
    conn.close()


@contextmanager
def immutable(*paths: Path) -> Iterator[None]:
    """``chattr +i`` on each path (even root cannot write, create or delete there); skip where unsupported."""
    done: list[Path] = []
    try:
        for path in paths:
            if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
                reason = "chattr +i is not supported here (not root, or the filesystem has no such flag)"
                if os.environ.get("NASFORGE_REQUIRE_CHATTR"):  # CI asks for it: an acceptance test never skips there
                    pytest.fail(f"{reason}; NASFORGE_REQUIRE_CHATTR is set")
                pytest.skip(reason)
            done.append(path)
        yield
    finally:
        for path in reversed(done):
            subprocess.run(["chattr", "-i", str(path)], check=True)


def test_reads_without_changing_a_byte_or_leaving_a_file(tmp_path: Path) -> None:
    url = make_db(tmp_path / "a.db")
    before = fingerprint(tmp_path)
    store = get_storage(url, read_only=True)
    assert isinstance(store, ReadOnlySQLStorage)
    [summary] = store.list_studies()
    assert summary.name == "s" and summary.n_trials == {"COMPLETE": 3} and summary.problem is None
    assert [t.metrics["acc"] for t in store.get_trials(store.get_study_id("s"))] == [0.0, 0.1, 0.2]
    store.close()
    assert fingerprint(tmp_path) == before  # no -wal or -shm left behind either


def test_writing_is_refused(tmp_path: Path) -> None:
    url = make_db(tmp_path / "a.db")
    before = fingerprint(tmp_path)
    store = open_readonly(url)
    arch = Architecture.of("toy", {"x": 9})
    for call in (lambda: store.create_study("t", {}), lambda: store.create_trial(1, arch, arch.to_json()),
                 lambda: store.finish_trial(1, TrialState.FAIL, {}), lambda: store.delete_study(1),
                 lambda: store.update_study_spec(1, {}), lambda: store.heartbeat([1])):
        with pytest.raises(StorageError, match="open read-only"):
            call()
    assert fingerprint(tmp_path) == before


def test_missing_file_is_an_error_naming_it_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match=r"No SQLite file at '.*typo\.db' \(not found\)"):
        open_readonly(f"sqlite:///{tmp_path / 'typo.db'}")
    with pytest.raises(StorageError, match="a folder"):
        open_readonly(f"sqlite:///{tmp_path}")
    assert list(tmp_path.iterdir()) == []


def test_another_programs_database_is_refused_unchanged(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "other.db")
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()
    before = fingerprint(tmp_path)
    with pytest.raises(StorageError, match="holds no nasforge studies"):
        open_readonly(f"sqlite:///{tmp_path / 'other.db'}")
    assert fingerprint(tmp_path) == before  # not switched to WAL, no table added


@pytest.mark.parametrize("version", [1, 2])
def test_older_schema_is_read_as_it_is_and_upgraded_only_by_a_writer(tmp_path: Path, version: int) -> None:
    url = make_db(tmp_path / "a.db")
    downgrade(tmp_path / "a.db", version)
    before = fingerprint(tmp_path)
    store = open_readonly(url)
    assert isinstance(store, ReadOnlySQLStorage) and store.schema_version == version
    trials = store.get_trials(1)
    assert len(trials) == 3 and all(t.owner is None and t.heartbeat_at is None for t in trials)
    assert fingerprint(tmp_path) == before  # not upgraded
    writer = SQLStorage(url)
    assert writer.upgraded_from == version
    assert [t.metrics for t in writer.get_trials(1)] == [t.metrics for t in trials]
    writer.close()
    assert SQLStorage(url).upgraded_from is None  # once


@pytest.mark.parametrize(("value", "message"), [("99", "schema version 99, newer than this nasforge"),
                                                ("three", "unreadable schema version 'three'")])
def test_newer_or_unreadable_schema_version_is_one_line(tmp_path: Path, value: str, message: str) -> None:
    url = make_db(tmp_path / "a.db")
    conn = sqlite3.connect(tmp_path / "a.db")
    conn.execute("UPDATE nasforge_meta SET value = ? WHERE key = 'schema_version'", (value,))
    conn.commit()
    conn.close()
    before = fingerprint(tmp_path)
    for opener in (open_readonly, SQLStorage):
        with pytest.raises(StorageError, match=message) as error:
            opener(url)
        assert "\n" not in str(error.value)
    assert fingerprint(tmp_path) == before


@pytest.mark.parametrize(("column", "value", "message"), [
    ("state", "DONE", "unknown state 'DONE'"),
    ("metrics", '{"acc": "high"}', "unreadable metrics"),
    ("metrics", "not json", "unreadable metrics"),
    ("arch", "{", "unreadable architecture"),
])
def test_corrupted_trial_is_one_line(tmp_path: Path, column: str, value: str, message: str) -> None:
    url = make_db(tmp_path / "a.db")
    conn = sqlite3.connect(tmp_path / "a.db")
    conn.execute(f"UPDATE nasforge_trials SET {column} = ? WHERE number = 1", (value,))
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match=f"Trial 1 .*{message}") as error:
        open_readonly(url).get_trials(1)
    assert "\n" not in str(error.value)


def test_one_unreadable_spec_does_not_hide_the_other_studies(tmp_path: Path) -> None:
    url = make_db(tmp_path / "a.db")
    writer = SQLStorage(url)
    writer.create_study("t", {"space": {"name": "toy", "params": {}}, "objectives": ["acc:max"]})
    writer.close()
    conn = sqlite3.connect(tmp_path / "a.db")
    conn.execute("UPDATE nasforge_studies SET spec = '{broken' WHERE name = 's'")
    conn.commit()
    conn.close()
    for store in (open_readonly(url), SQLStorage(url)):
        first, second = store.list_studies()
        assert first.problem is not None and "Study 's' has an unreadable spec" in first.problem
        assert second.name == "t" and second.problem is None
        with pytest.raises(StorageError, match="unreadable spec"):
            store.get_study_spec(first.study_id)


@pytest.mark.parametrize("folder_too", [False, True], ids=["file", "file-and-folder"])
def test_chattr_immutable_database_is_readable(tmp_path: Path, folder_too: bool) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    url = make_db(folder / "a.db")
    before = fingerprint(folder)
    with immutable(folder / "a.db", *([folder] if folder_too else [])):
        store = open_readonly(url)
        assert [s.name for s in store.list_studies()] == ["s"] and len(store.get_trials(1)) == 3
        store.close()
        with pytest.raises(PermissionError):  # the flag protects the file even from root
            (folder / "a.db").open("ab")
    assert fingerprint(folder) == before


def test_reader_sees_a_running_writer_and_leaves_its_files_alone(tmp_path: Path) -> None:
    url = make_db(tmp_path / "a.db")
    writer = SQLStorage(url)
    reader = open_readonly(url)
    assert len(reader.get_trials(1)) == 3
    arch = Architecture.of("toy", {"x": 7})
    trial = writer.create_trial(1, arch, arch.to_json())
    assert [t.state for t in reader.get_trials(1)][-1] is TrialState.RUNNING  # read through the writer's -wal
    writer.finish_trial(trial.trial_id, TrialState.COMPLETE, {"acc": 0.7})
    assert reader.get_trial(trial.trial_id).metrics == {"acc": 0.7}
    reader.close()
    writer.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db"]  # the writer cleaned up; the reader left nothing


def test_postgresql_is_read_in_read_only_transactions(postgres_url: str) -> None:
    import sqlalchemy as sa

    writer = SQLStorage(postgres_url)
    study = writer.create_study("s", {"space": {"name": "toy", "params": {}}, "objectives": ["acc:max"]})
    arch = Architecture.of("toy", {"x": 1})
    writer.finish_trial(writer.create_trial(study, arch, arch.to_json()).trial_id, TrialState.COMPLETE, {"acc": 1.0})
    store = open_readonly(postgres_url)
    assert isinstance(store, ReadOnlySQLStorage) and [s.name for s in store.list_studies()] == ["s"]
    assert store.get_trials(study)[0].metrics == {"acc": 1.0}
    with pytest.raises(StorageError, match="read-only transaction"), store._transaction() as conn:
        conn.execute(sa.text("CREATE TABLE intruder (x INTEGER)"))  # even raw SQL cannot write through it
    with pytest.raises(StorageError, match="open read-only"):
        store.create_study("t", {})
    store.close()
    writer.close()
