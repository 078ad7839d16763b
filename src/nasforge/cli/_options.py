"""Options shared by several commands, and the default storage ($NASFORGE_STORAGE, else ``nasforge.db`` here)."""

from __future__ import annotations

import os
import re
from typing import Annotated

import typer

from nasforge.exceptions import StorageError, ValidationError

DEFAULT_STORAGE = "sqlite:///nasforge.db"
STORAGE_ENV = "NASFORGE_STORAGE"
STORAGE_HELP = f"Database URL or .db file. Default: ${STORAGE_ENV} if set, else {DEFAULT_STORAGE}."
StorageOpt = Annotated[str, typer.Option("--storage", help=STORAGE_HELP)]
Nb201Opt = Annotated[str | None, typer.Option("--nb201-path", help="nb201_tss.csv.gz or its folder "
                                              "(default: $NASFORGE_NB201).")]
DataOpt = Annotated[str | None, typer.Option("--data", help="Train for real on: digits, diabetes, fashion_mnist, "
                                             "idx, csv, npz, images (a folder of class subfolders).")]
DataPathOpt = Annotated[str | None, typer.Option("--data-path", help="With --data: the folder of IDX files or of "
                                                 "class subfolders of PNG/JPEG images, or the CSV / npz file.")]


def hide_password(url: str) -> str:
    """``url`` with the password of ``scheme://user:password@host`` written as ``***`` (help and errors are shown
    on screens and in logs)."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


def resolve_storage(given: str | None) -> str:
    """The storage a command uses: ``--storage`` when given, else ``$NASFORGE_STORAGE`` when set and not empty,
    else ``sqlite:///nasforge.db``. A variable that names no storage is a ValidationError naming it, raised before
    the command does anything."""
    if given is not None:
        return given
    value = os.environ.get(STORAGE_ENV, "")
    if not value:
        return DEFAULT_STORAGE
    if value in ("memory", ":memory:"):
        return value
    from nasforge.storages._factory import _url  # the one rule of what names a storage

    try:
        _url(value)
    except StorageError:
        raise ValidationError(f"The {STORAGE_ENV} environment variable must be a database URL such as "
                              f"{DEFAULT_STORAGE}, 'memory', or a file path ending in .db. Got "
                              f"{hide_password(value)!r} instead.") from None
    return value


def storage_default_now() -> str:
    """Which default storage applies in this environment, in words for ``--help``."""
    value = os.environ.get(STORAGE_ENV, "")
    if not value:
        return f"{DEFAULT_STORAGE} ({STORAGE_ENV} is not set)"
    return f"{hide_password(value)} (from {STORAGE_ENV})"
