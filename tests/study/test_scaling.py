"""The search loop's bookkeeping is O(1) per trial: a trial costs the same in a large study as in a small one.

Ratios only, robust to a loaded machine: CPU time of this process, and a small and a large study run batches of
trials in turn; the median of many such paired ratios is compared with the bound.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from nasforge import Budget, create_study
from nasforge.evaluators import TableEvaluator
from nasforge.storages import BaseStorage, InMemoryStorage, get_storage
from nasforge.strategies import RandomSearch
from nasforge.study import Study

MAX_RATIO = 1.5


def _study(table: str, storage: BaseStorage) -> Study:
    # with replacement: the study never runs out of architectures to evaluate
    evaluator = TableEvaluator(table=table, arch_columns=["op_1_0", "op_2_0", "op_2_1"], objective="score:max")
    return create_study(evaluator=evaluator, strategy=RandomSearch(deduplicate=False, seed=0), storage=storage,
                        allow_duplicates=True, budget=Budget(n_trials=1))


def _run(study: Study, n: int) -> float:
    """CPU seconds per trial of ``n`` more trials (the CPU time of this process: other processes on a loaded
    machine do not count)."""
    target = study.n_counted + n
    start = time.process_time()
    study.optimize(Budget(n_trials=target))
    took = time.process_time() - start
    assert study.n_counted == target, study.stop_reason
    return took / n


def cost_ratio(table: str, storage: Callable[[str], BaseStorage], small: int, large: int, batch: int,
               rounds: int) -> float:
    """Per-trial cost of a study holding ``large`` trials over that of one holding ``small``: the median over
    ``rounds`` of the ratio of two batches run one right after the other (a load spike hits both alike)."""
    with _study(table, storage("small")) as a, _study(table, storage("large")) as b:
        _run(a, small)
        _run(b, large)
        ratios = []
        for i in range(rounds):
            if i % 2 == 0:  # which one goes first alternates
                cost_a, cost_b = _run(a, batch), _run(b, batch)
            else:
                cost_b, cost_a = _run(b, batch), _run(a, batch)
            ratios.append(cost_b / cost_a)
        return statistics.median(ratios)


def test_a_trial_costs_the_same_at_20000_trials_in_memory_as_at_2000(toy_table: str) -> None:
    ratio = cost_ratio(toy_table, lambda _: InMemoryStorage(), 2000, 20000, batch=100, rounds=15)
    assert ratio <= MAX_RATIO, f"a trial at 20,000 costs x{ratio:.2f} one at 2,000"


def test_a_trial_costs_the_same_at_5000_trials_in_sqlite_as_at_500(toy_table: str, tmp_path: Path) -> None:
    ratio = cost_ratio(toy_table, lambda name: get_storage(f"sqlite:///{tmp_path / name}.db"), 500, 5000, batch=40,
                       rounds=9)
    assert ratio <= MAX_RATIO, f"a trial at 5,000 costs x{ratio:.2f} one at 500"
