"""Behaviour specific to each baseline strategy."""

from __future__ import annotations

import numpy as np
import pytest

from nasforge.evaluators import TableEvaluator
from nasforge.exceptions import ValidationError
from nasforge.storages import InMemoryStorage
from nasforge.strategies import GridSearch, LocalSearch, RegularizedEvolution
from nasforge.study import Budget, Study, create_study

COLUMNS = ["op_1_0", "op_2_0", "op_2_1"]


def _run(table: str, strategy: object, n: int, allow_duplicates: bool = False) -> Study:
    ev = TableEvaluator(table=table, arch_columns=COLUMNS, objective="score:max")
    study = create_study(evaluator=ev, strategy=strategy, storage=InMemoryStorage(),  # type: ignore[arg-type]
                         budget=Budget(n_trials=n), allow_duplicates=allow_duplicates)
    study.optimize()
    return study


def test_grid_visits_everything_then_stops(toy_table: str) -> None:
    study = _run(toy_table, GridSearch(seed=0), 100)
    assert len(study.trials) == 27
    assert study.best_trial is not None and study.best_trial.metrics["score"] == 6.5


def test_grid_shuffle_is_seeded(toy_table: str) -> None:
    a = [t.arch for t in _run(toy_table, GridSearch(shuffle=True, seed=1), 10).trials]
    b = [t.arch for t in _run(toy_table, GridSearch(shuffle=True, seed=1), 10).trials]
    c = [t.arch for t in _run(toy_table, GridSearch(shuffle=False, seed=1), 10).trials]
    assert a == b and a != c


def test_evolution_population_ages(toy_table: str) -> None:
    strategy = RegularizedEvolution(population_size=4, sample_size=2, seed=0)
    study = _run(toy_table, strategy, 12, allow_duplicates=True)  # every child evaluated: no reused results
    population = list(strategy._population)
    assert len(population) == 4
    assert [a for a, _ in population] == [t.arch for t in study.trials[-4:]]  # the youngest four
    # after the random phase every child is one mutation away from some earlier trial
    earlier = [t.arch for t in study.trials]
    for i, trial in enumerate(study.trials[4:], start=4):
        assert any(trial.arch in study.space.neighbors(p) for p in earlier[:i])


def test_evolution_validation() -> None:
    message = "'population_size' parameter of RegularizedEvolution must be an int >= 2"
    with pytest.raises(ValidationError, match=message):
        RegularizedEvolution(population_size=1)
    with pytest.raises(ValidationError, match="sample_size"):
        RegularizedEvolution(population_size=3, sample_size=4)


@pytest.mark.parametrize("improvement", ["best", "first"])
def test_local_search_climbs_to_the_optimum(toy_table: str, improvement: str) -> None:
    study = _run(toy_table, LocalSearch(improvement=improvement, n_init=1, seed=0), 20)
    assert study.best_trial is not None and study.best_trial.metrics["score"] == 6.5
    assert len({t.arch_key for t in study.trials}) == 20  # nothing evaluated twice


def test_local_search_moves_only_to_better_neighbours(toy_table: str) -> None:
    strategy = LocalSearch(improvement="best", n_init=1, seed=3)
    study = _run(toy_table, strategy, 7)
    first = study.trials[0]
    # with best improvement the 6 neighbours of the start are evaluated next, in some order
    neighbors = {study.space.key(n) for n in study.space.neighbors(first.arch)}
    assert {t.arch_key for t in study.trials[1:7]} == neighbors


def test_local_search_validation() -> None:
    with pytest.raises(ValidationError, match="improvement"):
        LocalSearch(improvement="steepest")
    with pytest.raises(ValidationError, match="n_init"):
        LocalSearch(n_init=0)


def test_genetic_generations_keep_the_elite(toy_table: str) -> None:
    from nasforge.strategies import GeneticAlgorithm

    strategy = GeneticAlgorithm(population_size=6, n_elite=2, seed=0)
    study = _run(toy_table, strategy, 10)  # 6 random, then 4 children: one full replacement
    first = sorted(((t.metrics["score"], t.arch) for t in study.trials[:6]), key=lambda x: -x[0])
    generation = [arch for arch, _ in strategy._generation]
    assert first[0][1] in generation and first[1][1] in generation
    assert [t.arch for t in study.trials[6:10]] == generation[2:]


def test_genetic_children_inherit_from_the_generation(toy_table: str) -> None:
    from nasforge.strategies import GeneticAlgorithm

    study = _run(toy_table, GeneticAlgorithm(population_size=5, mutation_rate=0.0, n_elite=1, seed=2), 9)
    parents = [t.arch for t in study.trials[:5]]
    for child in (t.arch for t in study.trials[5:9]):
        # every decision comes from some parent but at most one (the mutation forced on a child already seen)
        foreign = sum(not any(child[n] == p[n] for p in parents) for n in child)
        assert foreign <= 1


def test_genetic_validation() -> None:
    from nasforge.strategies import GeneticAlgorithm

    with pytest.raises(ValidationError, match="'n_elite' parameter of GeneticAlgorithm must be an int < population"):
        GeneticAlgorithm(population_size=4, n_elite=4)
    with pytest.raises(ValidationError, match="selection"):
        GeneticAlgorithm(selection="rank")


def test_reinforce_policy_moves_towards_better_decisions(toy_table: str) -> None:
    from nasforge.strategies import Reinforce

    strategy = Reinforce(seed=0)
    _run(toy_table, strategy, 20)
    probs = [Reinforce._softmax(logits) for logits in strategy._logits]
    # 'c' scores best on every decision of the toy table
    assert all(int(np.argmax(p)) == 2 for p in probs)


def test_reinforce_needs_categorical_decisions() -> None:
    from nasforge.spaces import create_space
    from nasforge.strategies import Reinforce

    with pytest.raises(ValidationError, match="categorical"):
        Reinforce(seed=0).bind(create_space("joint", space="mlp"), lambda t: None)
    with pytest.raises(ValidationError, match="'lr'"):
        Reinforce(lr=0)
