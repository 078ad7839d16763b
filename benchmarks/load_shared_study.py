"""Load: many processes searching one study through shared storage; nothing lost, nothing duplicated.

A table of random architectures (7 decisions, 8 values each; a score per row) is searched by random search in
``--workers`` processes that all join one study of ``--workers x --trials-per-worker`` trials, as
``nasforge resume --join`` does. Afterwards every trial is checked: exactly the budget COMPLETE, numbers
0..N-1 without gap, no architecture twice, nothing left RUNNING. Throughput is trials per second of the whole
run (process start-up included) and, per process, its share of the trials.

    python benchmarks/load_shared_study.py --storage sqlite:///out/load.db --workers 8 --trials-per-worker 2000
    python benchmarks/load_shared_study.py --storage postgresql+psycopg://postgres@127.0.0.1:54330/load ...
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from collections import Counter
from pathlib import Path

import numpy as np

from nasforge.evaluators import TableEvaluator
from nasforge.storages import get_storage
from nasforge.study import Budget, TrialState, create_study, load_study

COLUMNS = [f"d{i}" for i in range(7)]


def write_table(path: Path, rows: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    codes = np.unique(rng.integers(0, 8, size=(rows * 2, len(COLUMNS))), axis=0)
    codes = codes[rng.permutation(len(codes))[:rows]]
    score = codes @ rng.normal(size=len(COLUMNS)) + rng.normal(scale=0.1, size=len(codes))
    lines = [",".join([*COLUMNS, "score"])]
    lines += [",".join([*(f"v{c}" for c in row), f"{s:.6f}"]) for row, s in zip(codes, score, strict=True)]
    path.write_text("\n".join(lines) + "\n")


def join(url: str, name: str, ready: object, go: object) -> None:
    study = load_study(name=name, storage=url, take_over=True, join=True)
    ready.release()  # type: ignore[attr-defined]
    go.wait()  # type: ignore[attr-defined]
    study.optimize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--storage", required=True)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--trials-per-worker", type=int, default=2000)
    parser.add_argument("--table", type=Path, default=Path("out/load_table.csv"))
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    total = args.workers * args.trials_per_worker
    args.table.parent.mkdir(parents=True, exist_ok=True)
    write_table(args.table, rows=3 * total)
    name = f"load-{time.strftime('%Y%m%d-%H%M%S')}"
    create_study(evaluator=TableEvaluator(table=str(args.table), arch_columns=COLUMNS, objective="score:max"),
                 strategy="random", budget=Budget(n_trials=total), storage=args.storage, name=name)
    context = multiprocessing.get_context("spawn")
    ready, go = context.Semaphore(0), context.Event()
    processes = [context.Process(target=join, args=(args.storage, name, ready, go)) for _ in range(args.workers)]
    for process in processes:
        process.start()
    for _ in processes:  # every process has loaded the study: the clock starts with all of them searching
        ready.acquire()
    start = time.perf_counter()
    go.set()
    for process in processes:
        process.join()
    seconds = time.perf_counter() - start
    store = get_storage(args.storage)
    trials = store.get_trials(store.get_study_id(name))
    complete = [t for t in trials if t.state is TrialState.COMPLETE]
    shares = sorted(Counter(t.owner for t in complete).values())
    report = {
        "storage": store.url if hasattr(store, "url") else args.storage, "workers": args.workers,
        "budget": total, "trials_stored": len(trials), "complete": len(complete),
        "running_left": sum(t.state is TrialState.RUNNING for t in trials),
        "failed": sum(t.state is TrialState.FAIL for t in trials),
        "numbers_without_gap": [t.number for t in trials] == list(range(len(trials))),
        "distinct_architectures": len({t.arch_key for t in complete}),
        "exit_codes": [p.exitcode for p in processes], "seconds": round(seconds, 2),
        "trials_per_second": round(len(complete) / seconds, 1), "trials_per_process": shares,
    }
    ok = (report["complete"] == total and report["distinct_architectures"] == total
          and report["running_left"] == 0 and report["numbers_without_gap"] and set(report["exit_codes"]) == {0})
    report["lost_or_duplicated"] = not ok
    print(json.dumps(report, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1))
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
