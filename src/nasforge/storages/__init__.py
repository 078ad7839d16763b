"""Storages: where studies and trials live (in memory, SQLite, PostgreSQL)."""

from __future__ import annotations

from nasforge.storages._base import BaseStorage, StudySummary
from nasforge.storages._factory import get_storage, open_readonly
from nasforge.storages._memory import InMemoryStorage
from nasforge.storages._readonly import ReadOnlySQLStorage
from nasforge.storages._sql import SQLStorage

__all__ = ["BaseStorage", "InMemoryStorage", "ReadOnlySQLStorage", "SQLStorage", "StudySummary", "get_storage",
           "open_readonly"]
