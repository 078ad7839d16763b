"""Options shared by several commands."""

from __future__ import annotations

from typing import Annotated

import typer

DEFAULT_STORAGE = "sqlite:///nasforge.db"
StorageOpt = Annotated[str, typer.Option("--storage", help="Database URL, e.g. sqlite:///nasforge.db.")]
Nb201Opt = Annotated[str | None, typer.Option("--nb201-path", help="nb201_tss.csv.gz or its folder "
                                              "(default: $NASFORGE_NB201).")]
DataOpt = Annotated[str | None, typer.Option("--data", help="Train for real on: digits, diabetes, fashion_mnist, "
                                             "idx, csv, npz, images (a folder of class subfolders).")]
DataPathOpt = Annotated[str | None, typer.Option("--data-path", help="With --data: the folder of IDX files or of "
                                                 "class subfolders of PNG/JPEG images, or the CSV / npz file.")]
