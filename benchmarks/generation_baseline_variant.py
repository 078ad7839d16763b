"""Retrain a variant of a generation study's baseline (some decisions changed) with the study's budget, over
several seeds: for example the DCGAN-style baseline at the found generator's width.

    python benchmarks/generation_baseline_variant.py --storage sqlite:///out/gen/gan.db --study gan-fmnist \\
        --set g_width=64 --seeds 0,1,2 --threads 1 --json out/gen/dcgan64.json
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from nasforge.evaluators import GenerationEvaluator
from nasforge.study import load_study


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--storage", required=True)
    parser.add_argument("--study", required=True)
    parser.add_argument("--set", action="append", default=[], help="NAME=VALUE (JSON value), repeatable")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    study = load_study(name=args.study, storage=args.storage)
    evaluator = study.evaluator
    baseline = study.space.baseline()
    assert isinstance(evaluator, GenerationEvaluator) and baseline is not None
    changes = {k: json.loads(v) for k, v in (item.split("=", 1) for item in args.set)}
    arch = study.space.make(tuple({**dict(baseline.decisions), **changes}.values()))
    metric = evaluator.report_metric() or ""
    runs = {}
    for seed in (int(s) for s in args.seeds.split(",")):
        seeded = GenerationEvaluator(**{**evaluator.get_params(), "seed": seed,
                                        "threads": args.threads or evaluator.threads})
        runs[seed] = seeded.final_train(arch, args.epochs)
        print(f"seed {seed}: {metric} {runs[seed][metric]:.3f}", flush=True)
    summary = {"arch": study.space.describe(arch), "metric": metric,
               "median": statistics.median(m[metric] for m in runs.values()), "runs": runs}
    print(json.dumps({k: v for k, v in summary.items() if k != "runs"}, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
