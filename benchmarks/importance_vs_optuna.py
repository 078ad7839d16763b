"""Which decisions matter: nasforge's importance against Optuna's fANOVA, scored against the truth.

On NAS-Bench-201 the truth is known: over all 15,625 cells, the main effect of an edge is the variance of the
mean rank (``--truth value``: the mean accuracy) of the cells taking each op on it, as a share of the total
variance (fANOVA's first-order term computed exactly; Hutter et al. 2014). Each method sees only the trials of one
search (random search or regularized evolution, ``--trials`` queries, ``--seeds`` seeds) and estimates the six
edges' importance; the score is the Spearman correlation of its estimate with the truth, and whether its three
most important edges are the true three. Same trials for both methods; the time is each method's, side by side,
as a ratio.

    NASFORGE_NB201=../shared/benchmarks/nb201 python benchmarks/importance_vs_optuna.py --seeds 10 --trials 300
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
import optuna
from scipy.stats import rankdata, spearmanr

from nasforge import create_study
from nasforge.evaluators import NB201Evaluator
from nasforge.report import decision_importance
from nasforge.strategies import create_strategy
from nasforge.study import Budget, Study


def truth(evaluator: NB201Evaluator, on: str) -> dict[str, float]:
    """Exact first-order share of each decision in the variance of the rank (``on="rank"``) or of the value
    (``"value"``) over the whole table."""
    space = evaluator.natural_space()
    archs = list(space.enumerate())
    values = np.array([evaluator.evaluate(a)["val_acc"] for a in archs])
    ranks = rankdata(values) if on == "rank" else values
    shares = {}
    for name, _ in archs[0].decisions:
        values = np.array([str(dict(a.decisions)[name]) for a in archs])
        means = np.array([ranks[values == v].mean() for v in np.unique(values)])
        weights = np.array([(values == v).mean() for v in np.unique(values)])
        shares[name] = float(np.sum(weights * (means - ranks.mean()) ** 2) / ranks.var())
    return shares


def optuna_fanova(study: Study, seed: int) -> dict[str, float]:
    """Optuna's fANOVA importance of the same trials (categorical parameters)."""
    space = study.space
    choices = {name: list(map(str, values)) for name, values in space.choices().items()}  # type: ignore[attr-defined]
    distributions = {n: optuna.distributions.CategoricalDistribution(c) for n, c in choices.items()}
    target = optuna.create_study(direction="maximize")
    for t in study.completed_trials():
        target.add_trial(optuna.trial.create_trial(params={n: str(v) for n, v in t.arch.decisions},
                                                   distributions=distributions, value=t.metrics["val_acc"]))
    found = optuna.importance.get_param_importances(
        target, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=seed), normalize=True)
    return {k: float(v) for k, v in found.items()}


def score(estimate: dict[str, float], exact: dict[str, float]) -> tuple[float, bool]:
    """Spearman correlation with the truth, and whether the three most important decisions are the true three."""
    names = sorted(exact)
    rho = float(spearmanr([estimate.get(n, 0.0) for n in names], [exact[n] for n in names]).statistic)
    top = sorted(names, key=lambda n: -estimate.get(n, 0.0))[:3]
    return rho, set(top) == set(sorted(names, key=lambda n: -exact[n])[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--truth", choices=("rank", "value"), default="rank",
                        help="the truth's scale: the accuracy's rank (default) or the accuracy itself (fANOVA's own)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    evaluator = NB201Evaluator(dataset="cifar10")
    exact = truth(evaluator, args.truth)
    print("truth:", {k: round(v, 3) for k, v in sorted(exact.items(), key=lambda kv: -kv[1])})
    rows: dict[str, dict[str, list[float]]] = {}
    for strategy in ("random", "evolution"):
        for seed in range(args.seeds):  # both methods on the same trials
            study = create_study(evaluator=evaluator, strategy=create_strategy(strategy, seed=seed),
                                 budget=Budget(n_trials=args.trials), name=f"{strategy}-{seed}")
            study.optimize()
            for method in ("nasforge", "optuna fanova"):
                start = time.perf_counter()
                if method == "nasforge":
                    result = decision_importance(study, seed=seed)
                    assert result is not None
                    estimate = dict(zip(result.names, map(float, result.importance), strict=True))
                else:
                    estimate = optuna_fanova(study, seed)
                seconds = time.perf_counter() - start
                rho, top = score(estimate, exact)
                row = rows.setdefault(f"{strategy} / {method}", {"rho": [], "top": [], "s": []})
                row["rho"].append(rho)
                row["top"].append(float(top))
                row["s"].append(seconds)
    summary = {}
    for key, row in rows.items():
        summary[key] = {"median_rho": statistics.median(row["rho"]), "top_right": sum(row["top"]) / len(row["top"]),
                        "median_seconds": statistics.median(row["s"]), "rho": row["rho"]}
        print(f"{key:28s} Spearman with truth: median {summary[key]['median_rho']:.2f}  top 3 right in "
              f"{100 * summary[key]['top_right']:.0f} %  median {summary[key]['median_seconds']:.2f} s", flush=True)
    for strategy in ("random", "evolution"):
        ratios = [o / n for o, n in zip(rows[f"{strategy} / optuna fanova"]["s"], rows[f"{strategy} / nasforge"]["s"],
                                        strict=True)]
        print(f"{strategy}: Optuna's time / nasforge's, median over seeds {statistics.median(ratios):.1f}")
    if args.json:
        args.json.write_text(json.dumps({"truth": exact, "truth_on": args.truth, "trials": args.trials,
                                         "seeds": args.seeds,
                                         "results": summary}, indent=1))


if __name__ == "__main__":
    main()
