"""Per-trial cost of the search loop as a study grows: bookkeeping must stay O(1) per trial.

Random search with replacement (``RandomSearch(deduplicate=False)``, ``allow_duplicates=True``) over the
NAS-Bench-201 table, whose evaluation is a table lookup, so that what is measured is the loop and the storage.
One study per storage grows to the largest size; at each size the script reports the whole run's throughput
(trials / seconds since the start) and the marginal cost: the median of ``--batches`` batches of ``--batch``
trials just below that size, in microseconds per trial (wall clock, and CPU time of this process, which a loaded
machine disturbs less). Bookkeeping that scans the stored trials shows as a
marginal cost that grows with the size.

    python benchmarks/scaling.py [--memory 1000,2000,4000,20000] [--sqlite 500,5000] [--nb201-path DIR] [--json F]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from nasforge import Budget, create_study
from nasforge.evaluators import NB201Evaluator
from nasforge.strategies import RandomSearch
from nasforge.study import Study


def grow(study: Study, sizes: list[int], batch: int, batches: int) -> list[dict[str, Any]]:
    """Run ``study`` up to each size in turn; the throughput and marginal cost at each."""
    rows = []
    elapsed = 0.0
    for size in sorted(sizes):
        first = max(study.n_counted, size - batch * batches)
        if first > study.n_counted:
            start = time.perf_counter()
            study.optimize(Budget(n_trials=first))
            elapsed += time.perf_counter() - start
        costs, cpu = [], []
        while study.n_counted < size:
            target = min(size, study.n_counted + batch)
            done = study.n_counted
            start, start_cpu = time.perf_counter(), time.process_time()
            study.optimize(Budget(n_trials=target))
            took = time.perf_counter() - start
            elapsed += took
            costs.append(took / (study.n_counted - done))
            cpu.append((time.process_time() - start_cpu) / (study.n_counted - done))
        if study.n_counted != size:
            raise RuntimeError(f"the study stopped at {study.n_counted} trials instead of {size}")
        rows.append({"trials": size, "run_trials_per_s": round(size / elapsed, 1),
                     "marginal_us_per_trial": round(1e6 * statistics.median(costs), 1),
                     "marginal_cpu_us_per_trial": round(1e6 * statistics.median(cpu), 1)})
    return rows


def measure(evaluator: NB201Evaluator, storage: str | None, sizes: list[int], batch: int = 100,
            batches: int = 5) -> list[dict[str, Any]]:
    """One study on ``storage`` (None: in memory), grown through ``sizes``."""
    study = create_study(evaluator=evaluator, strategy=RandomSearch(deduplicate=False, seed=0), storage=storage,
                         allow_duplicates=True, budget=Budget(n_trials=max(sizes)))
    with study:
        return grow(study, sizes, batch, batches)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--memory", default="1000,2000,4000,20000", help="in-memory sizes, comma-separated")
    parser.add_argument("--sqlite", default="500,5000", help="SQLite sizes, comma-separated")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--nb201-path", default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    evaluator = NB201Evaluator(nb201_path=args.nb201_path)
    results: dict[str, Any] = {}
    for kind, sizes in (("memory", args.memory), ("sqlite", args.sqlite)):
        wanted = [int(s) for s in sizes.split(",") if s.strip()]
        if not wanted:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/scaling.db" if kind == "sqlite" else None
            results[kind] = measure(evaluator, url, wanted, args.batch, args.batches)
        for row in results[kind]:
            print(f"{kind:7s} {row['trials']:>6} trials: {row['run_trials_per_s']:>8} trials/s over the run, "
                  f"{row['marginal_us_per_trial']:>8} us/trial at that size "
                  f"({row['marginal_cpu_us_per_trial']} us of CPU)", flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
