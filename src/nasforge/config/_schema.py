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

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

if TYPE_CHECKING:
    from nasforge.study import Budget


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Component(_Section):
    """A registered component by ``name`` and its constructor's ``params``."""

    name: str
    params: dict[str, Any] = Field(default_factory=dict)

    @staticmethod
    def lookup(name: str) -> None:
        """Raise ValidationError unless ``name`` is registered (the registry's own message lists the names)."""
        raise NotImplementedError

    @field_validator("name")
    @classmethod
    def _registered(cls, name: str) -> str:
        if name:  # an evaluator given by its function has no name yet
            cls.lookup(name)
        return name


class EvaluatorConfig(_Component):
    """``name``: train, nb201, table, generation, zero_cost or function; ``params``: its constructor's arguments.

    ``function: "mymodule:objective"`` (your own objective function, by its import path) is short for
    ``name: function`` with ``params: {function: "mymodule:objective"}``; the search then needs a ``space``.
    """

    name: str = ""
    function: str | None = None

    @model_validator(mode="after")
    def _function_or_name(self) -> EvaluatorConfig:
        if self.function is not None:
            if self.name not in ("", "function"):
                raise ValueError(f"give either function or name, not both (got name {self.name!r})")
            self.name, self.params = "function", {**self.params, "function": self.function}
            self.function = None
        elif not self.name:
            raise ValueError("give name (train, nb201, table, generation, zero_cost) or function "
                             "('mymodule:objective')")
        return self

    @staticmethod
    def lookup(name: str) -> None:
        """Raise unless ``name`` is a registered evaluator."""
        from nasforge.evaluators._registry import EVALUATORS

        EVALUATORS.get(name)


class StrategyConfig(_Component):
    """``name``: a registered strategy; ``params``: its constructor's arguments (``seed`` goes at the top)."""

    name: str = "evolution"

    @staticmethod
    def lookup(name: str) -> None:
        """Raise unless ``name`` is a registered strategy."""
        from nasforge.strategies import get_strategy_class

        get_strategy_class(name)


class BudgetConfig(_Section):
    """Stop at whichever comes first: trials, seconds of this run, or the evaluator's summed cost (the values are
    checked by :class:`~nasforge.study.Budget` itself)."""

    n_trials: int | None = None
    timeout_s: float | None = None
    max_cost: float | None = None

    @model_validator(mode="after")
    def _some_limit(self) -> BudgetConfig:
        if self.n_trials is None and self.timeout_s is None and self.max_cost is None:
            raise ValueError("give at least one of n_trials, timeout_s, max_cost")
        self.to_budget()
        return self

    def to_budget(self) -> Budget:
        """The :class:`~nasforge.study.Budget` of this section."""
        from nasforge.study import Budget

        return Budget(n_trials=self.n_trials, timeout_s=self.timeout_s, max_cost=self.max_cost)


class RunConfig(_Section):
    """Where and how trials run (see ``nasforge search --workers`` and the executors); the values are checked by
    :func:`~nasforge.executors.check_run_options`, as ``Study.optimize`` checks them."""

    workers: int = 1
    executor: str = "process"
    ray_address: str | None = None
    trial_timeout_s: float | None = None
    memory_limit_mb: int | None = None
    max_failures: int | None = None

    @model_validator(mode="after")
    def _valid(self) -> RunConfig:
        self.check()
        return self

    def check(self, *, pruning: bool = False, reach: bool = False) -> None:
        """Raise ValidationError for a bad value or combination (``pruning``: a pruner is set; ``reach``: also
        connect to the Ray address)."""
        from nasforge.executors import check_run_options

        check_run_options(n_workers=self.workers, executor=self.executor, ray_address=self.ray_address,
                          trial_timeout_s=self.trial_timeout_s, memory_limit_mb=self.memory_limit_mb,
                          max_failures=self.max_failures, pruning=pruning, reach=reach)


class WarmStartConfig(_Section):
    """Start from the ``top`` best trials of another ``study`` (same storage), or from the ``top`` of ``pool``
    random architectures ranked by a zero-cost ``proxy``."""

    study: str | None = None
    proxy: str | None = None
    pool: int = 1000
    top: int = 10

    @field_validator("pool", "top")
    @classmethod
    def _positive(cls, value: int, info: ValidationInfo) -> int:
        from nasforge._validation import check_int

        return check_int("create_study", f"warm_start_{info.field_name}", value, minimum=1)

    @model_validator(mode="after")
    def _one_source(self) -> WarmStartConfig:
        if (self.study is None) == (self.proxy is None):
            raise ValueError("give exactly one of study, proxy")
        return self


class SearchConfig(_Section):
    """A whole search: what to evaluate, how to search, for how long, where to store it.

    ``nasforge run`` reads one from YAML and ``nasforge search`` fills one from its options; both then call
    :func:`~nasforge.config.build_study`. Component parameters, the seed (the strategy's), the budget, the pruner
    and the run options are checked by the library's own checks, with the same messages as the Python API.

    Attributes:
        evaluator: what turns an architecture into metrics: ``nb201`` (the tabular benchmark), ``table`` (a CSV
            of architectures), ``train`` (real training), ``generation`` (GANs / VAEs), ``zero_cost`` (proxies).
        allow_duplicates: evaluate an architecture again when it is proposed again.
        allow_test_objective: allow ``test_*`` metrics as objectives or constraints (selecting on test data).
        space: the search space of an evaluator that does not define one (your own function): ``{file: PATH}``
            (a YAML or JSON space file) or the decisions inline (``depth: {int: [1, 6]}``, ``act: [relu, gelu]``).
        run: where and how trials run, and ``max_failures``.
    """

    study: str | None = None
    storage: str = "sqlite:///nasforge.db"  # the CLI puts $NASFORGE_STORAGE here when the file names none
    evaluator: EvaluatorConfig
    space: dict[str, Any] | None = None
    strategy: StrategyConfig = Field(default_factory=StrategyConfig)
    seed: int | None = None
    objectives: list[str] | None = None
    constraints: list[str] = Field(default_factory=list)
    budget: BudgetConfig
    pruner: str | None = None
    warm_start: WarmStartConfig | None = None
    allow_duplicates: bool = False
    allow_test_objective: bool = False
    run: RunConfig = Field(default_factory=RunConfig)

    @field_validator("pruner")
    @classmethod
    def _registered_pruner(cls, pruner: str | None) -> str | None:
        from nasforge.study._pruners import create_pruner

        create_pruner(None if pruner is None else {"name": pruner})  # the pruner registry's own check
        return pruner

    @model_validator(mode="after")
    def _pruning_in_process(self) -> SearchConfig:
        self.run.check(pruning=self.pruner is not None)
        return self
