"""Multi-objective search on NAS-Bench-201 (issue 4): CIFAR-10 validation accuracy against one device's latency.

For each strategy and device, 30 seeds x 200 queries; the hypervolume of what a run found divided by the
hypervolume of the table's true Pareto front, both against the same reference point (the worst accuracy and
the worst latency in the table).

    python benchmarks/multiobjective_nb201.py --nb201-path ../shared/benchmarks/nb201 --json out/mo.json
"""

from __future__ import annotations

import argparse
import json
import time

from nasforge.benchmarks import run_multiobjective
from nasforge.evaluators import NB201Evaluator


def _param(text: str) -> tuple[str, float | int]:
    """``KEY=VALUE`` with a numeric value (every NSGA-II parameter is a number)."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise SystemExit(f"The '--param' option must be KEY=VALUE. Got {text!r} instead.")
    try:
        return key, int(value)
    except ValueError:
        try:
            return key, float(value)
        except ValueError:
            raise SystemExit(f"The '--param' option needs a number after '='. Got {text!r} instead.") from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nb201-path", default=None)
    parser.add_argument("--devices", default="pixel3,raspi4,1080ti_1,gold_6226")
    parser.add_argument("--strategies", default="nsga2,random")
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--checkpoints", default="50,100,200")
    parser.add_argument("--json", default=None)
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="parameter (number) of every strategy run, for example population_size=20; repeatable")
    args = parser.parse_args()
    checkpoints = [int(c) for c in args.checkpoints.split(",")]
    params = dict(_param(text) for text in args.param)
    objectives = ["val_acc:max", "latency_ms:min"]
    rows = []
    print("| device | strategy | " + " | ".join(f"HV ratio @{q}" for q in checkpoints)
          + " | min @200 | true front size |")
    print("|---|---|" + "---|" * len(checkpoints) + "---|---|")
    for device in args.devices.split(","):
        ev = NB201Evaluator(nb201_path=args.nb201_path, dataset="cifar10", latency_device=device)
        for name in args.strategies.split(","):
            started = time.perf_counter()
            result = run_multiobjective(ev, name, params, list(range(args.seeds)), checkpoints, objectives)
            means = result.ratios.mean(axis=0)
            stds = result.ratios.std(axis=0)
            cells = " | ".join(f"{100 * m:.2f} +- {100 * s:.2f} %" for m, s in zip(means, stds, strict=True))
            print(f"| {device} | {name} | {cells} | {100 * result.ratios[:, -1].min():.2f} % | {result.front_size} |",
                  flush=True)
            rows.append({"device": device, "strategy": name, "params": params, "seeds": args.seeds,
                         "checkpoints": checkpoints,
                         "mean_ratio": means.tolist(), "std_ratio": stds.tolist(),
                         "true_hypervolume": result.true_hypervolume, "reference": result.reference,
                         "front_size": result.front_size, "seconds": time.perf_counter() - started})
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"objectives": objectives, "rows": rows}, handle, indent=1)


if __name__ == "__main__":
    main()
