"""Per-trial overhead of the search loop: nasforge against Optuna, same objective, same kind of storage.

Random search over NAS-Bench-201 (the objective is a table lookup, so the loop and the storage are what is
measured). nasforge runs RandomSearch(deduplicate=False) in a study with allow_duplicates=True, i.e. sampling
and evaluating with replacement like Optuna's RandomSampler; Optuna suggests the six edge ops as categoricals
and returns the same validation accuracy.
Both run side by side in one process, alternating, ``--repeats`` times; the medians are reported.

The ``function`` kind measures your own objective function instead, in memory: a declared space (an int, a
choice, a categorical and a log-scaled float) searched at random, with an objective that returns at once;
nasforge runs ``study.optimize(objective)`` on ``nasforge.Space``, Optuna ``study.optimize(objective)`` with the
same four ``trial.suggest_*`` calls.

    python benchmarks/overhead_vs_optuna.py --trials 10000 --repeats 3 [--kinds memory,sqlite,function]
        [--nb201-path DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import optuna

from nasforge import Budget, Float, Int, Space, create_study
from nasforge.evaluators import Decisions, NB201Evaluator
from nasforge.spaces import Architecture
from nasforge.strategies import RandomSearch


def run_nasforge(ev: NB201Evaluator, trials: int, storage: str | None) -> float:
    # With replacement on both sides: the strategy may propose an architecture again and the study evaluates it
    # again (allow_duplicates), as Optuna's RandomSampler does; the study never stops before its budget.
    with create_study(evaluator=ev, strategy=RandomSearch(deduplicate=False, seed=0), storage=storage,
                      budget=Budget(n_trials=trials), allow_duplicates=True) as study:
        start = time.perf_counter()
        study.optimize()
        elapsed = time.perf_counter() - start
        ran = len(study.trials)
        if ran != trials or study.n_counted != trials:
            raise RuntimeError(f"nasforge ran {ran} trials instead of {trials} ({study.stop_reason})")
    return elapsed


def time_optuna(objective: Callable[[optuna.Trial], float], trials: int, storage: str | None) -> float:
    """Seconds of Optuna's ``optimize`` (random sampler, seed 0) for ``trials`` trials; fails if it ran short."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0), storage=storage)
    start = time.perf_counter()
    study.optimize(objective, n_trials=trials)
    elapsed = time.perf_counter() - start
    if len(study.trials) != trials:
        raise RuntimeError(f"optuna ran {len(study.trials)} trials instead of {trials}")
    return elapsed


def run_optuna(ev: NB201Evaluator, trials: int, storage: str | None) -> float:
    space = ev.natural_space()
    choices = space.choices()

    def objective(trial: optuna.Trial) -> float:
        values = {name: trial.suggest_categorical(name, list(options)) for name, options in choices.items()}
        return ev.evaluate(Architecture.of(space.space_name, values))["val_acc"]

    return time_optuna(objective, trials, storage)


ACTIVATIONS = ["relu", "gelu", "silu"]
WIDTHS = [16, 32, 64, 128]


def quick(arch: Decisions) -> float:
    """The objective of the ``function`` kind: returns at once (the loop is what is measured)."""
    return float(arch["depth"]) * 0.1 + float(arch["lr"])


def run_function_nasforge(trials: int) -> float:
    space = Space({"depth": Int(1, 6), "width": WIDTHS, "act": ACTIVATIONS, "lr": Float(1e-4, 1e-1, log=True)})
    with create_study(space=space, objectives="score:max", strategy=RandomSearch(deduplicate=False, seed=0),
                      allow_duplicates=True) as study:
        start = time.perf_counter()
        study.optimize(quick, n_trials=trials)
        elapsed = time.perf_counter() - start
        if len(study.trials) != trials or study.n_counted != trials:
            raise RuntimeError(f"nasforge ran {len(study.trials)} trials instead of {trials} ({study.stop_reason})")
    return elapsed


def run_function_optuna(trials: int) -> float:
    def objective(trial: optuna.Trial) -> float:
        depth = trial.suggest_int("depth", 1, 6)
        trial.suggest_categorical("width", WIDTHS)
        trial.suggest_categorical("act", ACTIVATIONS)
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        return depth * 0.1 + lr

    return time_optuna(objective, trials, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--nb201-path", default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--kinds", default="memory,sqlite", help="storages to compare, comma-separated")
    args = parser.parse_args()
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip() in ("memory", "sqlite", "function")]
    ev = NB201Evaluator(nb201_path=args.nb201_path) if set(kinds) - {"function"} else None
    results: dict[str, Any] = {"trials": args.trials, "repeats": args.repeats, "optuna": optuna.__version__}
    for kind in kinds:
        times: dict[str, list[float]] = {"nasforge": [], "optuna": []}
        for repeat in range(args.repeats):
            with tempfile.TemporaryDirectory() as tmp:
                ours = f"sqlite:///{tmp}/nasforge.db" if kind == "sqlite" else None
                theirs = f"sqlite:///{tmp}/optuna.db" if kind == "sqlite" else None
                order = [("nasforge", run_nasforge, ours), ("optuna", run_optuna, theirs)]
                for name, run, url in order if repeat % 2 == 0 else order[::-1]:
                    if kind == "function":
                        times[name].append((run_function_nasforge if name == "nasforge" else run_function_optuna)(
                            args.trials))
                    else:
                        assert ev is not None
                        times[name].append(run(ev, args.trials, url))
        med = {name: statistics.median(values) for name, values in times.items()}
        row = {name: {"seconds": [round(v, 3) for v in times[name]], "median_s": round(med[name], 3),
                      "trials_per_s": round(args.trials / med[name], 1),
                      "overhead_ms_per_trial": round(1000 * med[name] / args.trials, 4)} for name in times}
        row["speedup"] = round(med["optuna"] / med["nasforge"], 2)
        results[kind] = row
        print(f"{kind:7s} nasforge {row['nasforge']['trials_per_s']:>9} trials/s "
              f"({row['nasforge']['overhead_ms_per_trial']} ms/trial) | optuna {row['optuna']['trials_per_s']:>9} "
              f"trials/s ({row['optuna']['overhead_ms_per_trial']} ms/trial) | speed-up x{row['speedup']}",
              flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
