"""DARTS search epoch time and peak memory, nasforge against Microsoft NNI, same space and data (issue 5).

Space: the NAS-Bench-201 cell on its macro skeleton, ``--channels`` channels and ``--cells`` cells per stage.
Data: the Fashion-MNIST subset of ``fmnist_subset.py``, images repeated to 3 channels (NNI's NAS-Bench-201 stem
takes RGB), its training part split in two halves (shared weights / architecture weights) as both DARTS
implementations do. First-order DARTS, batch 64, one torch thread, ``--epochs`` epochs. Each run is a fresh
process (peak memory is per process); ``--impl`` picks the implementation and ``--repeats`` alternates them:

    python benchmarks/darts_vs_nni.py --nni-python /tmp/nnivenv/bin/python --repeats 3 --json out/os/darts_nni.json

NNI must be installed in its own environment (``pip install nni pytorch-lightning torch==2.13.0``).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np


def _data(path: str, seed: int) -> tuple[Any, Any, Any, Any]:
    """Two halves of the training part of an 80 / 20 hold-out split: the sizes nasforge's DARTS uses."""
    import torch

    with np.load(path) as d:
        x, y = d["x"], d["y"]
    order = np.random.default_rng(seed).permutation(len(y))
    cut = int(0.8 * len(y))
    half = cut // 2
    x3 = torch.from_numpy(x).repeat(1, 3, 1, 1)
    yt = torch.from_numpy(y).long()
    a, b = order[:half], order[half:cut]
    return x3[a], yt[a], x3[b], yt[b]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_nasforge(args: argparse.Namespace) -> dict[str, float]:
    import torch

    from nasforge.evaluators import TrainingEvaluator
    from nasforge.oneshot import create_oneshot

    torch.set_num_threads(1)
    rgb = args.data.replace(".npz", "_rgb.npz")
    if not Path(rgb).exists():  # written once, read by every repeat
        with np.load(args.data) as d:
            np.savez(rgb, x=np.repeat(d["x"], 3, axis=1), y=d["y"], x_test=np.repeat(d["x_test"], 3, axis=1),
                     y_test=d["y_test"])
    evaluator = TrainingEvaluator(data="npz", data_params={"path": rgb}, space="nb201",
                                  space_params={"channels": args.channels, "cells_per_stage": args.cells},
                                  val_fraction=0.2, measure_latency=False, threads=1, seed=args.seed)
    before = _rss_mb()
    result = create_oneshot("darts", epochs=args.epochs, seed=args.seed, threads=1).search(evaluator)
    times = np.diff([0.0] + [row["time_s"] for row in result.history])
    return {"epoch_s": float(np.median(times)), "peak_rss_mb": _rss_mb(), "rss_before_mb": before}


def run_nni(args: argparse.Namespace) -> dict[str, float]:
    import logging

    import nni
    import torch
    from nni.nas.evaluator.pytorch import Classification, DataLoader
    from nni.nas.experiment import NasExperiment
    from nni.nas.hub.pytorch import NasBench201
    from nni.nas.strategy import DARTS
    from torch.utils.data import TensorDataset

    logging.getLogger("nni").setLevel(logging.ERROR)
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    xw, yw, xa, ya = _data(args.data, args.seed)
    train = nni.trace(TensorDataset)(xw, yw)
    arch = nni.trace(TensorDataset)(xa, ya)
    space = NasBench201(stem_out_channels=args.channels, num_modules_per_stack=args.cells, num_labels=10)
    times: list[float] = []

    import pytorch_lightning as pl

    class EpochTimer(pl.Callback):
        def on_train_epoch_start(self, trainer: Any, module: Any) -> None:
            self.start = time.perf_counter()

        def on_train_epoch_end(self, trainer: Any, module: Any) -> None:
            times.append(time.perf_counter() - self.start)

    evaluator = Classification(learning_rate=0.025, weight_decay=3e-4, train_dataloaders=DataLoader(
        train, batch_size=64, shuffle=True), val_dataloaders=DataLoader(arch, batch_size=64, shuffle=True),
        max_epochs=args.epochs, num_classes=10, accelerator="cpu", devices=1, enable_progress_bar=False,
        logger=False, enable_checkpointing=False, callbacks=[EpochTimer()])
    before = _rss_mb()
    experiment = NasExperiment(space, evaluator, DARTS())
    experiment.run()
    top = experiment.export_top_models(formatter="dict")
    return {"epoch_s": statistics.median(times) if times else float("nan"), "peak_rss_mb": _rss_mb(),
            "rss_before_mb": before, "epochs_timed": float(len(times)), "exported": float(bool(top))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--impl", choices=["nasforge", "nni"], default=None)
    parser.add_argument("--data", default="out/os/fmnist10k.npz")
    parser.add_argument("--channels", type=int, default=8)
    parser.add_argument("--cells", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--nni-python", default=None, help="the Python of an environment with NNI installed")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    if args.impl is not None:
        runner = {"nasforge": run_nasforge, "nni": run_nni}[args.impl]
        print("RESULT " + json.dumps(runner(args)), flush=True)
        return
    results: dict[str, list[dict[str, float]]] = {"nasforge": [], "nni": []}
    common = ["--data", args.data, "--channels", str(args.channels), "--cells", str(args.cells), "--epochs",
              str(args.epochs), "--seed", str(args.seed)]
    for _ in range(args.repeats):
        for impl in results:
            if impl == "nni" and not args.nni_python:
                continue
            python = args.nni_python if impl == "nni" else sys.executable
            done = subprocess.run([python, __file__, "--impl", impl, *common], capture_output=True, text=True)
            lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
            if done.returncode != 0 or not lines:
                results[impl].append({"error": 1.0})
                print(f"{impl} failed (exit {done.returncode}):\n{done.stderr[-3000:]}", flush=True)
                continue
            results[impl].append(json.loads(lines[-1][len("RESULT "):]))
            print(impl, results[impl][-1], flush=True)
    summary = {}
    for impl, runs in results.items():
        ok = [r for r in runs if "error" not in r]
        if ok:
            summary[impl] = {k: statistics.median(r[k] for r in ok) for k in ("epoch_s", "peak_rss_mb",
                                                                               "rss_before_mb")}
    print(json.dumps(summary, indent=1))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"runs": results, "median": summary, "channels": args.channels, "cells": args.cells,
                       "epochs": args.epochs}, handle, indent=1)


if __name__ == "__main__":
    main()
