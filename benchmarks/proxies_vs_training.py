"""Zero-cost proxies against real training (issue 5): Spearman rho of every proxy with the test accuracy of the
architectures of a finished real-training study (for example 100 random cells, each trained the same short
budget on Fashion-MNIST). The proxies score each cell's untrained network on one mini-batch of the study's own
training data:

    nasforge search --data npz --data-path out/os/fmnist10k.npz --space nb201 --space-param channels=8 \
        --space-param cells_per_stage=1 --strategy random --seed 1 --epochs 2 --n-trials 100 \
        --train-param threads=1 --train-param measure_latency=false --storage sqlite:///out/os/os.db --study random100
    python benchmarks/proxies_vs_training.py --storage sqlite:///out/os/os.db --study random100 --json out/os/zc.json
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from scipy.stats import spearmanr

from nasforge import load_study
from nasforge.evaluators import TrainingEvaluator, ZeroCostEvaluator
from nasforge.proxies import list_proxies
from nasforge.trial import TrialState


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--storage", required=True)
    parser.add_argument("--study", required=True)
    parser.add_argument("--metric", default="test_accuracy")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seeds", type=int, default=3, help="initialisation / mini-batch seeds averaged over")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    study = load_study(name=args.study, storage=args.storage)
    trained = study.evaluator
    assert isinstance(trained, TrainingEvaluator)
    trials = [t for t in study.trials if t.state is TrialState.COMPLETE]
    target = np.array([t.metrics[args.metric] for t in trials])
    proxies = list_proxies()
    scores = {p: np.zeros((args.seeds, len(trials))) for p in proxies}
    seconds = {p: 0.0 for p in proxies}
    for seed in range(args.seeds):
        scorer = ZeroCostEvaluator(data=trained.data, data_params=trained.data_params, space=trained.space_name,
                                   space_params=trained.space_params, proxies=proxies, batch_size=args.batch_size,
                                   threads=1, seed=seed)
        for i, trial in enumerate(trials):
            for p, (value, took) in scorer.timed_scores(trial.arch).items():
                scores[p][seed, i] = value
                seconds[p] += took
    rows = {}
    for p in proxies:
        values = scores[p]
        finite = np.where(np.isfinite(values), values, np.nan)
        lowest = np.nanmin(finite) if np.isfinite(finite).any() else 0.0
        mean = np.nanmean(np.where(np.isfinite(values), values, lowest - 1.0), axis=0)  # -inf ranks last
        single = float(spearmanr(np.where(np.isfinite(values[0]), values[0], lowest - 1.0), target).statistic)
        rows[p] = {"rho": float(spearmanr(mean, target).statistic), "rho_seed0": single,
                   "ms_per_arch": 1000 * seconds[p] / (args.seeds * len(trials))}
    train_s = float(np.median([t.metrics.get("cpu_time_s", np.nan) for t in trials]))
    print(f"{len(trials)} architectures of {args.study}; {args.metric} from {target.min():.4f} to {target.max():.4f};"
          f" median training CPU time {train_s:.1f} s")
    print("| proxy | Spearman rho (mean of seeds) | rho (one seed) | ms per architecture |")
    print("|---|---|---|---|")
    for p, row in sorted(rows.items(), key=lambda item: -item[1]["rho"]):
        print(f"| {p} | {row['rho']:.3f} | {row['rho_seed0']:.3f} | {row['ms_per_arch']:.0f} |")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"study": args.study, "n": len(trials), "metric": args.metric, "rows": rows,
                       "median_train_cpu_s": train_s}, handle, indent=1)


if __name__ == "__main__":
    main()
