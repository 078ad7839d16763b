"""Transfer on NAS-Bench-201 (issue 4): a search on CIFAR-100 / ImageNet16-120 warm-started from a finished
CIFAR-10 search, against the same search started cold.

Per seed s: a source search on CIFAR-10 (``--source`` strategy, ``--source-queries`` queries, seed 10000 + s);
its ``--top`` best architectures (by CIFAR-10 validation accuracy) seed the target search (seed s). Only the
target's queries are counted. Reports the median queries to come within 0.1 / 0.3 points of the target's
optimum and the mean test accuracy at a few query counts.

    python benchmarks/transfer_nb201.py --nb201-path ../shared/benchmarks/nb201 --json out/transfer.json
"""

from __future__ import annotations

import argparse
import json
import math

from nasforge.benchmarks import run_strategy
from nasforge.evaluators import NB201Evaluator
from nasforge.spaces import Architecture
from nasforge.storages import InMemoryStorage
from nasforge.strategies import create_strategy
from nasforge.study import Budget, create_study, warm_start_architectures


def _fmt(value: float, limit: int) -> str:
    return f">{limit}" if math.isinf(value) else f"{value:g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nb201-path", default=None)
    parser.add_argument("--source", default="local_search")
    parser.add_argument("--source-queries", type=int, default=100)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--targets", default="evolution,local_search,bo_local_search")
    parser.add_argument("--datasets", default="cifar100,ImageNet16-120")
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    source_ev = NB201Evaluator(nb201_path=args.nb201_path, dataset="cifar10")
    cache: dict[int, list[Architecture]] = {}

    def warm(seed: int) -> list[Architecture]:
        if seed not in cache:
            study = create_study(evaluator=source_ev, storage=InMemoryStorage(),
                                 strategy=create_strategy(args.source, seed=10_000 + seed))
            study.optimize(Budget(n_trials=args.source_queries))
            cache[seed] = warm_start_architectures(study, args.top)
        return cache[seed]

    seeds = list(range(args.seeds))
    rows = []
    print("| target | strategy | start | q to 0.1 | q to 0.3 | @10 | @50 | @100 |")
    print("|---|---|---|---|---|---|---|---|")
    for dataset in args.datasets.split(","):
        ev = NB201Evaluator(nb201_path=args.nb201_path, dataset=dataset)
        for name in args.targets.split(","):
            for start, hook in (("cold", None), ("warm", warm)):
                result = run_strategy(ev, name, {}, seeds, args.queries, warm_start=hook)
                row = {"dataset": dataset, "strategy": name, "start": start,
                       "q01": result.median_queries_to(0.1), "q03": result.median_queries_to(0.3),
                       "at": {q: result.at(q)[0] for q in (10, 50, 100)}}
                rows.append(row)
                print(f"| {dataset} | {name} | {start} | {_fmt(row['q01'], args.queries)} | "
                      f"{_fmt(row['q03'], args.queries)} | "
                      + " | ".join(f"{row['at'][q]:.2f}" for q in (10, 50, 100)) + " |", flush=True)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"source": args.source, "source_queries": args.source_queries, "top": args.top,
                       "rows": [{**r, "q01": str(r["q01"]), "q03": str(r["q03"])} for r in rows]}, handle, indent=1)


if __name__ == "__main__":
    main()
