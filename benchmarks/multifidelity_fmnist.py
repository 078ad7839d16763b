"""Multi-fidelity against full-budget regularized evolution, with real training (issue 4).

The full-budget run is an ordinary study (see docs/benchmarks.md for its command). This script runs a
multi-fidelity strategy with the same evaluator (its epochs as the largest budget) until it has spent
``--fraction`` of the full-budget run's total training epochs, then writes best-so-far curves against
cumulative epochs (JSON and a PNG plot):

    python benchmarks/multifidelity_fmnist.py --storage sqlite:///out/mf/mf.db --reference rea-full \
        --strategy hyperband --fraction 0.3333 --out out/mf
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from nasforge import load_study
from nasforge.storages import get_storage
from nasforge.strategies import create_strategy
from nasforge.study import Budget, FrozenTrial, Study, create_study, primary_score
from nasforge.study._pruners import create_pruner


def _epochs(trial: FrozenTrial) -> float:
    """Epochs a finished trial trained: its metric, or for a pruned trial the last epoch it reported."""
    if "epochs" in trial.metrics:
        return float(trial.metrics["epochs"])
    return float(max(trial.intermediate)) if trial.intermediate else 0.0


def curve(study: Study, full_budget: float) -> list[dict[str, float]]:
    """After each finished trial: cumulative epochs, and the best full-budget trial so far (by the objective)
    with its test metric."""
    report = (study.evaluator.report_metric() if study.evaluator else None) or study.objectives[0].name
    rows = []
    spent = 0.0
    best: tuple[float, FrozenTrial] | None = None
    for trial in study.trials:
        if not trial.state.is_finished():
            continue
        spent += _epochs(trial)
        score = primary_score(study.objectives, trial)
        at_full = (trial.budget is None or trial.budget >= full_budget) and _epochs(trial) >= full_budget
        if score is not None and at_full and (best is None or score > best[0]):
            best = (score, trial)
        if best is not None:
            rows.append({"epochs": spent, "trial": trial.number, "best_objective": best[1].metrics[
                study.objectives[0].name], "best_report": best[1].metrics.get(report, float("nan"))})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--storage", required=True)
    parser.add_argument("--reference", required=True, help="the full-budget study")
    parser.add_argument("--strategy", default="hyperband")
    parser.add_argument("--eta", type=float, default=3.0)
    parser.add_argument("--min-budget", type=float, default=1.0)
    parser.add_argument("--fraction", type=float, default=1 / 3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pruner", default=None, help="instead of a multi-fidelity strategy: a full-budget "
                        "strategy (e.g. evolution) whose trials this pruner stops early (e.g. successive_halving)")
    parser.add_argument("--reference-epochs", type=float, default=None,
                        help="total epochs of the full-budget run (default: what it has spent so far)")
    parser.add_argument("--tag", default="", help="appended to the study name (to rerun a setting)")
    parser.add_argument("--out", default="out/mf")
    args = parser.parse_args()
    storage = get_storage(args.storage)
    reference = load_study(name=args.reference, storage=storage)
    assert reference.evaluator is not None
    full = float(reference.evaluator.get_params()["epochs"])
    total = args.reference_epochs or sum(float(t.metrics.get("epochs", 0.0)) for t in reference.trials
                                         if t.state.is_finished())
    cap = args.fraction * total
    if args.pruner:
        name = f"{args.strategy}-{args.pruner}-{args.seed}"
        strategy = create_strategy(args.strategy, seed=args.seed)
        params = {"min_step": int(args.min_budget), "eta": int(args.eta)} if args.pruner == "successive_halving" else {}
        pruner = create_pruner({"name": args.pruner, "params": params})
    else:
        name = f"{args.strategy}-{args.seed}" + (f"-min{args.min_budget:g}" if args.min_budget != 1 else "")
        strategy = create_strategy(args.strategy, min_budget=args.min_budget, max_budget=full, eta=args.eta,
                                   seed=args.seed)
        pruner = None
    name += f"-{args.tag}" if args.tag else ""
    study = create_study(evaluator=reference.evaluator, strategy=strategy, storage=storage, name=name,
                         objectives=[str(o) for o in reference.objectives], load_if_exists=True, pruner=pruner)
    spent = sum(_epochs(t) for t in study.trials if t.state.is_finished())

    def stop_at_cap(s: Study, trial: FrozenTrial) -> None:
        nonlocal spent
        spent += _epochs(trial)
        print(f"trial {trial.number} budget {trial.budget} {trial.state.value} "
              f"{s.objectives[0].name}={trial.metrics.get(s.objectives[0].name)} epochs so far {spent:g}/{cap:g}",
              flush=True)
        if spent >= cap:
            s.stop()

    if spent < cap:
        study.optimize(Budget(n_trials=100_000), callbacks=[stop_at_cap])
    result = {"reference": {"study": args.reference, "total_epochs": total, "curve": curve(reference, full)},
              "multi_fidelity": {"study": name, "cap_epochs": cap, "curve": curve(study, full)}}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(result, indent=1))
    plot(result, out / f"{name}.png", args.strategy)
    ref_final = result["reference"]["curve"][-1]
    hits = [r for r in result["multi_fidelity"]["curve"] if r["best_objective"] >= ref_final["best_objective"]]
    print(json.dumps({"reference_final": ref_final, "reference_epochs": total,
                      "first_match": hits[0] if hits else None,
                      "multi_fidelity_final": (result["multi_fidelity"]["curve"] or [None])[-1]}, indent=1))


def plot(result: dict, path: Path, label: str) -> None:  # type: ignore[type-arg]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for key, name in (("reference", "regularized evolution, full budget"), ("multi_fidelity", label)):
        rows = result[key]["curve"]
        ax.step([r["epochs"] for r in rows], [100 * r["best_objective"] for r in rows], where="post", label=name)
    ax.set_xlabel("cumulative training epochs")
    ax.set_ylabel("best validation accuracy at the full budget (%)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
