"""The study loop: budgets, failures, callbacks, resume."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from nasforge.evaluators import Evaluator, Reporter, TableEvaluator
from nasforge.exceptions import NasforgeError, TrialPruned, ValidationError
from nasforge.spaces import Architecture, SearchSpace
from nasforge.storages import InMemoryStorage, get_storage
from nasforge.study import Budget, Study, TrialState, create_study, load_study
from nasforge.trial import INTERRUPTED

COLUMNS = ["op_1_0", "op_2_0", "op_2_1"]


class Flaky(Evaluator):
    """A table evaluator that fails, returns NaN or prunes on chosen architectures (for failure paths)."""

    registry_name = "flaky-test"

    def __init__(self, table: str, fail_on: str = "", nan_on: str = "", prune_on: str = "") -> None:
        self.inner = TableEvaluator(table=table, arch_columns=COLUMNS, objective="score:max")
        self.fail_on, self.nan_on, self.prune_on = fail_on, nan_on, prune_on

    def get_params(self) -> dict[str, Any]:
        return {}

    def evaluate(self, arch: Architecture, *, budget: float | None = None,
                 report: Reporter | None = None) -> dict[str, float]:
        metrics = self.inner.evaluate(arch)
        if report is not None:
            report(1, {"score": metrics["score"] / 2})
        if arch["op_1_0"] == self.fail_on:
            raise RuntimeError("out of memory (simulated)")
        if arch["op_1_0"] == self.prune_on:
            raise TrialPruned()
        if arch["op_1_0"] == self.nan_on:
            metrics["score"] = math.nan
        return metrics

    def default_objective(self) -> str:
        return "score:max"

    def cost_metric(self) -> str | None:
        return "score"

    def natural_space(self) -> SearchSpace:
        return self.inner.natural_space()


def test_failures_prunes_and_nan_are_recorded_and_the_search_goes_on(toy_table: str) -> None:
    study = create_study(evaluator=Flaky(toy_table, fail_on="a", nan_on="b", prune_on="x"), strategy="grid",
                         budget=Budget(n_trials=27))
    study.optimize()
    by_state = {s: [t for t in study.trials if t.state is s] for s in TrialState}
    assert len(by_state[TrialState.FAIL]) == 18 and len(by_state[TrialState.COMPLETE]) == 9
    reasons = {t.fail_reason.splitlines()[0] for t in by_state[TrialState.FAIL]}  # type: ignore[union-attr]
    assert reasons == {"RuntimeError: out of memory (simulated)", "objective 'score' is NaN"}
    assert all(t.intermediate == {1: {"score": pytest.approx(t.metrics.get("score", 0) / 2)}}
               for t in by_state[TrialState.COMPLETE])
    assert study.best_trial is not None and study.best_trial.arch["op_1_0"] == "c"


def test_pruned_trials_keep_their_last_report(toy_table: str) -> None:
    study = create_study(evaluator=Flaky(toy_table, prune_on="c"), strategy="grid", budget=Budget(n_trials=27))
    study.optimize()
    pruned = [t for t in study.trials if t.state is TrialState.PRUNED]
    assert len(pruned) == 9 and all("score" in t.metrics for t in pruned)


def test_max_failures_stops_a_hopeless_run(toy_table: str) -> None:
    study = create_study(evaluator=Flaky(toy_table, fail_on="a"), strategy="grid", budget=Budget(n_trials=27))
    with pytest.raises(NasforgeError, match="3 consecutive failed trials.*out of memory"):
        study.optimize(max_failures=3)
    assert len(study.trials) == 3


def test_cost_budget_and_callbacks(toy_table: str) -> None:
    study = create_study(evaluator=Flaky(toy_table), strategy="random", budget=Budget(max_cost=20.0))
    seen: list[int] = []
    study.optimize(callbacks=[lambda s, t: seen.append(t.number)])
    costs = [t.metrics["score"] for t in study.trials]
    assert sum(costs[:-1]) < 20.0 <= sum(costs)
    assert seen == list(range(len(costs)))
    other = create_study(evaluator=Flaky(toy_table), strategy="random", budget=Budget(n_trials=20))
    other.optimize(callbacks=[lambda s, t: s.stop() if t.number == 4 else None])
    assert len(other.trials) == 5


def test_budget_validation(toy_table: str) -> None:
    with pytest.raises(ValidationError, match="'n_trials' parameter of Budget must be an int >= 1. Got 0"):
        Budget(n_trials=0)
    with pytest.raises(ValidationError, match="timeout_s"):
        Budget(timeout_s=-1)
    study = create_study(evaluator=Flaky(toy_table), strategy="random")
    with pytest.raises(ValidationError, match="budget"):
        study.optimize()
    with pytest.raises(ValidationError, match="objective"):
        create_study(evaluator=Flaky(toy_table), objectives="score:maximum")


def test_tell_validates_objectives(toy_table: str) -> None:
    study = create_study(evaluator=None, space=TableEvaluator(table=toy_table, arch_columns=COLUMNS).natural_space(),
                         strategy="random", objectives=["score:max", "cost:min"])
    trial = study.ask()
    done = study.tell(trial, {"score": 1.0})
    assert done.state is TrialState.FAIL and "objective 'cost' missing" in (done.fail_reason or "")
    trial = study.ask()
    assert study.tell(trial, {"score": 1.0, "cost": 2.0}).state is TrialState.COMPLETE


def _keys(study: Study) -> list[tuple[str, Mapping[str, float]]]:
    return [(t.arch_key, dict(t.metrics)) for t in study.trials if t.counted]


@pytest.mark.parametrize("strategy", ["random", "evolution", "local_search"])
def test_resume_continues_the_same_trajectory(tmp_path: Path, nb201_path: str, strategy: str) -> None:
    from nasforge.evaluators import NB201Evaluator

    ev = NB201Evaluator(nb201_path=nb201_path)
    straight = create_study(evaluator=ev, strategy=_seeded(strategy, 11), budget=Budget(n_trials=60),
                            storage=InMemoryStorage())
    straight.optimize()
    url = f"sqlite:///{tmp_path / 'r.db'}"
    first = create_study(evaluator=ev, strategy=_seeded(strategy, 11), budget=Budget(n_trials=60), storage=url,
                         name="r")
    first.optimize(Budget(n_trials=25))
    # a process died mid-trial: its trial stays RUNNING
    store = get_storage(url)
    arch = first.strategy.ask()
    store.create_trial(first.study_id, arch, first.space.key(arch))
    reader = load_study(name="r", storage=url)  # reading never changes a running study
    assert [t.state for t in reader.trials].count(TrialState.RUNNING) == 1
    resumed = load_study(name="r", storage=url, take_over=True)
    resumed.optimize()
    trials = resumed.trials
    assert sum(t.counted for t in trials) == 60
    interrupted = [t for t in trials if t.interrupted]
    assert len(interrupted) == 1 and (interrupted[0].fail_reason or "").startswith(INTERRUPTED)
    assert [t.retry_of for t in trials if t.retry_of is not None] == [interrupted[0].number]
    assert _keys(resumed) == _keys(straight)


def _seeded(name: str, seed: int):  # type: ignore[no-untyped-def]
    from nasforge.strategies import create_strategy

    return create_strategy(name, seed=seed)


def test_unseeded_strategies_get_a_stored_seed(tmp_path: Path, toy_table: str) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    ev = TableEvaluator(table=toy_table, arch_columns=COLUMNS)
    study = create_study(evaluator=ev, strategy="random", storage=url, name="x", budget=Budget(n_trials=3))
    seed = get_storage(url).get_study_spec(study.study_id)["strategy"]["params"]["seed"]
    assert isinstance(seed, int)
    again = create_study(evaluator=ev, storage=url, name="x", load_if_exists=True)
    assert again.strategy.seed == seed and again.budget.n_trials == 3


def test_median_pruner_stops_trials_below_the_median() -> None:
    from nasforge.evaluators import TrainingEvaluator
    from nasforge.study import MedianPruner

    ev = TrainingEvaluator(data="digits", space="mlp", epochs=4, train_subset=300, measure_latency=False, threads=1)
    study = create_study(evaluator=ev, strategy=_seeded("random", 0), budget=Budget(n_trials=8),
                         pruner=MedianPruner(n_startup_trials=2, n_warmup_steps=1))
    study.optimize()
    pruned = [t for t in study.trials if t.state is TrialState.PRUNED]
    assert pruned, "with 8 random MLPs some fall below the median early"
    for trial in pruned:
        last = max(trial.intermediate)
        assert 2 <= last < 4 and trial.metrics == trial.intermediate[last]
    assert all(max(t.intermediate) == 4 for t in study.trials if t.state is TrialState.COMPLETE)


def test_a_trial_is_never_pruned_at_its_last_epoch() -> None:
    from nasforge.evaluators import TrainingEvaluator
    from nasforge.study import SuccessiveHalvingPruner

    # rungs at epochs 1 and 3; epoch 3 is the last, so only the rung at epoch 1 may stop a trial
    ev = TrainingEvaluator(data="digits", space="mlp", epochs=3, train_subset=300, measure_latency=False, threads=1)
    study = create_study(evaluator=ev, strategy=_seeded("random", 1), budget=Budget(n_trials=9),
                         pruner=SuccessiveHalvingPruner(min_step=1, eta=3))
    study.optimize()
    pruned = [t for t in study.trials if t.state is TrialState.PRUNED]
    assert pruned, "with 9 random MLPs the rung at epoch 1 stops some"
    assert all(max(t.intermediate) == 1 for t in pruned)
    assert all(max(t.intermediate) == 3 for t in study.trials if t.state is TrialState.COMPLETE)
    assert ev.last_step(study.trials[0].arch) == 3 and ev.last_step(study.trials[0].arch, budget=2.0) == 2


def test_median_pruner_rule() -> None:
    from datetime import UTC, datetime

    from nasforge.study import MedianPruner, Objective
    from nasforge.trial import FrozenTrial

    arch = Architecture.of("toy", {"x": 1})
    done = [FrozenTrial(i, i, TrialState.COMPLETE, arch, "k", {}, {2: {"loss": v}}, datetime.now(UTC))
            for i, v in enumerate([1.0, 2.0, 3.0])]
    pruner = MedianPruner(n_startup_trials=3, n_warmup_steps=1)
    minimise = Objective("loss", "min")
    assert pruner.should_prune(minimise, 2, {"loss": 2.5}, done)
    assert not pruner.should_prune(minimise, 2, {"loss": 1.5}, done)
    assert not pruner.should_prune(minimise, 1, {"loss": 9.0}, done)  # warm-up step
    assert not pruner.should_prune(minimise, 2, {"loss": 9.0}, done[:2])  # too few trials


def test_successive_halving_pruner_keeps_the_top_third_at_each_rung() -> None:
    from nasforge.spaces import Architecture
    from nasforge.study import Objective, SuccessiveHalvingPruner
    from nasforge.study._pruners import create_pruner
    from nasforge.trial import FrozenTrial, TrialState

    pruner = SuccessiveHalvingPruner(min_step=1, eta=3)
    objective = Objective("acc", "max")
    arch = Architecture("x", (("a", 1),))
    finished = [FrozenTrial(trial_id=i, number=i, state=TrialState.COMPLETE, arch=arch, arch_key=str(i),
                            intermediate={1: {"acc": v}, 3: {"acc": v + 0.1}}) for i, v in enumerate([0.5, 0.6, 0.7,
                                                                                                    0.8, 0.9])]
    assert not pruner.should_prune(objective, 1, {"acc": 0.85}, finished)  # 2nd of 6: in the top third
    assert pruner.should_prune(objective, 1, {"acc": 0.75}, finished)  # 3rd of 6: out
    assert not pruner.should_prune(objective, 2, {"acc": 0.0}, finished)  # not a rung
    assert not pruner.should_prune(objective, 3, {"acc": 0.95}, finished[:1])  # too few values at the rung
    assert pruner.should_prune(objective, 3, {"acc": 0.1}, finished)
    assert pruner.should_prune(Objective("loss", "min"), 1, {"loss": 0.9}, [
        FrozenTrial(trial_id=i, number=i, state=TrialState.COMPLETE, arch=arch, arch_key=str(i),
                    intermediate={1: {"loss": v}}) for i, v in enumerate([0.1, 0.2, 0.3])])
    clone = create_pruner({"name": pruner.name, "params": pruner.get_params()})
    assert isinstance(clone, SuccessiveHalvingPruner) and clone.get_params() == {"min_step": 1, "eta": 3}
    with pytest.raises(ValidationError, match="'pruner' parameter must be one of"):
        create_pruner({"name": "hyperband"})
