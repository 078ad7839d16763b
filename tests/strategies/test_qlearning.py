"""The Q-learning agent: edit actions, cost penalty, learning."""

from __future__ import annotations

import numpy as np
import pytest

from nasforge.benchmarks import run_strategy
from nasforge.evaluators import NB201Evaluator
from nasforge.exceptions import ValidationError
from nasforge.spaces import ChainSpace
from nasforge.storages import InMemoryStorage
from nasforge.strategies import QLearning
from nasforge.study import Budget, create_study
from nasforge.trial import FrozenTrial, TrialState


def test_actions_are_single_edits_of_the_current_architecture_on_the_chain_space() -> None:
    space = ChainSpace()
    agent = QLearning(episode_length=5, seed=0)
    agent.bind(space, lambda t: t.metrics.get("s"))
    previous = None
    depth_changes = 0
    for number in range(40):
        arch = agent.ask()
        space.validate(arch)
        if previous is not None and agent._steps > 0:
            assert arch in space.neighbors(previous)  # one added / removed / modified layer or setting
            depth_changes += dict(arch.decisions)["depth"] != dict(previous.decisions)["depth"]
        previous = arch
        agent.tell(FrozenTrial(number=number, trial_id=number, arch=arch, arch_key=space.key(arch),
                               state=TrialState.COMPLETE, metrics={"s": float(dict(arch.decisions)["depth"])}))
    assert depth_changes > 0


def _mean_params(nb201_path: str, weight: float) -> float:
    ev = NB201Evaluator(nb201_path=nb201_path, dataset="cifar10")
    values = []
    for seed in range(3):
        study = create_study(evaluator=ev, strategy=QLearning(cost_metric="params_mb", cost_weight=weight, seed=seed),
                             storage=InMemoryStorage(), budget=Budget(n_trials=120))
        study.optimize()
        values.extend(t.metrics["params_mb"] for t in study.trials[60:])
    return float(np.mean(values))


def test_cost_penalty_steers_towards_smaller_networks(nb201_path: str) -> None:
    assert _mean_params(nb201_path, 20.0) < 0.8 * _mean_params(nb201_path, 0.0)


def test_qlearning_beats_random_search_on_nb201(nb201_path: str) -> None:
    ev = NB201Evaluator(nb201_path=nb201_path, dataset="cifar10")
    seeds = list(range(8))
    agent = run_strategy(ev, "qlearning", {}, seeds, 100)
    plain = run_strategy(ev, "random", {}, seeds, 100)
    assert agent.at(100)[0] > plain.at(100)[0]


def test_bad_parameters() -> None:
    with pytest.raises(ValidationError, match="'gamma' parameter of QLearning"):
        QLearning(gamma=1.5)
    with pytest.raises(ValidationError, match="'cost_metric' parameter of QLearning"):
        QLearning(cost_metric="")
