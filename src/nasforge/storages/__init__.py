"""Storages: where studies and trials live (in memory, SQLite, PostgreSQL)."""

from __future__ import annotations

from nasforge.storages._base import BaseStorage, StudySummary
from nasforge.storages._factory import get_storage
from nasforge.storages._memory import InMemoryStorage
from nasforge.storages._sql import SQLStorage

__all__ = ["BaseStorage", "InMemoryStorage", "SQLStorage", "StudySummary", "get_storage"]
