"""``nasforge train-best``: retrain the best architecture and compare it with the baseline."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from nasforge.cli._options import DEFAULT_STORAGE, StorageOpt
from nasforge.cli._support import (
    cli_errors,
    console,
)
from nasforge.exceptions import ValidationError
from nasforge.study import read_study

if TYPE_CHECKING:
    from nasforge.evaluators import Evaluator


def train_best(
    study: Annotated[str, typer.Option(help="Name of a real-training or generation study.")],
    storage: StorageOpt = DEFAULT_STORAGE,
    epochs: Annotated[int | None, typer.Option(help="Epochs of the final training (default: the study's).")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the table to this file.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write each model's weights (state dict), architecture JSON and, "
                                                  "for generators, a sample grid PNG to OUT/best and "
                                                  "OUT/baseline.")] = None,
    weights_dir: Annotated[Path | None, typer.Option(
        "--weights-dir", help="Keep the best model's weights here, per trial, for export to reuse (default: next "
                              "to an SQLite storage, <file>.weights).")] = None,
) -> None:
    """Retrain the best architecture on train + validation, test it, and compare it with the space's
    hand-designed baseline trained the same way. The best model's weights are kept (with the input preprocessing
    they were trained with) for export, which then does not train again."""
    from nasforge.evaluators import GenerationEvaluator, TrainingEvaluator
    from nasforge.export import STATE_FILE, check_weights_dir, default_weights_root, trial_folder

    with cli_errors():
        check_weights_dir(weights_dir)
        loaded = read_study(study, storage)  # reads the study only: nothing is written, no strategy replayed
        evaluator = loaded.build_evaluator()
        if not isinstance(evaluator, TrainingEvaluator | GenerationEvaluator):
            raise ValidationError(f"The study {study!r} does not train networks; train-best needs a study "
                                  "searched with --data.")
        best = loaded.best_trial
        if best is None:
            raise ValidationError(f"The study {study!r} has no completed trial yet.")
        candidates = {"best": best.arch, "baseline": loaded.build_space().baseline()}
        root = weights_dir or default_weights_root(storage)
        keep = None if root is None else trial_folder(root, loaded.name, best.number)
        with tempfile.TemporaryDirectory() as scratch:  # the best model's files when there is no --out
            folders = {label: out / label if out is not None else Path(scratch) if label == "best" else None
                       for label in candidates}
            rows = {label: (arch, evaluator.final_train(arch, epochs, out_dir=folders[label]))
                    for label, arch in candidates.items() if arch is not None}
            # OUT/best gets the record too (export --weights reads it) when its state file is a model.pt
            beside = None if out is None or _state_file(out / "best").name != "model.pt" else out / "best"
            targets = [f for f in (keep, beside) if f is not None]
            kept = _keep(loaded.name, best.number, best.arch.to_dict(), epochs, evaluator, rows["best"][1],
                         Path(scratch) if out is None else out / "best", targets)
        metric = evaluator.report_metric() or ""
        extras = ("test_f1", "test_r2", "test_inception_score", "test_recon_mse", "test_fid", "params", "flops",
                  "latency_ms_b1", "train_time_s")
        names = [metric, *[n for n in extras if n in rows["best"][1] and n != metric]]
        table = Table("model", *names, title=Text(f"train-best {study}: train + validation, "  # the name as it is
                                                  f"{epochs or evaluator.epochs} epochs, scored on the test set"))
        for label, (_, metrics) in rows.items():
            table.add_row(label, *[f"{metrics.get(n, float('nan')):.4g}" for n in names])
        console.print(table)
        for label, (arch, _) in rows.items():
            console.print(f"{label}: {loaded.space.describe(arch)}", markup=False, soft_wrap=True)
        if out is not None:
            console.print(f"models written to {out}/", markup=False, soft_wrap=True)
        console.print(_kept_line(keep, kept, out), markup=False, soft_wrap=True)
        if json_path is not None:
            files = {label: None if out is None else str(_state_file(out / label)) for label in rows}
            if keep is not None and kept == keep:
                files["best"] = str(keep / STATE_FILE)
            json_path.write_text(json.dumps({label: {"arch": arch.to_dict(), "metrics": metrics,
                                                     "weights_file": files[label]}
                                             for label, (arch, metrics) in rows.items()}, indent=2))


def _keep(study: str, trial: int, arch: dict[str, Any], epochs: int | None, evaluator: Evaluator,
          metrics: dict[str, float], written: Path, targets: list[Path]) -> Path | str:
    """Copy the best model's weights (``written/model.pt``, from final_train) with a record of what they were
    trained with into each of ``targets`` (the kept folder export looks in, OUT/best for export --weights);
    the first target, or a line saying why the weights were not kept."""
    from nasforge.export import model_io, save_weights

    if not targets:
        return "nowhere to keep them"
    io = model_io(evaluator)  # the preprocessing fitted on train + validation, the rows final_train trains on
    try:
        for folder in targets:
            save_weights(folder, state=_state_file(written), study=study, trial=trial, arch=arch, epochs=epochs,
                         evaluator=evaluator.get_params(), io=io, metrics=metrics, trained_by="train-best")
    except OSError as exc:  # a read-only folder: the table above is still the result
        return f"{exc.strerror or exc}"
    return targets[0]


def _kept_line(keep: Path | None, kept: Path | str, out: Path | None) -> str:
    """One line: where export finds the best model's weights."""
    if keep is None:
        hint = "" if out is None else f"; export --weights {out / 'best' / 'model.pt'} uses them"
        return f"best weights: not kept for export (no --weights-dir, and the storage is not an SQLite file){hint}"
    if kept == keep:
        return f"best weights: kept in {keep} for export"
    return f"best weights: not kept ({kept})"


def _state_file(folder: Path) -> Path:
    """The state dict final_train wrote to ``folder``: ``model.pt``, or a generation study's ``generator.pt`` or
    ``vae.pt``."""
    for name in ("model.pt", "generator.pt", "vae.pt"):
        if (folder / name).is_file():
            return folder / name
    return folder / "model.pt"
