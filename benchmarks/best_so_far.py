"""Best-so-far against wall time for a stored study: after each finished trial, the elapsed time since the
study's first trial started, the trials finished, and the best trial's objective and report metric.

    python benchmarks/best_so_far.py --study NAME --storage sqlite:///out/fmnist/fmnist.db [--every 5]
"""

from __future__ import annotations

import argparse

from nasforge import load_study
from nasforge.study import primary_score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--study", required=True)
    parser.add_argument("--storage", required=True)
    parser.add_argument("--every", type=float, default=5.0, help="print a row every N minutes (and the last)")
    args = parser.parse_args()
    study = load_study(name=args.study, storage=args.storage)
    objective = study.objectives[0].name
    report = (study.evaluator.report_metric() if study.evaluator else None) or objective
    trials = [t for t in study.trials if t.finished_at is not None]
    start = min(t.started_at for t in trials if t.started_at is not None)
    best = None
    best_score = float("-inf")
    next_mark = 0.0
    print(f"| minutes | trials finished | best {objective} | its {report} |")
    print("|---|---|---|---|")
    for n, trial in enumerate(sorted(trials, key=lambda t: t.finished_at), start=1):  # type: ignore[arg-type,return-value]
        score = primary_score(study.objectives, trial)
        if score is not None and score > best_score:
            best, best_score = trial, score
        minutes = (trial.finished_at - start).total_seconds() / 60  # type: ignore[operator]
        shown = best.metrics.get(report, float("nan")) if best is not None else float("nan")
        if best is not None and (minutes >= next_mark or n == len(trials)):
            print(f"| {minutes:.1f} | {n} | {best.metrics[objective]:.4f} | {shown:.4f} |")
            while next_mark <= minutes:
                next_mark += args.every


if __name__ == "__main__":
    main()
