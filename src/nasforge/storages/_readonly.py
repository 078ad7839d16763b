"""A read-only view of a database storage: what ``list``, ``show``, ``report``, ``export`` and ``dashboard`` read.

It never writes: no table is created, no schema is upgraded, no journal mode is changed, no lock for writing is
taken and no file is created (a missing SQLite file is an error naming its path). A database of an older schema
version is read as it is (the columns added since read as None); a newer one is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import NullPool

from nasforge.exceptions import StorageError, StudyNotFoundError
from nasforge.spaces import Architecture
from nasforge.storages._base import BaseStorage, StudySummary
from nasforge.storages._schema import SCHEMA_VERSION, studies_table, trials_table
from nasforge.storages._sql import database_transaction, decode_spec, decode_trial, study_id_by_name, study_summaries
from nasforge.trial import FrozenTrial, TrialState

_DRIVER_HINT = {"postgresql": "pip install 'nasforge[postgres]'"}
_WAL_MODE = 2  # bytes 18 and 19 of an SQLite file header (write and read format versions): 2 in WAL mode


def _is_wal(path: Path) -> bool:
    """True when the SQLite file at ``path`` is in WAL mode (read from its header; nothing is opened for writing)."""
    with path.open("rb") as handle:
        header = handle.read(20)
    return len(header) == 20 and header[18] == _WAL_MODE and header[19] == _WAL_MODE


def _uri(path: Path, **options: str) -> str:
    # as_uri percent-encodes spaces, '?' and '#', which SQLite would otherwise read as URI syntax
    return path.resolve().as_uri() + "?" + "&".join(f"{k}={v}" for k, v in options.items())


def open_sqlite_readonly(path: Path, timeout_s: float = 60.0) -> sqlite3.Connection:
    """A read-only connection to the SQLite file at ``path`` that creates and changes no file.

    - Not in WAL mode (rollback journal): ``mode=ro``; readers need no file of their own.
    - WAL mode while a ``-wal`` file exists (a writer has the database open, or left its files): ``mode=ro``, which
      reads the writer's latest commits through the existing ``-wal`` and ``-shm`` files, so a running study can
      be watched.
    - WAL mode without a ``-wal`` file (no writer has it open): ``mode=ro`` would create ``-wal`` and ``-shm``
      files and, never checkpointing as a reader, leave them behind; ``immutable=1`` reads the file as it is and
      creates nothing. Each read opens a new connection (see ReadOnlySQLStorage), so the next read sees a writer
      that started meanwhile; one that starts in the instant between the check and the read can make that one
      read fail (a one-line StorageError, as for any unreadable database), never change a file.
    - ``immutable=1`` is the fallback too when ``mode=ro`` cannot open the database at all: a ``-shm`` file is
      missing and cannot be created (a read-only folder, a ``chattr +i`` folder); commits still in a ``-wal``
      file that cannot be shared are then not seen.
    """
    def connect(uri: str) -> sqlite3.Connection:
        conn = sqlite3.connect(uri, uri=True, timeout=timeout_s, check_same_thread=False)
        try:
            conn.execute("PRAGMA query_only=1")  # a second guard: refuse any write on this connection
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the file (and -wal) now
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    try:
        wal = _is_wal(path)
    except OSError as exc:  # removed or unreadable since the storage was opened: a database error like any other
        raise sqlite3.OperationalError(f"cannot read {str(path)!r}: {exc.strerror}") from None
    if wal and not path.with_name(path.name + "-wal").exists():
        return connect(_uri(path, mode="ro", immutable="1"))
    try:
        return connect(_uri(path, mode="ro"))
    except sqlite3.OperationalError:
        if not wal:
            raise
        return connect(_uri(path, mode="ro", immutable="1"))


class ReadOnlySQLStorage(BaseStorage):
    """Studies and trials of an SQLite or PostgreSQL database, read and never written.

    SQLite is opened with ``mode=ro`` (or ``immutable=1`` where that alone creates no file; see
    :func:`open_sqlite_readonly`), one short connection per call so that a study another process is running is
    seen as it grows; PostgreSQL in read-only transactions. Every writing method raises StorageError.

    Example:
        >>> from nasforge.storages import get_storage
        >>> store = get_storage("sqlite:///nasforge.db", read_only=True)  # doctest: +SKIP
        >>> [s.name for s in store.list_studies()]  # doctest: +SKIP
    """

    def __init__(self, url: str, *, busy_timeout_s: float = 60.0) -> None:
        self.url = url
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise StorageError(f"The 'storage' parameter must be a database URL such as "
                               f"sqlite:///nasforge.db. Got {url!r} instead.") from exc
        self._sqlite = parsed.get_backend_name() == "sqlite"
        try:
            if self._sqlite:
                database = parsed.database or ""
                if database in ("", ":memory:") or database.startswith("file:"):
                    raise StorageError(f"The 'storage' parameter must name an SQLite file to read. "
                                       f"Got {url!r} instead.")
                path = Path(database)
                if not path.is_file():
                    what = "a folder, not a file" if path.is_dir() else "not found"
                    raise StorageError(f"No SQLite file at {str(path)!r} ({what}); a command that only reads "
                                       "creates none.")
                where = path.resolve()  # every connection opens this file, whatever the working folder is then
                self.engine = sa.create_engine("sqlite://", poolclass=NullPool,
                                               creator=lambda: open_sqlite_readonly(where, busy_timeout_s))
                self._install_sqlite_hooks()
            else:
                self.engine = sa.create_engine(parsed, pool_pre_ping=True)
                self._install_readonly_transactions()
        except (NoSuchModuleError, ImportError) as exc:
            hint = _DRIVER_HINT.get(parsed.get_backend_name(), "install the database driver")
            raise StorageError(f"No driver for storage URL {url!r}: {hint}.") from exc
        self.schema_version, self._trial_columns = self._inspect()

    def _install_sqlite_hooks(self) -> None:
        @event.listens_for(self.engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)

        @event.listens_for(self.engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN")  # deferred: a read transaction, one snapshot for the whole call

    def _install_readonly_transactions(self) -> None:
        @event.listens_for(self.engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """One read transaction; database errors as one-line StorageErrors."""
        with database_transaction(self.engine, f"Storage {self._safe_url()} cannot be read") as conn:
            yield conn

    def _safe_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    def _inspect(self) -> tuple[int, frozenset[str]]:
        """The schema version and the trial columns the database has, checking it holds nasforge studies."""
        with self._transaction() as conn:
            inspector = sa.inspect(conn)
            tables = set(inspector.get_table_names())
            if not {studies_table.name, trials_table.name} <= tables:
                raise StorageError(f"Storage {self._safe_url()} holds no nasforge studies (it has no "
                                   f"{studies_table.name} table).")
            columns = frozenset(c["name"] for c in inspector.get_columns(trials_table.name))
            value = None
            if "nasforge_meta" in tables:
                value = conn.execute(sa.text("SELECT value FROM nasforge_meta WHERE key = 'schema_version'")).scalar()
        try:
            version = 1 if value is None else int(value)
        except (TypeError, ValueError):
            raise StorageError(f"Storage {self._safe_url()} has an unreadable schema version {value!r} "
                               "(not an integer).") from None
        if version > SCHEMA_VERSION:
            raise StorageError(f"Storage {self._safe_url()} has schema version {version}, newer than this "
                               f"nasforge ({SCHEMA_VERSION}); upgrade nasforge to read it.")
        return version, columns

    def _trials_query(self) -> sa.Select[Any]:
        """SELECT of every trial column; a column this database predates reads as NULL."""
        return sa.select(*[c if c.name in self._trial_columns else sa.null().label(c.name)
                           for c in trials_table.columns])

    # -- reading -----------------------------------------------------------------------------------
    def get_study_id(self, name: str) -> int:
        with self._transaction() as conn:
            return study_id_by_name(conn, name)

    def get_study_spec(self, study_id: int) -> dict[str, Any]:
        with self._transaction() as conn:
            row = conn.execute(sa.select(studies_table.c.name, studies_table.c.spec)
                               .where(studies_table.c.study_id == study_id)).first()
        if row is None:
            raise StudyNotFoundError(f"No study with id {study_id}.")
        return decode_spec(row.spec, row.name)

    def list_studies(self) -> list[StudySummary]:
        with self._transaction() as conn:
            return study_summaries(conn)

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._transaction() as conn:
            row = conn.execute(self._trials_query().where(trials_table.c.trial_id == trial_id)).first()
        if row is None:
            raise StorageError(f"No trial with id {trial_id}.")
        return decode_trial(row)

    def get_trials(self, study_id: int, states: Sequence[TrialState] | None = None) -> list[FrozenTrial]:
        query = self._trials_query().where(trials_table.c.study_id == study_id)
        if states is not None:
            query = query.where(trials_table.c.state.in_([s.value for s in states]))
        with self._transaction() as conn:
            rows = conn.execute(query.order_by(trials_table.c.number)).all()
        return [decode_trial(r) for r in rows]

    def get_trials_since(self, study_id: int, after_trial_id: int, also: Sequence[int] = ()) -> list[FrozenTrial]:
        newer = trials_table.c.trial_id > after_trial_id
        condition = sa.or_(newer, trials_table.c.trial_id.in_(list(also))) if also else newer
        query = self._trials_query().where(trials_table.c.study_id == study_id, condition)
        with self._transaction() as conn:
            rows = conn.execute(query.order_by(trials_table.c.number)).all()
        return [decode_trial(r) for r in rows]

    # -- writing: refused --------------------------------------------------------------------------
    def _refuse(self, what: str) -> NoReturn:
        raise StorageError(f"Storage {self._safe_url()} is open read-only; it cannot {what}.")

    def create_study(self, name: str, spec: Mapping[str, Any]) -> int:
        self._refuse("create a study")

    def update_study_spec(self, study_id: int, spec: Mapping[str, Any]) -> None:
        self._refuse("change a study")

    def delete_study(self, study_id: int) -> None:
        self._refuse("delete a study")

    def create_trial(self, study_id: int, arch: Architecture, arch_key: str,
                     retry_of: int | None = None, budget: float | None = None, *, owner: str | None = None,
                     max_active: int | None = None, unique: bool = False) -> FrozenTrial:
        self._refuse("create a trial")

    def heartbeat(self, trial_ids: Sequence[int]) -> None:
        self._refuse("record a heartbeat")

    def report_intermediate(self, trial_id: int, step: int, values: Mapping[str, float]) -> None:
        self._refuse("record intermediate values")

    def finish_trial(self, trial_id: int, state: TrialState, metrics: Mapping[str, float],
                     fail_reason: str | None = None) -> FrozenTrial:
        self._refuse("finish a trial")

    def close(self) -> None:
        self.engine.dispose()
