"""``nasforge run CONFIG.yaml``: a whole search described in a YAML file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nasforge.cli._run import RunOptions, run_with_progress
from nasforge.cli._support import cli_errors, console, print_best
from nasforge.cli._upgrade import announce_upgrade


def run(
    config: Annotated[Path, typer.Argument(help="The YAML file (see examples/).")],
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override a key: KEY=VALUE, dotted for nested "
                                                                 "keys (budget.n_trials=20). Repeatable.")] = None,
    check: Annotated[bool, typer.Option(help="Only validate the file and build its components; run nothing.")
                     ] = False,
) -> None:
    """Run the search a YAML file describes: evaluator, strategy, objectives, budget, storage, workers."""
    from nasforge.config import build_study, check_config, load_config

    with cli_errors():
        loaded = load_config(config, set_ or [])
        source = str(config)
        options = RunOptions(loaded.run.workers, loaded.run.executor, loaded.run.ray_address,
                             loaded.run.trial_timeout_s, loaded.run.memory_limit_mb).check()
        options.check_pruning(loaded.pruner is not None)
        if check:
            evaluator, strategy = check_config(loaded, source)
            console.print(f"{source}: valid ({type(evaluator).__name__}, {type(strategy).__name__}, "
                          f"storage {loaded.storage})", markup=False, soft_wrap=True)
            return
        study = build_study(loaded, source)
        announce_upgrade(study.storage, loaded.storage)
        run_with_progress(study, max_failures=loaded.run.max_failures, options=options)
        print_best(study, loaded.storage)
