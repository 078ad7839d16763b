"""``nasforge export``: a trial's network as architecture JSON, standalone PyTorch source + weights, TorchScript
and ONNX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from nasforge.cli._support import cli_errors, console, split_list
from nasforge.exceptions import ValidationError


def export(
    study: Annotated[str, typer.Argument(help="Name of the study.")],
    storage: Annotated[str, typer.Option("--storage", help="Database URL.")] = "sqlite:///nasforge.db",
    out: Annotated[Path, typer.Option(help="Folder to write the files to.")] = Path("export"),
    trial: Annotated[int | None, typer.Option(help="Trial number (default: the best trial).")] = None,
    format_: Annotated[str, typer.Option("--format", help="Comma-separated: json, module (model.py + weights.pt), "
                                                          "torchscript, onnx.")] = "json,module,torchscript,onnx",
    epochs: Annotated[int | None, typer.Option(help="Epochs of the final training (default: the study's).")] = None,
    weights: Annotated[Path | None, typer.Option(help="Use these weights (a state dict, e.g. train-best's "
                                                      "model.pt) instead of training.")] = None,
    train: Annotated[bool, typer.Option(help="Retrain the network on train + validation before writing it "
                                             "(studies that train networks; --no-train: initial weights).")] = True,
    weights_dir: Annotated[Path | None, typer.Option(
        "--weights-dir", help="Where trained weights are kept per trial: train-best's are reused from here instead "
                              "of training again, and a retrained network is kept here (default: next to an "
                              "SQLite storage, <file>.weights).")] = None,
) -> None:
    """Export a trial (default: the best): its architecture, a standalone PyTorch module (model.py needs only
    torch; for networks trained on data it also predicts raw inputs: predict, predict_proba) with its weights,
    TorchScript and ONNX; each copy's outputs are checked against the network's. The weights train-best kept for
    the trial are reused when they match it."""
    from nasforge.export import check_formats, check_weights_dir, default_weights_root, export_trial, load_weights
    from nasforge.study import read_study

    with cli_errors():
        formats = check_formats(split_list(format_, "--format"), "'--format' option")
        if epochs is not None and epochs < 1:
            raise ValidationError(f"The '--epochs' option must be an int >= 1. Got {epochs} instead.")
        if out.exists() and not out.is_dir():
            raise ValidationError(f"The '--out' option must be a folder (created if missing). Got {str(out)!r}, "
                                  "an existing file.")
        if weights is not None:
            if not weights.is_file():
                raise ValidationError(f"The '--weights' option must be a file. Got {str(weights)!r} (not found).")
            load_weights(weights)  # a file that holds no state dict is refused before any network is built
        check_weights_dir(weights_dir)
        # the trial is chosen from the stored study, opened read-only; only the network needs the study's code
        loaded = read_study(study, storage)
        chosen, result, final = export_trial(loaded, out, number=trial, formats=formats, train=train, epochs=epochs,
                                             weights=weights, weights_dir=weights_dir or default_weights_root(storage))
        console.print(f"trial #{chosen.number}: {loaded.space.describe(chosen.arch)}", markup=False, soft_wrap=True)
        if result.weights:
            console.print(f"weights: {result.weights}", markup=False, soft_wrap=True)
        if final:
            shown = {k: v for k, v in final.items() if k.startswith("test_") or k == "params"}
            console.print("test set: " + ", ".join(f"{k} {v:.4g}" for k, v in shown.items()), markup=False,
                          soft_wrap=True)
        table = Table("format", "file", "max abs diff vs network")
        for name, path in result.files.items():
            diff = result.max_abs_diff.get(name)
            table.add_row(name, Text(str(path)), "" if diff is None else f"{diff:.2g}")
        console.print(table)
