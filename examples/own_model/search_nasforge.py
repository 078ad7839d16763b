"""Search depth, width, activation and learning rate of your own MLP with nasforge: 2 worker processes, SQLite.

    python search_nasforge.py
"""

from digits_mlp import build_mlp, train_and_score

import nasforge


def objective(arch):
    return train_and_score(build_mlp(arch["depth"], arch["width"], arch["act"]), lr=arch["lr"])


def main(seed=0, n_trials=30, storage="sqlite:///nasforge-digits.db", strategy="local_search"):
    space = nasforge.Space({"depth": nasforge.Int(1, 4), "width": [16, 32, 64, 128], "act": ["relu", "tanh", "gelu"],
                            "lr": nasforge.Float(1e-4, 1e-1, log=True)})
    study = nasforge.create_study(space=space, objectives="val_acc:max", storage=storage,
                                  strategy=nasforge.create_strategy(strategy, seed=seed))
    study.optimize(objective, n_trials=n_trials, n_workers=2)
    return study.best_trial.metrics["val_acc"]


if __name__ == "__main__":
    print(main())
