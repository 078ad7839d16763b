"""Database storage through SQLAlchemy: SQLite by default, PostgreSQL for several machines."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, SQLAlchemyError

from nasforge.exceptions import (
    BudgetSpent,
    DuplicatedStudyError,
    DuplicateTrial,
    NasforgeError,
    StorageError,
    StudyNotFoundError,
)
from nasforge.spaces import Architecture
from nasforge.storages import _sql_statements as statements
from nasforge.storages._base import BaseStorage, StudySummary
from nasforge.storages._schema import (
    ADDED_COLUMNS,
    SCHEMA_VERSION,
    meta_table,
    metadata,
    studies_table,
    trials_table,
)
from nasforge.trial import FrozenTrial, TrialState

_DRIVER_HINT = {"postgresql": "pip install 'nasforge[postgres]'"}


def _dumps(value: Any) -> str:
    # NaN and infinities are kept as strings so that the JSON stays standard.
    def clean(v: Any) -> Any:
        if isinstance(v, float) and not math.isfinite(v):
            return repr(v)
        if isinstance(v, Mapping):
            return {str(k): clean(x) for k, x in v.items()}
        return v

    return json.dumps(clean(value), separators=(",", ":"))


def _metrics(text: str) -> dict[str, float]:
    return {str(k): float(v) for k, v in json.loads(text).items()}


def _utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)  # SQLite stores naive datetimes; we always write UTC
    return value


def _where(row: Any) -> str:
    return f"Trial {row.number!r} (id {row.trial_id!r})"


def decode_trial(row: Any) -> FrozenTrial:
    """A stored trial row as a FrozenTrial; corrupted contents raise a one-line StorageError naming the trial."""
    try:
        state = TrialState(row.state)
    except ValueError:
        raise StorageError(f"{_where(row)} has an unknown state {row.state!r} (expected one of "
                           f"{', '.join(s.value for s in TrialState)}).") from None
    try:
        arch = Architecture.from_json(row.arch)
    except (NasforgeError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise StorageError(f"{_where(row)} has an unreadable architecture: {str(exc).splitlines()[0]}") from None
    try:
        metrics = _metrics(row.metrics)
        intermediate = {int(k): _metrics(json.dumps(v)) for k, v in json.loads(row.intermediate).items()}
    except (ValueError, TypeError, AttributeError) as exc:
        raise StorageError(f"{_where(row)} has unreadable metrics (each must be a number): "
                           f"{str(exc).splitlines()[0]}") from None
    try:
        budget = None if row.budget is None else float(row.budget)
    except (TypeError, ValueError):
        raise StorageError(f"{_where(row)} has a non-numeric budget {row.budget!r}.") from None
    return FrozenTrial(
        trial_id=row.trial_id, number=row.number, state=state, arch=arch, arch_key=row.arch_key, metrics=metrics,
        intermediate=intermediate, started_at=_utc(row.started_at), finished_at=_utc(row.finished_at),
        fail_reason=row.fail_reason, retry_of=row.retry_of, budget=budget, owner=row.owner,
        heartbeat_at=_utc(row.heartbeat_at))


def decode_spec(text: Any, name: str) -> dict[str, Any]:
    """A study's stored spec; one that is not a JSON object raises a one-line StorageError naming the study."""
    try:
        spec = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise StorageError(f"Study {name!r} has an unreadable spec (not JSON: {str(exc).splitlines()[0]}).") from None
    if not isinstance(spec, dict):
        raise StorageError(f"Study {name!r} has an unreadable spec (a JSON {type(spec).__name__}, not an object).")
    return spec


def study_summary(row: Any, counts: dict[str, int]) -> StudySummary:
    """A stored study row as a StudySummary; an unreadable spec is reported in ``problem``, so that one bad study
    does not hide the others."""
    try:
        spec, problem = decode_spec(row.spec, row.name), None
    except StorageError as exc:
        spec, problem = {}, str(exc)
    return StudySummary(row.study_id, row.name, _utc(row.created_at) or datetime.now(UTC), spec, counts, problem)


def study_id_by_name(conn: Connection, name: str) -> int:
    """The id of the study named ``name``; StudyNotFoundError naming the studies there (read and write storages)."""
    row = conn.execute(sa.select(studies_table.c.study_id).where(studies_table.c.name == name)).first()
    if row is None:
        names = conn.execute(sa.select(studies_table.c.name)).scalars().all()
        raise StudyNotFoundError(f"No study named {name!r}. Studies: {', '.join(map(repr, names)) or 'none'}.")
    return int(row[0])


def study_summaries(conn: Connection) -> list[StudySummary]:
    """Every study, oldest first, with its trial counts per state (read and write storages)."""
    studies = conn.execute(sa.select(studies_table).order_by(studies_table.c.study_id)).all()
    counts = conn.execute(sa.select(trials_table.c.study_id, trials_table.c.state, sa.func.count())
                          .group_by(trials_table.c.study_id, trials_table.c.state)).all()
    per_study: dict[int, dict[str, int]] = {}
    for study_id, state, count in counts:
        per_study.setdefault(study_id, {})[str(state)] = int(count)
    return [study_summary(s, per_study.get(s.study_id, {})) for s in studies]


@contextmanager
def database_transaction(engine: Engine, failed: str) -> Iterator[Connection]:
    """One transaction of ``engine`` (commit on success, roll back on error); a database error becomes one
    StorageError line, ``failed: detail`` (read and write storages)."""
    try:
        with engine.begin() as conn:
            yield conn
    except NasforgeError:
        raise
    except (SQLAlchemyError, sqlite3.Error) as exc:
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise StorageError(f"{failed}: {detail}") from exc


class SQLStorage(BaseStorage):
    """Studies and trials in a relational database, one transaction per call.

    SQLite (``sqlite:///nasforge.db``) runs in WAL mode with a busy timeout, and every transaction
    starts with ``BEGIN IMMEDIATE`` so that concurrent writers queue instead of failing with
    "database is locked". PostgreSQL (``postgresql+psycopg://user@host/db``) is for several machines.
    Safe for several threads and processes; trial numbers are assigned inside the inserting transaction.
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
                self.engine = sa.create_engine(parsed, connect_args={"timeout": busy_timeout_s})
                self._install_sqlite_hooks(self.engine, busy_timeout_s)
            else:
                self.engine = sa.create_engine(parsed, pool_pre_ping=True)
        except (NoSuchModuleError, ImportError) as exc:
            hint = _DRIVER_HINT.get(parsed.get_backend_name(), "install the database driver")
            raise StorageError(f"No driver for storage URL {url!r}: {hint}.") from exc
        self.upgraded_from: int | None = None  # the schema version this call upgraded the database from
        try:
            self._prepare()
        except StorageError:
            self.engine.dispose()  # no connection (nor its -wal and -shm files) outlives a refused storage
            raise

    def _prepare(self) -> None:
        """Create the tables of a new database, or upgrade an older schema version (recorded in upgraded_from)."""
        with self._transaction() as conn:
            metadata.create_all(conn)
            row = conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")).first()
            if row is None:
                conn.execute(meta_table.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
                return
            try:
                version = int(row[0])
            except ValueError:
                raise StorageError(f"Storage {self._safe_url()} has an unreadable schema version {row[0]!r} "
                                   "(not an integer).") from None
            if version > SCHEMA_VERSION:
                raise StorageError(f"Storage {self._safe_url()} has schema version {version}, newer than this "
                                   f"nasforge ({SCHEMA_VERSION}); upgrade nasforge.")
            if version < SCHEMA_VERSION:  # add the newer columns; every stored trial is kept
                for added, columns in sorted(ADDED_COLUMNS.items()):
                    if added > version:
                        for name, sql_type in columns:
                            conn.execute(sa.text(f"ALTER TABLE nasforge_trials ADD COLUMN {name} {sql_type}"))
                conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_trials_study_key "
                                     "ON nasforge_trials (study_id, arch_key)"))
                conn.execute(meta_table.update().where(meta_table.c.key == "schema_version")
                             .values(value=str(SCHEMA_VERSION)))
                self.upgraded_from = version

    @staticmethod
    def _install_sqlite_hooks(engine: Engine, busy_timeout_s: float) -> None:
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """One transaction: commit on success, roll back on error, database errors as StorageError."""
        with database_transaction(self.engine, f"Storage {self._safe_url()} failed") as conn:
            yield conn

    def _safe_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    # -- studies -----------------------------------------------------------------------------------
    def create_study(self, name: str, spec: Mapping[str, Any]) -> int:
        try:
            with self._transaction() as conn:
                result = conn.execute(studies_table.insert().values(
                    name=name, created_at=datetime.now(UTC), spec=_dumps(spec)))
                return int(result.inserted_primary_key[0])  # type: ignore[index]
        except StorageError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise DuplicatedStudyError(f"A study named {name!r} already exists.") from exc
            raise

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

    def update_study_spec(self, study_id: int, spec: Mapping[str, Any]) -> None:
        with self._transaction() as conn:
            result = conn.execute(studies_table.update().where(studies_table.c.study_id == study_id)
                                  .values(spec=_dumps(spec)))
            if result.rowcount == 0:
                raise StudyNotFoundError(f"No study with id {study_id}.")

    def list_studies(self) -> list[StudySummary]:
        with self._transaction() as conn:
            return study_summaries(conn)

    def delete_study(self, study_id: int) -> None:
        with self._transaction() as conn:
            conn.execute(trials_table.delete().where(trials_table.c.study_id == study_id))
            result = conn.execute(studies_table.delete().where(studies_table.c.study_id == study_id))
            if result.rowcount == 0:
                raise StudyNotFoundError(f"No study with id {study_id}.")

    # -- trials ------------------------------------------------------------------------------------
    def create_trial(self, study_id: int, arch: Architecture, arch_key: str,
                     retry_of: int | None = None, budget: float | None = None, *, owner: str | None = None,
                     max_active: int | None = None, unique: bool = False) -> FrozenTrial:
        started = datetime.now(UTC)
        key = {"study_id": study_id}
        with self._transaction() as conn:
            # serialise trial creation per study (SQLite's BEGIN IMMEDIATE does it)
            if not self._sqlite and conn.execute(statements.LOCK_STUDY, key).first() is None:
                raise StudyNotFoundError(f"No study with id {study_id}.")
            # Every count is one index lookup (or a visit of the study's FAIL rows), never a pass over the study:
            # the cost per trial stays flat however many trials the study holds.
            if max_active is None:
                number = int(conn.execute(statements.NUMBER, key).scalar_one())
            else:
                number, interrupted = conn.execute(statements.NUMBER_AND_INTERRUPTED, key).one()
                if number - interrupted >= max_active:  # running and counted trials
                    raise BudgetSpent(f"The study's budget of {max_active} trials is taken.")
            if unique:
                same = (conn.execute(statements.SAME_WITHOUT_BUDGET, {**key, "arch_key": arch_key})
                        if budget is None else
                        conn.execute(statements.SAME_AT_BUDGET, {**key, "arch_key": arch_key, "budget": budget})
                        ).first()
                if same is not None:
                    raise DuplicateTrial(f"Trial {same.number} has the same architecture.", self._frozen(same))
            try:
                result = conn.execute(statements.INSERT_TRIAL, {
                    "study_id": study_id, "number": number, "state": TrialState.RUNNING.value,
                    "arch": arch.to_json(), "arch_key": arch_key, "metrics": "{}", "intermediate": "{}",
                    "started_at": started, "retry_of": retry_of, "budget": budget, "owner": owner,
                    "heartbeat_at": started})
            except IntegrityError as exc:
                raise StudyNotFoundError(f"No study with id {study_id}.") from exc
            trial_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        return FrozenTrial(trial_id=trial_id, number=int(number), state=TrialState.RUNNING, arch=arch,
                           arch_key=arch_key, started_at=started, retry_of=retry_of, budget=budget, owner=owner,
                           heartbeat_at=started)

    def heartbeat(self, trial_ids: Sequence[int]) -> None:
        if not trial_ids:
            return
        with self._transaction() as conn:
            conn.execute(trials_table.update().where(trials_table.c.trial_id.in_(list(trial_ids)),
                                                     trials_table.c.state == TrialState.RUNNING.value)
                         .values(heartbeat_at=datetime.now(UTC)))

    def get_trials_since(self, study_id: int, after_trial_id: int, also: Sequence[int] = ()) -> list[FrozenTrial]:
        with self._transaction() as conn:  # primary-key lookups only (see statements.NEWER)
            rows = {r.trial_id: r for r in conn.execute(statements.NEWER,
                                                        {"after": after_trial_id, "study_id": study_id})}
            older = sorted(i for i in set(also) if i <= after_trial_id)
            if older:
                rows.update((r.trial_id, r) for r in conn.execute(statements.BY_IDS,
                                                                  {"ids": older, "study_id": study_id}))
        return [self._frozen(r) for r in sorted(rows.values(), key=lambda r: r.number)]

    def report_intermediate(self, trial_id: int, step: int, values: Mapping[str, float]) -> None:
        with self._transaction() as conn:
            row = self._row(conn, trial_id)
            if row.state != TrialState.RUNNING.value:
                raise StorageError(f"Trial {row.number} is finished ({row.state}); it takes no reports.")
            intermediate = json.loads(row.intermediate)
            intermediate[str(int(step))] = dict(values)
            conn.execute(trials_table.update().where(trials_table.c.trial_id == trial_id)
                         .values(intermediate=_dumps(intermediate)))

    def finish_trial(self, trial_id: int, state: TrialState, metrics: Mapping[str, float],
                     fail_reason: str | None = None) -> FrozenTrial:
        if not state.is_finished():
            raise StorageError(f"A trial can only be finished as COMPLETE, PRUNED or FAIL, not {state.value}.")
        values = {"finished_id": trial_id, "new_state": state.value, "new_metrics": _dumps(metrics),
                  "new_reason": fail_reason, "new_finished": datetime.now(UTC)}
        with self._transaction() as conn:
            if self.engine.dialect.update_returning:  # one statement: the update returns the finished row
                row = conn.execute(statements.FINISH_RETURNING, values).first()
                changed = row is not None
            else:
                changed = conn.execute(statements.FINISH, values).rowcount > 0
                row = None
            row = row if row is not None else self._row(conn, trial_id)
            if not changed:
                raise StorageError(f"Trial {row.number} is already finished ({row.state}); "
                                   "finished trials never change.")
        return self._frozen(row)

    def _row(self, conn: Connection, trial_id: int) -> Any:
        row = conn.execute(sa.select(trials_table).where(trials_table.c.trial_id == trial_id)).first()
        if row is None:
            raise StorageError(f"No trial with id {trial_id}.")
        return row

    @staticmethod
    def _frozen(row: Any) -> FrozenTrial:
        return decode_trial(row)

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._transaction() as conn:
            return self._frozen(self._row(conn, trial_id))

    def get_trials(self, study_id: int, states: Sequence[TrialState] | None = None) -> list[FrozenTrial]:
        query = sa.select(trials_table).where(trials_table.c.study_id == study_id)
        if states is not None:
            query = query.where(trials_table.c.state.in_([s.value for s in states]))
        with self._transaction() as conn:
            rows = conn.execute(query.order_by(trials_table.c.number)).all()
        return [self._frozen(r) for r in rows]

    def close(self) -> None:
        self.engine.dispose()
