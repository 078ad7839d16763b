"""``nasforge train-best``: retrain the best architecture and compare it with the baseline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

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


def train_best(
    study: Annotated[str, typer.Option(help="Name of a real-training or generation study.")],
    storage: StorageOpt = DEFAULT_STORAGE,
    epochs: Annotated[int | None, typer.Option(help="Epochs of the final training (default: the study's).")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the table to this file.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write each model's weights (state dict), architecture JSON and, "
                                                  "for generators, a sample grid PNG to OUT/best and "
                                                  "OUT/baseline.")] = None,
) -> None:
    """Retrain the best architecture on train + validation, test it, and compare it with the space's
    hand-designed baseline trained the same way."""
    from nasforge.evaluators import GenerationEvaluator, TrainingEvaluator

    with cli_errors():
        loaded = read_study(study, storage)  # reads the study only: nothing is written, no strategy replayed
        evaluator = loaded.build_evaluator()
        if not isinstance(evaluator, TrainingEvaluator | GenerationEvaluator):
            raise ValidationError(f"The study {study!r} does not train networks; train-best needs a study "
                                  "searched with --data.")
        best = loaded.best_trial
        if best is None:
            raise ValidationError(f"The study {study!r} has no completed trial yet.")
        candidates = {"best": best.arch, "baseline": loaded.build_space().baseline()}
        rows = {label: (arch, evaluator.final_train(arch, epochs, out_dir=None if out is None else out / label))
                for label, arch in candidates.items() if arch is not None}
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
        if json_path is not None:
            json_path.write_text(json.dumps({label: {"arch": arch.to_dict(), "metrics": metrics}
                                             for label, (arch, metrics) in rows.items()}, indent=2))
