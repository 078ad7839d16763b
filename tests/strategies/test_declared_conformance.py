"""Every registered strategy on declared spaces (conditions, a Repeat, a Float): valid, new, seeded proposals, or a
one-line refusal from create_study when the strategy cannot search the space."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from nasforge import Choice, Float, Int, Repeat, Space
from nasforge.exceptions import ValidationError
from nasforge.spaces import Architecture
from nasforge.strategies import create_strategy, get_strategy_class, list_strategies, strategy_capabilities
from nasforge.study import Study, create_study
from tests.strategies.test_conformance import assert_proposes_the_left_out


def finite() -> Space:
    """39 members: a condition on a Choice, and a Repeat (0 to 2 blocks) whose blocks hold a condition."""
    return Space({"opt": ["sgd", "adam"], "momentum": Choice([0.0, 0.9], when={"opt": ["sgd"]}),
                  "blocks": Repeat([0, 1, 2], {"w": [1, 2], "k": Choice([3, 5], when={"w": [2]})})})


def mixed() -> Space:
    """Infinite: a log-scale Float, a wide Int, a condition and a Repeat of numeric decisions."""
    return Space({"depth": Int(1, 6), "act": ["relu", "gelu", "silu"], "lr": Float(1e-4, 1e-1, log=True),
                  "dropout": Choice([0.0, 0.1, 0.3], when={"depth": [4, 5, 6]}),
                  "layers": Repeat(Int(1, 3), {"units": Int(8, 256, step=8), "p": Float(0.0, 0.5)})})


def floats() -> Space:
    """Only numbers: two Floats (one log-scale) and an Int."""
    return Space({"x": Float(-2.0, 2.0), "lr": Float(1e-5, 1.0, log=True), "n": Int(1, 64)})


SPACES: dict[str, Callable[[], Space]] = {"finite": finite, "mixed": mixed, "floats": floats}


def score(space: Space, arch: Architecture) -> float:
    """A fixed linear function of the architecture's code: a known, seed-free objective for every declared space."""
    code = space.encode(arch)
    return float(np.random.default_rng(0).normal(size=code.shape) @ code)


def refusal(name: str, space: Space) -> str | None:
    """What create_study must say when the strategy cannot search the space (None: it can)."""
    needs = strategy_capabilities(name)
    if needs.needs_finite and space.size is None:
        return "needs a finite space"
    if needs.needs_categorical and not space.is_categorical():
        return "needs a space of categorical decisions"
    return None


def run(space_name: str, strategy: str, seed: int, n: int) -> Study:
    space = SPACES[space_name]()
    study = create_study(space=space, strategy=create_strategy(strategy, seed=seed), objectives="score:max")
    for _ in range(n):
        trial = study.ask()
        study.tell(trial, {"score": score(space, trial.arch)})
    return study


@pytest.fixture(params=list_strategies())
def name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.parametrize("space_name", sorted(SPACES))
def test_proposals_are_members_never_repeated_and_seeded(name: str, space_name: str) -> None:
    expected = refusal(name, SPACES[space_name]())
    if expected is not None:
        with pytest.raises(ValidationError) as info:
            run(space_name, name, seed=0, n=1)
        message = str(info.value)
        assert (expected in message and "\n" not in message and "Use one of" in message) or "has an infinite" in message
        return
    study = run(space_name, name, seed=0, n=16)
    trials = study.trials
    assert len(trials) == 16
    for trial in trials:
        study.space.validate(trial.arch)
    assert len({(t.arch_key, t.budget) for t in trials}) == 16
    again = [t.arch for t in run(space_name, name, seed=0, n=8).trials]
    assert again == [t.arch for t in trials[:8]]
    if name != "grid":
        assert again != [t.arch for t in run(space_name, name, seed=1, n=8).trials]


def test_a_finite_declared_space_is_covered_without_repeats(name: str) -> None:
    """39 trials on the 39 members: every strategy that never proposes an evaluated architecture again covers the
    conditional space and finds its optimum."""
    study = run("finite", name, seed=2, n=39)
    trials = study.trials
    assert len({(t.arch_key, t.budget) for t in trials}) == 39
    if not get_strategy_class(name).multi_fidelity:
        assert len({t.arch_key for t in trials}) == 39
        space = study.space
        assert isinstance(space, Space)
        best = max(score(space, arch) for arch in space.enumerate())
        assert study.best_trial is not None and study.best_trial.metrics["score"] == pytest.approx(best)


@pytest.mark.parametrize("strategy", ["bo", "bananas", "local_search", "evolution", "random", "bo_local_search",
                                      "genetic"])
def test_model_and_local_strategies_improve_on_a_float_space(strategy: str) -> None:
    """On the numbers-only space the linear objective's optimum lies at a corner; 40 trials of each of these
    strategies beat the median of random draws by a clear margin."""
    space = floats()
    rng = np.random.default_rng(5)
    draws = sorted(score(space, space.sample(rng)) for _ in range(400))
    study = run("floats", strategy, seed=3, n=40)
    assert study.best_trial is not None
    assert study.best_trial.metrics["score"] > draws[int(0.9 * len(draws))]


def test_state_rebuilt_from_foreign_trials_of_a_declared_space(name: str) -> None:
    """Told every member of the conditional space but one (evaluated by grid search), the strategy proposes it."""
    assert_proposes_the_left_out(run("finite", "grid", seed=0, n=39), name, (0, 20, 38))
