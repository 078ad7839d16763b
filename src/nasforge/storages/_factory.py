"""``get_storage``: a storage from a URL, None (in memory) or an existing storage."""

from __future__ import annotations

from pathlib import Path

from nasforge.exceptions import StorageError
from nasforge.storages._base import BaseStorage
from nasforge.storages._memory import InMemoryStorage


def _url(storage: str) -> str:
    """A storage argument as a database URL (a bare path ending in .db is an SQLite file)."""
    if not isinstance(storage, str) or not storage.strip():
        raise StorageError(f"The 'storage' parameter must be a database URL such as sqlite:///nasforge.db, "
                           f"'memory', or a storage object. Got {storage!r} instead.")
    if "://" not in storage:
        if not storage.endswith((".db", ".sqlite", ".sqlite3")):
            raise StorageError(f"The 'storage' parameter must be a database URL such as "
                               f"sqlite:///nasforge.db, or a file path ending in .db. Got {storage!r} instead.")
        storage = f"sqlite:///{storage}"
    return storage


def get_storage(storage: str | BaseStorage | None, *, read_only: bool = False) -> BaseStorage:
    """Return a storage.

    Args:
        storage: None or ``"memory"`` for an in-memory storage; a database URL
            (``sqlite:///nasforge.db``, ``postgresql+psycopg://user@host/db``); a path ending in ``.db``
            (SQLite); or a storage object, returned unchanged.
        read_only: open a database to read it only (see :func:`open_readonly`): nothing is created, upgraded
            or written, and a missing SQLite file is an error.
    """
    if storage is None or isinstance(storage, BaseStorage):
        return storage or InMemoryStorage()
    if storage in ("memory", ":memory:"):
        return InMemoryStorage()
    if read_only:
        return open_readonly(storage)
    storage = _url(storage)
    if storage.startswith("sqlite:///") and storage != "sqlite:///:memory:":
        folder = Path(storage[len("sqlite:///"):]).parent
        if not folder.is_dir():
            raise StorageError(f"The 'storage' parameter names an SQLite file in a folder that does not exist: "
                               f"{str(folder)!r}.")
    from nasforge.storages._sql import SQLStorage  # SQLAlchemy is imported only when a database is used

    return SQLStorage(storage)


def open_readonly(storage: str) -> BaseStorage:
    """A database storage opened to be read and never written: no table is created, no schema upgraded, no
    journal mode changed, no file created (a missing SQLite file is a StorageError naming its path). Older schema
    versions are read as they are; a newer one is refused. Writing methods raise StorageError.

    Example:
        >>> from nasforge.storages import open_readonly
        >>> open_readonly("sqlite:///no/such.db")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        nasforge.exceptions.StorageError: No SQLite file at 'no/such.db' (not found); ...
    """
    from nasforge.storages._readonly import ReadOnlySQLStorage  # SQLAlchemy is imported only when a database is used

    return ReadOnlySQLStorage(_url(storage))
