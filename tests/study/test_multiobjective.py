"""Pareto fronts, hypervolume, constraints and NSGA-II."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nasforge._dominance import constrained_ranks, crowding_distance, pareto_ranks
from nasforge.benchmarks import run_multiobjective, true_front
from nasforge.evaluators import NB201Evaluator, TableEvaluator
from nasforge.exceptions import ValidationError
from nasforge.storages import InMemoryStorage
from nasforge.strategies import NSGA2
from nasforge.study import Budget, Constraint, create_study, load_study, parse_objectives
from nasforge.study._pareto import hypervolume

COLUMNS = ["op_1_0", "op_2_0", "op_2_1"]


def _dominated_by_brute_force(points: np.ndarray) -> np.ndarray:
    """For maximised rows: True where some other row is >= everywhere and > somewhere."""
    out = np.zeros(len(points), dtype=bool)
    for i, p in enumerate(points):
        out[i] = any(np.all(q >= p) and np.any(q > p) for q in points)
    return out


def test_ranks_match_brute_force() -> None:
    rng = np.random.default_rng(0)
    points = rng.integers(0, 6, size=(60, 2)).astype(float)
    ranks = pareto_ranks(points)
    np.testing.assert_array_equal(ranks == 0, ~_dominated_by_brute_force(points))
    rest = ranks > 0
    np.testing.assert_array_equal(ranks[rest] == 1, ~_dominated_by_brute_force(points[rest]))


def test_constrained_ranks_put_infeasible_last_by_violation() -> None:
    points = np.array([[1.0, 1.0], [9.0, 9.0], [0.0, 0.0], [9.0, 9.0]])
    ranks = constrained_ranks(points, np.array([0.0, 2.0, 0.0, 1.0]))
    assert list(ranks) == [0, 3, 1, 2]


def test_crowding_distance_favours_the_ends_and_the_sparse() -> None:
    points = np.array([[0.0, 4.0], [1.0, 3.0], [1.1, 2.9], [4.0, 0.0]])
    distance = crowding_distance(points)
    assert np.isinf(distance[0]) and np.isinf(distance[3])
    assert distance[2] > distance[1]


def test_hypervolume_of_a_staircase() -> None:
    objectives = parse_objectives(["acc:max", "latency:min"])
    points = np.array([[0.9, 10.0], [0.8, 5.0], [0.5, 20.0]])  # the last one is dominated
    # reference (0.0, 30.0): rectangles 0.9 x (30-10) + 0.8 x (10-5)
    assert hypervolume(points, objectives, [0.0, 30.0]) == pytest.approx(0.9 * 20 + 0.8 * 5)
    assert hypervolume(points, objectives, [0.95, 30.0]) == 0.0
    with pytest.raises(ValidationError, match="'reference' parameter"):
        hypervolume(points, objectives, [0.0])


def test_constraint_parsing_and_violation() -> None:
    c = Constraint.parse(" latency_ms <= 2.5 ")
    assert (c.metric, c.op, c.bound, str(c)) == ("latency_ms", "<=", 2.5, "latency_ms<=2.5")
    for bad in ["latency_ms < 3", "<=3", "latency_ms<=fast", "latency_ms<=nan"]:
        with pytest.raises(ValidationError, match="'constraint' parameter"):
            Constraint.parse(bad)


def _mo_table(tmp_path: Path) -> str:
    """The toy cell space with two conflicting metrics: score grows with 'c' ops, and so does cost."""
    import itertools
    rows = ["op_1_0,op_2_0,op_2_1,score,cost"]
    for ops in itertools.product("abc", repeat=3):
        score = sum({"a": 0, "b": 1, "c": 2}[o] for o in ops) + 0.1 * (ops[1] == "b")
        cost = sum({"a": 1, "b": 2, "c": 4}[o] for o in ops)
        rows.append(f"{','.join(ops)},{score},{cost}")
    path = tmp_path / "mo.csv"
    path.write_text("\n".join(rows) + "\n")
    return str(path)


def test_study_front_constraints_and_round_trip(tmp_path: Path) -> None:
    table = _mo_table(tmp_path)
    ev = TableEvaluator(table=table, arch_columns=COLUMNS, objective="score:max")
    url = f"sqlite:///{tmp_path / 's.db'}"
    study = create_study(evaluator=ev, strategy=NSGA2(population_size=6, seed=0), storage=url, name="mo",
                         objectives=["score:max", "cost:min"], constraints=["cost<=8"], budget=Budget(n_trials=27))
    study.optimize()
    front = study.pareto_front()
    assert front and all(t.metrics["cost"] <= 8 for t in front)
    feasible = study.feasible_trials()
    points = np.array([[t.metrics["score"], -t.metrics["cost"]] for t in feasible])
    expected = {t.number for t, dominated in zip(feasible, _dominated_by_brute_force(points), strict=True)
                if not dominated}
    assert {t.number for t in front} == expected
    best = study.best_trial
    assert best is not None and best.metrics["cost"] <= 8  # the best trial is a feasible one
    reopened = load_study(name="mo", storage=url)
    assert [str(c) for c in reopened.constraints] == ["cost<=8"]
    assert reopened.hypervolume([0.0, 20.0]) == pytest.approx(study.hypervolume([0.0, 20.0]))
    assert study.hypervolume([0.0, 20.0]) > 0


def test_nsga2_beats_random_search_on_nb201_hypervolume(nb201_path: str) -> None:
    ev = NB201Evaluator(nb201_path=nb201_path, dataset="cifar10", latency_device="pixel3")
    objectives = ["val_acc:max", "latency_ms:min"]
    seeds = list(range(8))
    nsga = run_multiobjective(ev, "nsga2", {}, seeds, [200], objectives)
    plain = run_multiobjective(ev, "random", {}, seeds, [200], objectives)
    assert nsga.ratios.mean() > plain.ratios.mean()
    assert 0.9 < nsga.ratios.mean() <= 1.0
    points, reference = true_front(ev, objectives)
    assert points.shape == (15625, 2) and reference[0] == points[:, 0].min()


def test_nsga2_single_objective_study_still_works(toy_table: str) -> None:
    ev = TableEvaluator(table=toy_table, arch_columns=COLUMNS, objective="score:max")
    study = create_study(evaluator=ev, strategy=NSGA2(population_size=4, seed=1), storage=InMemoryStorage(),
                         budget=Budget(n_trials=27))
    study.optimize()
    assert study.best_trial is not None and study.best_trial.metrics["score"] == 6.5
