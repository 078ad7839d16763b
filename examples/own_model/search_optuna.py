"""The same search with Optuna: TPE, 2 worker processes sharing one SQLite study.

    python search_optuna.py
"""

import multiprocessing

import optuna
from digits_mlp import build_mlp, train_and_score


def objective(trial):
    depth = trial.suggest_int("depth", 1, 4)
    width = trial.suggest_categorical("width", [16, 32, 64, 128])
    act = trial.suggest_categorical("act", ["relu", "tanh", "gelu"])
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    return train_and_score(build_mlp(depth, width, act), lr=lr)


def work(storage, seed, n_trials):
    study = optuna.load_study(study_name="digits", storage=storage, sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, callbacks=[optuna.study.MaxTrialsCallback(n_trials, states=None)])


def main(seed=0, n_trials=30, storage="sqlite:///optuna-digits.db"):
    optuna.create_study(study_name="digits", storage=storage, direction="maximize")
    workers = [multiprocessing.Process(target=work, args=(storage, 2 * seed + i, n_trials)) for i in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return optuna.load_study(study_name="digits", storage=storage).best_value


if __name__ == "__main__":
    print(main())
