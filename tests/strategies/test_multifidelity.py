"""Successive halving, Hyperband, ASHA and BOHB: budgets, promotions, real training, storage."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from nasforge.evaluators import TrainingEvaluator
from nasforge.exceptions import ValidationError
from nasforge.spaces import CellSpace
from nasforge.storages import SQLStorage
from nasforge.strategies import ASHA, BOHB, Hyperband, Strategy, SuccessiveHalving, create_strategy
from nasforge.strategies._fidelity import ladder
from nasforge.study import Budget, create_study, load_study
from nasforge.trial import FrozenTrial, TrialState


def _drive(strategy: Strategy, n: int, score_noise: float = 0.0) -> list[FrozenTrial]:
    """Ask/tell ``n`` times; the score is the number of 3x3 convs, so the ranking is known."""
    space = CellSpace()
    strategy.bind(space, lambda t: t.metrics.get("s"))
    rng = np.random.default_rng(0)
    trials = []
    for number in range(n):
        arch, budget = strategy.propose()
        score = sum(v == "nor_conv_3x3" for v in arch.values()) + score_noise * float(rng.random())
        trial = FrozenTrial(number=number, trial_id=number, arch=arch, arch_key=space.key(arch),
                            state=TrialState.COMPLETE, metrics={"s": score}, budget=budget)
        strategy.tell(trial)
        trials.append(trial)
    return trials


def test_ladder() -> None:
    assert ladder(1, 27, 3) == [1.0, 3.0, 9.0, 27.0]
    assert ladder(1, 10, 3) == pytest.approx([10 / 9, 10 / 3, 10.0])
    assert ladder(5, 5, 2) == [5.0]


def test_successive_halving_bracket_shape() -> None:
    trials = _drive(SuccessiveHalving(min_budget=1, max_budget=9, seed=0), 13, score_noise=0.1)
    assert [t.budget for t in trials] == [1.0] * 9 + [3.0] * 3 + [9.0]
    rung0 = sorted(trials[:9], key=lambda t: -t.metrics["s"])
    assert {t.arch_key for t in trials[9:12]} == {t.arch_key for t in rung0[:3]}  # the best third goes up
    best3 = max(trials[9:12], key=lambda t: t.metrics["s"])
    assert trials[12].arch_key == best3.arch_key


def test_hyperband_cycles_through_its_brackets() -> None:
    trials = _drive(Hyperband(min_budget=1, max_budget=9, seed=0), 13 + 6 + 3)
    budgets = [t.budget for t in trials]
    assert budgets[:13] == [1.0] * 9 + [3.0] * 3 + [9.0]  # s = 2
    assert budgets[13:19] == [3.0] * 5 + [9.0]  # s = 1: ceil(3/2 * 3) = 5 at 3 epochs, one promoted
    assert budgets[19:] == [9.0] * 3  # s = 0: 3 at the full budget


def test_hyperband_does_not_wait_for_stragglers() -> None:
    strategy = Hyperband(min_budget=1, max_budget=9, seed=0)
    strategy.bind(CellSpace(), lambda t: t.metrics.get("s"))
    asked = [strategy.propose() for _ in range(12)]  # no results at all: bracket 1 waits, bracket 2 starts
    assert [b for _, b in asked] == [1.0] * 9 + [3.0] * 3


def test_asha_promotes_the_top_third_without_waiting() -> None:
    trials = _drive(ASHA(min_budget=1, max_budget=9, seed=0), 40, score_noise=0.1)
    budgets = [t.budget for t in trials]
    assert budgets[:3] == [1.0, 1.0, 1.0] and budgets[3] == 3.0  # after 3 results one is promoted
    assert budgets.count(9.0) >= 1
    for t in trials:
        if t.budget == 3.0:  # each promoted architecture was in the top third of rung 0 when promoted
            lower = [u for u in trials[:t.number] if u.budget == 1.0]
            rank = sorted(lower, key=lambda u: -u.metrics["s"]).index(
                next(u for u in lower if u.arch_key == t.arch_key))
            assert rank < len(lower) // 3


def test_bohb_model_prefers_good_decisions() -> None:
    bohb = _drive(BOHB(min_budget=1, max_budget=9, random_fraction=0.0, seed=0), 120)
    plain = _drive(Hyperband(min_budget=1, max_budget=9, seed=0), 120)
    def late_mean(trials: list[FrozenTrial]) -> float:
        return float(np.mean([t.metrics["s"] for t in trials[60:] if t.budget == 1.0]))
    assert late_mean(bohb) > late_mean(plain) + 0.5


def test_budget_validation() -> None:
    with pytest.raises(ValidationError, match="'max_budget' parameter of Hyperband must be >= min_budget"):
        Hyperband(min_budget=9, max_budget=3)
    with pytest.raises(ValidationError, match="'eta' parameter of ASHA"):
        ASHA(eta=1)
    with pytest.raises(ValidationError, match="'random_fraction' parameter of BOHB"):
        BOHB(random_fraction=2)


def test_real_training_uses_the_budget_as_epochs_and_resumes(tmp_path: Path) -> None:
    ev = TrainingEvaluator(data="digits", space="mlp", epochs=4, train_subset=300, measure_latency=False,
                           threads=1, lr=0.01)
    url = f"sqlite:///{tmp_path / 'mf.db'}"
    study = create_study(evaluator=ev, strategy=create_strategy("hyperband", min_budget=1, max_budget=4, eta=2,
                                                                seed=0),
                         storage=url, name="mf", budget=Budget(n_trials=6))
    study.optimize(Budget(n_trials=4))
    resumed = load_study(name="mf", storage=url, take_over=True)
    resumed.optimize()
    trials = resumed.trials
    assert [t.budget for t in trials] == [1.0, 1.0, 1.0, 1.0, 2.0, 2.0]
    assert all(t.metrics["epochs"] == t.budget for t in trials)
    best = resumed.best_trial
    assert best is not None and best.budget == 2.0  # only the largest budget counts as a final result


def test_a_version_1_database_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    SQLStorage(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:  # make it look like a database written before trials had a budget
        for column in ("budget", "owner", "heartbeat_at"):
            conn.execute(f"ALTER TABLE nasforge_trials DROP COLUMN {column}")
        conn.execute("DROP INDEX ix_trials_study_key")
        conn.execute("UPDATE nasforge_meta SET value = '1' WHERE key = 'schema_version'")
        conn.execute("INSERT INTO nasforge_studies (name, created_at, spec) VALUES ('s', '2026-01-01', '{}')")
        conn.execute("INSERT INTO nasforge_trials (study_id, number, state, arch, arch_key, metrics, intermediate) "
                     "VALUES (1, 0, 'COMPLETE', '{\"space\":\"x\",\"decisions\":{\"a\":1}}', 'k', '{\"v\": 1.0}', "
                     "'{}')")
    storage = SQLStorage(f"sqlite:///{path}")
    (trial,) = storage.get_trials(1)
    assert trial.metrics == {"v": 1.0} and trial.budget is None
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM nasforge_meta WHERE key = 'schema_version'").fetchone() == ("3",)
