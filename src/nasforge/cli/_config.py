"""``nasforge run CONFIG.yaml``: a whole search described in a YAML file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nasforge.cli._options import resolve_storage
from nasforge.cli._support import cli_errors, console


def run(
    config: Annotated[Path, typer.Argument(help="The YAML file (see examples/).")],
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override a key: KEY=VALUE, dotted for nested "
                                                                 "keys (budget.n_trials=20). Repeatable.")] = None,
    check: Annotated[bool, typer.Option(help="Only validate the file and build its components; run nothing.")
                     ] = False,
) -> None:
    """Run the search a YAML file describes: evaluator, strategy, objectives, budget, storage, workers."""
    from nasforge.cli._search import run_search
    from nasforge.config import check_config, load_config

    with cli_errors():
        loaded = load_config(config, set_ or [])
        if "storage" not in loaded.model_fields_set:  # the file names none: the CLI's default applies
            loaded = loaded.model_copy(update={"storage": resolve_storage(None)})
        source = str(config)
        if check:
            evaluator, strategy = check_config(loaded, source)
            console.print(f"{source}: valid ({type(evaluator).__name__}, {type(strategy).__name__}, "
                          f"storage {loaded.storage})", markup=False, soft_wrap=True)
            return
        run_search(loaded, source)
