"""Bayesian optimisation: surrogates, acquisition functions, batch proposals, guided local search."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

from nasforge.benchmarks import run_strategy
from nasforge.evaluators import NB201Evaluator
from nasforge.exceptions import ValidationError
from nasforge.spaces import CellSpace, Float, Space
from nasforge.strategies import Bananas, BayesianOptimization, BOLocalSearch, create_strategy
from nasforge.strategies._acquisition import acquire, expected_improvement
from nasforge.strategies._model import has_numbers
from nasforge.strategies._surrogates import EnsembleSurrogate, GPSurrogate
from nasforge.trial import FrozenTrial


def _smooth_problem(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random NB201 cells, one-hot encoded, scored by how many edges carry a 3x3 conv (plus a little noise)."""
    space = CellSpace()
    rng = np.random.default_rng(seed)
    archs = [space.sample(rng) for _ in range(n)]
    x = np.stack([space.encode(a) for a in archs])
    y = np.array([sum(v == "nor_conv_3x3" for v in a.values()) for a in archs], dtype=float)
    return x, y + 0.05 * rng.standard_normal(n)


@pytest.mark.parametrize("surrogate", [GPSurrogate(), EnsembleSurrogate(seed=0)])
def test_surrogates_rank_unseen_architectures(surrogate: GPSurrogate | EnsembleSurrogate) -> None:
    x, y = _smooth_problem(160, seed=0)
    surrogate.fit(x[:80], y[:80], refresh=True)
    mean, std = surrogate.predict(x[80:])
    assert spearmanr(mean, y[80:]).statistic > 0.8
    assert std.shape == (80,) and np.all(std >= 0)


def test_gp_is_more_certain_where_it_has_data() -> None:
    x, y = _smooth_problem(60, seed=1)
    gp = GPSurrogate()
    gp.fit(x[:40], y[:40], refresh=True)
    _, seen = gp.predict(x[:40])
    _, unseen = gp.predict(x[40:])
    assert seen.mean() < unseen.mean()


def test_expected_improvement_matches_monte_carlo() -> None:
    rng = np.random.default_rng(0)
    mean, std = np.array([0.0, 1.0, -1.0]), np.array([1.0, 0.5, 2.0])
    draws = mean + std * rng.standard_normal((400_000, 3))
    monte_carlo = np.maximum(draws - 0.5, 0).mean(axis=0)
    np.testing.assert_allclose(expected_improvement(mean, std, best=0.5), monte_carlo, atol=5e-3)


def test_acquisitions_prefer_what_they_should() -> None:
    rng = np.random.default_rng(0)
    mean, std = np.array([1.0, 0.9]), np.array([0.01, 1.0])
    assert np.argmax(acquire("mean", mean, std, best=1.0, beta=2.0, rng=rng)) == 0
    assert np.argmax(acquire("ucb", mean, std, best=1.0, beta=2.0, rng=rng)) == 1  # uncertainty pays
    assert np.argmax(acquire("ei", mean, std, best=1.0, beta=2.0, rng=rng)) == 1
    a = acquire("ts", mean, std, best=1.0, beta=2.0, rng=np.random.default_rng(3))
    b = acquire("ts", mean, std, best=1.0, beta=2.0, rng=np.random.default_rng(3))
    assert np.array_equal(a, b)


def _told(strategy: BayesianOptimization, space: CellSpace, n: int) -> list[FrozenTrial]:
    from nasforge.trial import TrialState
    trials = []
    for number in range(n):
        arch = strategy.ask()
        score = float(sum(v == "nor_conv_3x3" for v in arch.values()))
        trial = FrozenTrial(number=number, trial_id=number, arch=arch, arch_key=space.key(arch),
                            state=TrialState.COMPLETE, metrics={"s": score})
        strategy.tell(trial)
        trials.append(trial)
    return trials


def test_batch_proposals_are_distinct_and_valid() -> None:
    space = CellSpace()
    strategy = BayesianOptimization(n_init=5, seed=0)
    strategy.bind(space, lambda t: t.metrics.get("s"))
    told = _told(strategy, space, 12)
    batch = [strategy.ask() for _ in range(8)]  # eight workers ask before any result comes back
    keys = {space.key(a) for a in batch} | {t.arch_key for t in told}
    assert len(keys) == 20
    for arch in batch:
        space.validate(arch)


def test_bo_climbs_a_smooth_objective() -> None:
    space = CellSpace()
    strategy = BayesianOptimization(n_init=5, seed=0)
    strategy.bind(space, lambda t: t.metrics.get("s"))
    trials = _told(strategy, space, 30)
    assert max(t.metrics["s"] for t in trials[5:]) == 6.0  # every edge a 3x3 conv, found within 25 proposals


@pytest.mark.parametrize("name", ["bo", "bananas", "bo_local_search"])
def test_model_based_strategies_beat_random_search_on_nb201(nb201_path: str, name: str) -> None:
    ev = NB201Evaluator(nb201_path=nb201_path, dataset="cifar10")
    seeds = list(range(6))
    model = run_strategy(ev, name, {}, seeds, 60)
    plain = run_strategy(ev, "random", {}, seeds, 60)
    assert model.at(60)[0] > plain.at(60)[0] + 0.2


def test_bad_parameters_name_themselves() -> None:
    with pytest.raises(ValidationError, match="'surrogate' parameter of BayesianOptimization"):
        BayesianOptimization(surrogate="forest")
    with pytest.raises(ValidationError, match="'acquisition' parameter of Bananas"):
        Bananas(acquisition="pi")
    strategy = create_strategy("bo", encoding="adjacency")
    with pytest.raises(ValidationError, match="'encoding' parameter of BayesianOptimization must be one of"):
        strategy.bind(CellSpace(), lambda t: None)
    with pytest.raises(ValidationError, match="surrogate"):
        BOLocalSearch(surrogate="forest")


def test_gp_gives_numeric_decisions_their_own_length_scale() -> None:
    # a learning-rate-like number decides the score; three categories do not. With one shared scale, a changed
    # category (distance sqrt 2) outweighs the number's whole range; with one scale per column it does not
    space = Space({"lr": Float(1e-4, 1e-1, log=True), "a": ["x", "y", "z"], "b": [1, 2, 3, 4], "c": ["p", "q"]})
    rng = np.random.default_rng(0)
    archs = [space.sample(rng) for _ in range(60)]
    x = np.stack([space.encode(a) for a in archs])
    y = -(x[:, 0] - 0.7) ** 2
    ard, shared = GPSurrogate(ard=True), GPSurrogate()
    for gp in (ard, shared):
        gp.fit(x[:25], y[:25], refresh=True)
    rho = {gp: spearmanr(gp.predict(x[25:])[0], y[25:]).statistic for gp in (ard, shared)}
    assert rho[ard] > 0.9 and rho[ard] > rho[shared]
    assert has_numbers(space) and not has_numbers(CellSpace())
