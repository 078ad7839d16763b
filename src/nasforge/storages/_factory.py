"""``get_storage``: a storage from a URL, None (in memory) or an existing storage."""

from __future__ import annotations

from pathlib import Path

from nasforge.exceptions import StorageError
from nasforge.storages._base import BaseStorage
from nasforge.storages._memory import InMemoryStorage


def get_storage(storage: str | BaseStorage | None) -> BaseStorage:
    """Return a storage.

    Args:
        storage: None or ``"memory"`` for an in-memory storage; a database URL
            (``sqlite:///nasforge.db``, ``postgresql+psycopg://user@host/db``); a path ending in ``.db``
            (SQLite); or a storage object, returned unchanged.
    """
    if storage is None or isinstance(storage, BaseStorage):
        return storage or InMemoryStorage()
    if not isinstance(storage, str) or not storage.strip():
        raise StorageError(f"The 'storage' parameter must be a database URL such as sqlite:///nasforge.db, "
                           f"'memory', or a storage object. Got {storage!r} instead.")
    if storage in ("memory", ":memory:"):
        return InMemoryStorage()
    if "://" not in storage:
        if not storage.endswith((".db", ".sqlite", ".sqlite3")):
            raise StorageError(f"The 'storage' parameter must be a database URL such as "
                               f"sqlite:///nasforge.db, or a file path ending in .db. Got {storage!r} instead.")
        storage = f"sqlite:///{storage}"
    if storage.startswith("sqlite:///") and storage != "sqlite:///:memory:":
        folder = Path(storage[len("sqlite:///"):]).parent
        if not folder.is_dir():
            raise StorageError(f"The 'storage' parameter names an SQLite file in a folder that does not exist: "
                               f"{str(folder)!r}.")
    from nasforge.storages._sql import SQLStorage  # SQLAlchemy is imported only when a database is used

    return SQLStorage(storage)
