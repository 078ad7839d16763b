"""Worker processes: every budgeted trial finishes once, failures keep their reason, real training works."""

from __future__ import annotations

from pathlib import Path

import pytest

from nasforge.evaluators import GenerationEvaluator, NB201Evaluator, TrainingEvaluator
from nasforge.exceptions import ValidationError
from nasforge.executors._process import default_threads
from nasforge.storages import get_storage
from nasforge.strategies import create_strategy
from nasforge.study import Budget, TrialState, create_study


def test_two_workers_finish_the_budget_once_each(tmp_path: Path, nb201_path: str) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    study = create_study(evaluator=NB201Evaluator(nb201_path=nb201_path), strategy=create_strategy("evolution", seed=0),
                         budget=Budget(n_trials=12), storage=url, name="p")
    seen = []
    study.optimize(n_workers=2, callbacks=[lambda s, t: seen.append(t.number)])
    trials = get_storage(url).get_trials(study.study_id)
    assert len(trials) == 12 and all(t.state is TrialState.COMPLETE for t in trials)
    assert sorted(seen) == list(range(12))
    assert len({t.arch_key for t in trials}) == 12  # pending proposals are never proposed twice
    assert study.best_trial is not None


def test_failures_in_workers_keep_their_reason(tmp_path: Path) -> None:
    # no generator can be this diverse: every trial fails in its worker as collapsed
    ev = GenerationEvaluator(data="digits", space="vae", epochs=1, n_samples=100, min_diversity=5.0, threads=1)
    study = create_study(evaluator=ev, strategy=create_strategy("random", seed=0), budget=Budget(n_trials=3),
                         storage=f"sqlite:///{tmp_path / 'f.db'}", name="f")
    study.optimize(n_workers=2)
    reasons = [t.fail_reason or "" for t in study.trials]
    assert [t.state for t in study.trials] == [TrialState.FAIL] * 3
    assert all(r.startswith("ModeCollapse: the generated samples are near-identical") for r in reasons), reasons


def test_real_training_in_two_workers_matches_one(tmp_path: Path) -> None:
    ev = TrainingEvaluator(data="digits", space="mlp", epochs=1, train_subset=200, measure_latency=False, threads=1)
    runs = {}
    for workers in (1, 2):
        study = create_study(evaluator=ev, strategy=create_strategy("random", seed=4), budget=Budget(n_trials=4),
                             storage=f"sqlite:///{tmp_path / f'{workers}.db'}", name="t")
        study.optimize(n_workers=workers)
        runs[workers] = {t.arch: t.metrics["val_accuracy"] for t in study.completed_trials()}
    assert runs[1] == runs[2]  # random search proposes the same architectures; training is seeded


def test_worker_threads_fit_the_cores_and_bad_counts_are_named(nb201_path: str) -> None:
    assert default_threads(1) >= default_threads(2) >= 1
    study = create_study(evaluator=NB201Evaluator(nb201_path=nb201_path), strategy="random", budget=Budget(n_trials=2))
    with pytest.raises(ValidationError, match="'n_workers' parameter of Study.optimize must be an int >= 1"):
        study.optimize(n_workers=0)
