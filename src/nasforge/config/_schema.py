"""The schema of a search described in YAML (pydantic models; unknown keys are errors).

Example (``examples/digits.yaml``)::

    study: digits-evolution
    evaluator:
      name: train
      params: {data: digits, space: chain, epochs: 10}
    strategy: {name: evolution, params: {population_size: 20}}
    seed: 0
    budget: {n_trials: 50}

Component parameters (``evaluator.params``, ``strategy.params``) are the keyword arguments of the component's
class; the component checks them itself, with the same messages as the Python API.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Component(_Section):
    """A registered component by ``name`` and its constructor's ``params``."""

    name: str
    params: dict[str, Any] = Field(default_factory=dict)

    @staticmethod
    def registered() -> list[str]:
        """The names this kind of component may take (its registry)."""
        raise NotImplementedError

    @field_validator("name")
    @classmethod
    def _registered(cls, name: str) -> str:
        if name not in cls.registered():
            raise ValueError(f"must be one of {cls.registered()}")
        return name


class EvaluatorConfig(_Component):
    """``name``: train, nb201, table, generation or zero_cost; ``params``: its constructor's arguments."""

    @staticmethod
    def registered() -> list[str]:
        """The registered evaluators."""
        from nasforge.evaluators import list_evaluators

        return list_evaluators()


class StrategyConfig(_Component):
    """``name``: a registered strategy; ``params``: its constructor's arguments (``seed`` goes at the top)."""

    name: str = "evolution"

    @staticmethod
    def registered() -> list[str]:
        """The registered strategies."""
        from nasforge.strategies import list_strategies

        return list_strategies()


class BudgetConfig(_Section):
    """Stop at whichever comes first: trials, seconds of this run, or the evaluator's summed cost."""

    n_trials: int | None = Field(default=None, ge=1)
    timeout_s: float | None = Field(default=None, gt=0)
    max_cost: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _some_limit(self) -> BudgetConfig:
        if self.n_trials is None and self.timeout_s is None and self.max_cost is None:
            raise ValueError("give at least one of n_trials, timeout_s, max_cost")
        return self


class RunConfig(_Section):
    """Where and how trials run (see ``nasforge search --workers`` and the executors)."""

    workers: int = Field(default=1, ge=1)
    executor: Literal["process", "ray"] = "process"
    ray_address: str | None = None
    trial_timeout_s: float | None = Field(default=None, gt=0)
    memory_limit_mb: int | None = Field(default=None, ge=64)
    max_failures: int | None = Field(default=None, ge=1)


class WarmStartConfig(_Section):
    """Start from the ``top`` best trials of another ``study`` (same storage), or from the ``top`` of ``pool``
    random architectures ranked by a zero-cost ``proxy``."""

    study: str | None = None
    proxy: str | None = None
    pool: int = Field(default=1000, ge=1)
    top: int = Field(default=10, ge=1)

    @model_validator(mode="after")
    def _one_source(self) -> WarmStartConfig:
        if (self.study is None) == (self.proxy is None):
            raise ValueError("give exactly one of study, proxy")
        return self


class SearchConfig(_Section):
    """A whole search: what to evaluate, how to search, for how long, where to store it."""

    study: str | None = None
    storage: str = "sqlite:///nasforge.db"
    evaluator: EvaluatorConfig
    strategy: StrategyConfig = Field(default_factory=StrategyConfig)
    seed: int | None = Field(default=None, ge=0)
    objectives: list[str] | None = None
    constraints: list[str] = Field(default_factory=list)
    budget: BudgetConfig
    pruner: Literal["median", "successive_halving"] | None = None
    warm_start: WarmStartConfig | None = None
    allow_duplicates: bool = False
    allow_test_objective: bool = False
    run: RunConfig = Field(default_factory=RunConfig)
