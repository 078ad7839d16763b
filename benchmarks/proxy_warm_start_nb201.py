"""Zero-cost warm start on NAS-Bench-201 (issue 5): a search whose first architectures are the synflow best of
a random pool, against the same search started cold.

Per seed s: ``--pool`` distinct random cells (seed 20000 + s) are ranked by a proxy without any query; the
``--top`` best start the search (seed s). Proxy scores come from the CSV that ``zero_cost_nb201.py`` writes
(the same ``ZeroCostEvaluator``, computed once per cell instead of once per seed; ``--check`` recomputes a few
and compares). Only benchmark queries are counted. Reports the median queries to come within 0.1 / 0.3 points
of the CIFAR-10 optimum and the mean test accuracy at a few query counts:

    python benchmarks/proxy_warm_start_nb201.py --nb201-path ../shared/benchmarks/nb201 \
        --scores out/zc/nb201_proxies_seed0.csv --json out/zc/warm_start.json
"""

from __future__ import annotations

import argparse
import csv
import json
import math

import numpy as np

from nasforge.benchmarks import run_strategy
from nasforge.evaluators import NB201Evaluator, ZeroCostEvaluator
from nasforge.spaces import Architecture


def _fmt(value: float, limit: int) -> str:
    return f">{limit}" if math.isinf(value) else f"{value:g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nb201-path", default=None)
    parser.add_argument("--scores", required=True, help="CSV of zero_cost_nb201.py")
    parser.add_argument("--proxy", default="synflow")
    parser.add_argument("--pool", type=int, default=1000)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--strategies", default="evolution,local_search")
    parser.add_argument("--dataset", default="cifar10")
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--check", type=int, default=3, help="cells whose cached score is recomputed")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    ev = NB201Evaluator(nb201_path=args.nb201_path, dataset=args.dataset)
    space = ev.natural_space()
    with open(args.scores) as handle:
        cached = {row["arch_str"]: float(row[args.proxy]) for row in csv.DictReader(handle)}
    scorer = ZeroCostEvaluator(data=None, space="nb201", proxies=[args.proxy], input_shape=(3, 32, 32),
                               n_outputs=10)
    for arch_str in list(cached)[: args.check]:
        fresh = scorer.score(space.parse(arch_str))
        assert math.isclose(fresh, cached[arch_str], rel_tol=1e-9), (arch_str, fresh, cached[arch_str])

    def warm(seed: int) -> list[Architecture]:
        rng = np.random.default_rng(20_000 + seed)
        pool: dict[str, Architecture] = {}
        while len(pool) < args.pool:
            arch = space.sample(rng)
            pool.setdefault(space.key(arch), arch)
        ranked = sorted(pool.values(), key=lambda a: -cached[space.format(a)])  # stable: ties keep draw order
        return ranked[: args.top]

    seeds = list(range(args.seeds))
    rows = []
    print("| strategy | start | q to 0.1 | q to 0.3 | @10 | @50 | @100 |")
    print("|---|---|---|---|---|---|---|")
    for name in args.strategies.split(","):
        for start, hook in (("cold", None), ("warm", warm)):
            result = run_strategy(ev, name, {}, seeds, args.queries, warm_start=hook)
            row = {"strategy": name, "start": start, "q01": result.median_queries_to(0.1),
                   "q03": result.median_queries_to(0.3), "at": {q: result.at(q)[0] for q in (10, 50, 100)}}
            rows.append(row)
            print(f"| {name} | {start} | {_fmt(row['q01'], args.queries)} | {_fmt(row['q03'], args.queries)} | "
                  + " | ".join(f"{row['at'][q]:.2f}" for q in (10, 50, 100)) + " |", flush=True)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"proxy": args.proxy, "pool": args.pool, "top": args.top, "dataset": args.dataset,
                       "rows": [{**r, "q01": str(r["q01"]), "q03": str(r["q03"])} for r in rows]}, handle, indent=1)


if __name__ == "__main__":
    main()
