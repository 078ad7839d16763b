"""``nasforge report``: a study as one self-contained HTML file (and its plots as PNG and SVG)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from nasforge.cli._options import DEFAULT_STORAGE, StorageOpt
from nasforge.cli._support import cli_errors, console


def report(
    study: Annotated[str, typer.Argument(help="Name of the study.")],
    storage: StorageOpt = DEFAULT_STORAGE,
    out: Annotated[Path | None, typer.Option(help="The HTML file (default: STUDY.html in this folder, other "
                                                  "characters than letters, digits, '.', '-', '_' as '_').")] = None,
    plots: Annotated[Path | None, typer.Option(help="Also write every plot as PNG and SVG into this folder.")] = None,
    top: Annotated[int, typer.Option(help="How many of the best trials to list.")] = 15,
) -> None:
    """Write a self-contained HTML report of a study: best so far against trials, time and cost, all trials, the
    Pareto front, the best architecture's diagram, which decisions mattered, learning curves."""
    from nasforge.exceptions import ValidationError
    from nasforge.report import write_report
    from nasforge.study import read_study

    with cli_errors():
        if top < 1:
            raise ValidationError(f"The '--top' option must be an int >= 1. Got {top} instead.")
        target = out or Path(re.sub(r"[^\w.-]", "_", study).lstrip(".") + ".html")  # a name may hold / or ..
        if target.is_dir():
            raise ValidationError(f"The '--out' option must be a file path. Got {str(target)!r}, a folder.")
        if plots is not None and plots.exists() and not plots.is_dir():
            raise ValidationError(f"The '--plots' option must be a folder (created if missing). Got {str(plots)!r}, "
                                  "an existing file.")
        # read-only: neither the evaluator's data nor its code is needed, and the storage is not changed
        written = write_report(read_study(study, storage), target, plots_dir=plots, top=top)
        console.print(f"wrote {written}" + (f" and the plots in {plots}/" if plots else ""), markup=False,
                      soft_wrap=True)
