"""Options shared by several commands."""

from __future__ import annotations

from typing import Annotated

import typer

DEFAULT_STORAGE = "sqlite:///nasforge.db"
StorageOpt = Annotated[str, typer.Option("--storage", help="Database URL, e.g. sqlite:///nasforge.db.")]
Nb201Opt = Annotated[str | None, typer.Option("--nb201-path", help="nb201_tss.csv.gz or its folder "
                                              "(default: $NASFORGE_NB201).")]
