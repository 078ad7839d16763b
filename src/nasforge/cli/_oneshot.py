"""``nasforge oneshot``: weight-sharing search, its result recorded as a trial."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from nasforge._suggest import check_names
from nasforge.cli._options import DEFAULT_STORAGE, StorageOpt
from nasforge.cli._run import (
    progress_bar,
)
from nasforge.cli._support import (
    cli_errors,
    console,
    data_params,
    parse_params,
)
from nasforge.config._build import evaluator_parameters, space_parameters
from nasforge.exceptions import StudyNotFoundError, ValidationError
from nasforge.storages import BaseStorage, get_storage

if TYPE_CHECKING:
    from nasforge.evaluators import TrainingEvaluator


def oneshot(
    method: Annotated[str, typer.Option(help="darts, gdas, enas or spos (single-path one-shot).")] = "darts",
    data: Annotated[str, typer.Option(help="digits, fashion_mnist, idx, npz ... (classification).")] = "digits",
    data_path: Annotated[str | None, typer.Option(help="Folder of IDX files, or the npz file.")] = None,
    space: Annotated[str, typer.Option(help="nb201 (a cell; every method) or chain (spos).")] = "nb201",
    space_param: Annotated[list[str] | None, typer.Option(help="Space parameter NAME=VALUE (channels, "
                                                               "cells_per_stage, max_layers ...).")] = None,
    epochs: Annotated[int, typer.Option(help="Epochs of supernet training.")] = 10,
    final_epochs: Annotated[int, typer.Option(help="Epochs for train-best of the derived cell.")] = 10,
    param: Annotated[list[str] | None, typer.Option(help="Method parameter NAME=VALUE (order=2, beta_reg=..., "
                                                         "lr, batch_size ...).")] = None,
    train_param: Annotated[list[str] | None, typer.Option(help="Data / training parameter NAME=VALUE "
                                                              "(train_subset, val_fraction, threads, ...).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the supernet, the sampling and the split.")] = 0,
    storage: StorageOpt = DEFAULT_STORAGE,
    study: Annotated[str | None, typer.Option(help="Study that records the derived cell (default: generated).")
                     ] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the search history here.")] = None,
) -> None:
    """One-shot search: train a weight-sharing supernet, derive an architecture, record it as a trial (then
    `nasforge train-best --study ...` retrains it)."""
    from nasforge.evaluators import TrainingEvaluator
    from nasforge.oneshot import create_oneshot, record

    with cli_errors():
        train_params = parse_params(train_param or [], "--train-param")
        space_params = parse_params(space_param or [], "--space-param")
        check_names(space_params, space_parameters(space), f"parameter of search space {space!r}",
                    "--space-param")
        check_names(train_params, evaluator_parameters("train"), "training parameter", "--train-param")
        training = {"seed": seed, **train_params}
        chosen = create_oneshot(method, epochs=epochs, seed=seed, threads=training.get("threads"),
                                **parse_params(param or []))
        store = get_storage(storage)
        evaluator = TrainingEvaluator(data=data, data_params=data_params(data, data_path, None, None), space=space,
                                      space_params=space_params, epochs=final_epochs, **training)
        if study is not None:
            _check_unrelated(store, study, evaluator)
        chosen.check(evaluator)
        with progress_bar(epochs, f"{method} supernet") as progress:
            task = progress.add_task(f"{method} supernet", total=epochs, best="")
            result = chosen.search(evaluator, callback=lambda row: progress.update(
                task, advance=1, best=f"loss {row['train_loss']:.3f}"))
        found, trial = record(result, evaluator, storage=store, name=study)
        found_space = evaluator.natural_space()
        console.print(f"{method} derived: {found_space.describe(result.arch)}", markup=False, soft_wrap=True)
        table = Table("metric", "value")
        for key, value in trial.metrics.items():
            table.add_row(key, f"{value:.4g}")
        console.print(table)
        if json_path is not None:
            json_path.write_text(json.dumps({"method": method, "params": result.params, "arch": found_space.describe(
                result.arch), "metrics": trial.metrics, "history": result.history,
                "arch_weights": result.arch_weights}, indent=1))
        console.print(f"recorded as trial #{trial.number} of study {found.name} in {storage} "
                      f"(nasforge train-best --study {found.name} --storage {storage})", markup=False, soft_wrap=True)


def _check_unrelated(store: BaseStorage, name: str, evaluator: TrainingEvaluator) -> None:
    """Refuse to record into an existing study made with another evaluator (another search entirely): before the
    supernet is trained, so that nothing is spent and nothing is added to that study."""
    try:
        study_id = store.get_study_id(name)
    except StudyNotFoundError:
        return
    stored = store.get_study_spec(study_id).get("evaluator")
    mine = json.loads(json.dumps({"name": "train", "params": evaluator.get_params()}))
    if stored != mine:
        kind = stored.get("name") if isinstance(stored, dict) else None
        raise ValidationError(f"The '--study' option names the existing study {name!r} of another search "
                              f"(evaluator {kind!r}, or other data, space or training); oneshot records into a new "
                              "study or one it made with the same options: choose another name.")
