"""Search networks for a CSV with text categories, missing cells and unscaled numbers; then predict raw rows.

    python examples/csv/make_data.py customers.csv
    python examples/csv/search.py customers.csv --n-trials 10

The built-in trainer preprocesses the table with scikit-learn (numbers: median imputation and standardisation;
text: most-frequent imputation and one-hot encoding), fitted on the training split only. The fitted
preprocessing is plain JSON (``evaluator.preprocessing()``), and ``apply_preprocessing`` turns raw rows, as
dicts of text, into the network's inputs: what an exported ``model.py`` does in ``predict``.
The same search from the command line:

    nasforge search --data csv --data-path customers.csv --target churn --space mlp --n-trials 10
"""

from __future__ import annotations

import argparse
import csv
from typing import Any

import torch

import nasforge
from nasforge.data import apply_preprocessing
from nasforge.evaluators import TrainingEvaluator


def search(path: str, n_trials: int = 10, epochs: int = 10, storage: str | None = None) -> dict[str, Any]:
    """Search ``n_trials`` MLPs on the CSV at ``path`` (target ``churn``), retrain the best on train +
    validation, and predict the file's first rows from their raw text."""
    evaluator = TrainingEvaluator(data="csv", data_params={"path": path, "target": "churn"}, space="mlp",
                                  epochs=epochs, lr=0.01, measure_latency=False, threads=1, seed=0)
    study = nasforge.create_study(evaluator=evaluator, strategy="random", storage=storage,
                                  budget=nasforge.Budget(n_trials=n_trials))
    study.optimize()
    best = study.best_trial
    assert best is not None
    model, final = evaluator.final_model(best.arch)
    spec = evaluator.preprocessing()  # fitted on train + validation, the rows the final model learnt from
    assert spec is not None
    with open(path, newline="") as handle:
        rows = [row for _, row in zip(range(5), csv.DictReader(handle), strict=False)]
    raw = [{k: v for k, v in row.items() if k != "churn"} for row in rows]
    with torch.no_grad():
        labels = model(torch.from_numpy(apply_preprocessing(spec, raw))).argmax(1).tolist()
    names = evaluator.dataset.class_names or []
    return {"val_accuracy": best.metrics["val_accuracy"], "test_accuracy": final["test_accuracy"],
            "features": evaluator.dataset.feature_names, "predicted": [names[i] for i in labels],
            "actual": [row["churn"] for row in rows]}


if __name__ == "__main__":  # worker processes import this file: the search runs only when it is the script
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="a CSV with a 'churn' column (examples/csv/make_data.py writes one)")
    parser.add_argument("--n-trials", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    result = search(args.path, args.n_trials, args.epochs)
    print(f"best val_accuracy {result['val_accuracy']:.3f}, retrained test_accuracy {result['test_accuracy']:.3f}")
    print(f"features {result['features']}: first rows predicted {result['predicted']}, actual {result['actual']}")
