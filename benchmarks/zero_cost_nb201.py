"""Zero-cost proxies on all 15,625 NAS-Bench-201 cells, against the table's test accuracies (issue 5).

Every cell is built on the benchmark's own macro skeleton (16 channels, 5 cells per stage, 10 classes, a 32x32x3
input), initialised with one seed, and scored with data-independent proxies (synflow; parameter count and FLOPs
as baselines). Scores are appended to a CSV as they come, so a killed run resumes where it stopped. Then the
Spearman rank correlation of each proxy with ``c10_test_acc``, ``c100_test_acc`` and ``in16_test_acc``:

    python benchmarks/zero_cost_nb201.py --nb201-path ../shared/benchmarks/nb201 --out out/zc --workers 2
"""

from __future__ import annotations

import argparse
import csv
import json
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from nasforge.data import NB201Table, load_nb201
from nasforge.evaluators import ZeroCostEvaluator

PROXIES = ("synflow",)
COLUMNS = ("c10_test_acc", "c100_test_acc", "in16_test_acc")
_EVALUATOR: ZeroCostEvaluator | None = None


def _init(seed: int) -> None:
    global _EVALUATOR
    _EVALUATOR = ZeroCostEvaluator(data=None, space="nb201", proxies=list(PROXIES), input_shape=(3, 32, 32),
                                   n_outputs=10, threads=1, seed=seed)


def _score(item: tuple[str, str]) -> dict[str, str | float]:
    index, arch_str = item
    assert _EVALUATOR is not None
    arch = _EVALUATOR.natural_space().parse(arch_str)
    return {"index": index, "arch_str": arch_str, **_EVALUATOR.evaluate(arch)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nb201-path", required=True)
    parser.add_argument("--out", default="out/zc")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None, help="score only the first N cells (a quick check)")
    args = parser.parse_args()
    table = load_nb201(args.nb201_path)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"nb201_proxies_seed{args.seed}.csv"
    fields = ["index", "arch_str", *PROXIES, "params", "flops", "proxy_time_s"]
    done = set()
    if path.exists():
        with path.open() as fh:
            done = {r["index"] for r in csv.DictReader(fh)}
    todo = [(str(r), s) for r, s in enumerate(table.arch_str[: args.limit]) if str(r) not in done]
    print(f"{len(done)} cells scored before, {len(todo)} to go", flush=True)
    with path.open("a", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        if not done:
            writer.writeheader()
        with Pool(args.workers, initializer=_init, initargs=(args.seed,)) as pool:
            for n, result in enumerate(pool.imap(_score, todo, chunksize=16), start=1):
                writer.writerow(result)
                if n % 500 == 0:
                    fh.flush()
                    print(f"{n}/{len(todo)}", flush=True)
    print(json.dumps(correlations(path, table), indent=1))


def correlations(path: Path, table: NB201Table) -> dict[str, dict[str, float]]:
    """Spearman rho of each proxy (and of params / FLOPs) with each test-accuracy column, over the scored cells
    (``index`` is the table's row)."""
    from scipy.stats import spearmanr

    with path.open() as fh:
        scores = list(csv.DictReader(fh))
    rows = np.array([int(r["index"]) for r in scores])
    result: dict[str, dict[str, float]] = {"n": {"cells": float(len(rows))}}
    for proxy in (*PROXIES, "params", "flops"):
        values = np.array([float(r[proxy]) for r in scores])
        result[proxy] = {col: float(spearmanr(values, table.columns[col][rows]).statistic) for col in COLUMNS}
    return result


if __name__ == "__main__":
    main()
