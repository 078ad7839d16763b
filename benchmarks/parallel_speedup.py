"""Search throughput with worker processes and with Ray, against one process.

The same random search (same seed, so the same architectures) over real training runs once per mode in each
repeat, the modes' order rotating between repeats; trials per minute of the whole run (loading the data,
worker and Ray start-up included) are compared with the one-process run of the same repeat, and the median
ratio is reported.

    python benchmarks/parallel_speedup.py --data digits --epochs 10 --trials 40 --repeats 3 \
        --modes inline,process:2,ray:2 [--json out/parallel.json]

Modes: ``inline`` evaluates in this process (torch uses every core; ``inline:1`` one torch thread, which shows
how much of the cores one process already uses), ``process:N`` in N worker processes,
``ray:N`` as N Ray tasks at a time (a local Ray started by the run).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import torch

from nasforge.evaluators import TrainingEvaluator
from nasforge.evaluators._training import _cached_dataset
from nasforge.storages import InMemoryStorage
from nasforge.strategies import create_strategy
from nasforge.study import Budget, TrialState, create_study


def run(mode: str, args: argparse.Namespace, seed: int) -> dict[str, float]:
    kind, _, workers = mode.partition(":")
    _cached_dataset.cache_clear()  # every mode loads the data inside its own clock (workers load their own copy)
    start = time.perf_counter()
    ev = TrainingEvaluator(data=args.data, space=args.space, epochs=args.epochs, train_subset=args.train_subset,
                           measure_latency=False)
    study = create_study(evaluator=ev, strategy=create_strategy("random", seed=seed), storage=InMemoryStorage(),
                         budget=Budget(n_trials=args.trials), name=f"{mode}-{seed}")
    if kind == "inline":
        threads = torch.get_num_threads()
        torch.set_num_threads(int(workers or threads))
        try:
            study.optimize()
        finally:
            torch.set_num_threads(threads)
    else:
        study.optimize(n_workers=int(workers), executor=kind)
    seconds = time.perf_counter() - start
    done = [t for t in study.trials if t.state is TrialState.COMPLETE]
    return {"seconds": seconds, "trials_per_min": 60 * len(done) / seconds, "complete": len(done),
            "best": max(t.metrics[ev.default_objective().split(":")[0]] for t in done)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="digits")
    parser.add_argument("--space", default="chain")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--train-subset", type=int, default=None)
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--modes", default="inline,process:2,ray:2")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    modes = args.modes.split(",")
    rows: dict[str, list[dict[str, float]]] = {m: [] for m in modes}
    for repeat in range(args.repeats):
        order = modes[repeat % len(modes):] + modes[:repeat % len(modes)]
        for mode in order:
            rows[mode].append(run(mode, args, seed=repeat))
            print(f"repeat {repeat} {mode}: {rows[mode][-1]}", flush=True)
    base = modes[0]
    report = {}
    for mode in modes:
        ratios = [r["trials_per_min"] / b["trials_per_min"] for r, b in zip(rows[mode], rows[base], strict=True)]
        report[mode] = {"median_trials_per_min": statistics.median(r["trials_per_min"] for r in rows[mode]),
                        "median_speedup": statistics.median(ratios), "speedups": ratios, "runs": rows[mode]}
        print(f"{mode}: median {report[mode]['median_trials_per_min']:.2f} trials/min, "
              f"speed-up against {base} {report[mode]['median_speedup']:.2f}x (per repeat: "
              f"{', '.join(f'{r:.2f}' for r in ratios)})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"args": vars(args) | {"json": str(args.json)}, "modes": report}, indent=1))


if __name__ == "__main__":
    main()
