"""The one line a writing command prints when it upgraded an older storage's schema."""

from __future__ import annotations

from nasforge.cli._support import err_console
from nasforge.storages import BaseStorage
from nasforge.storages._schema import SCHEMA_VERSION


def announce_upgrade(storage: BaseStorage, label: str) -> None:
    """Say on stderr that opening ``storage`` upgraded its schema (only commands that write open it so)."""
    version = getattr(storage, "upgraded_from", None)
    if version is not None:
        err_console.print(f"storage {label}: schema upgraded from version {version} to {SCHEMA_VERSION}",
                          markup=False, highlight=False, soft_wrap=True)
