"""The Strategy contract: ``ask()`` proposes, ``tell()`` learns."""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from nasforge._rng import as_generator
from nasforge._validation import check_int
from nasforge.spaces import Architecture, SearchSpace
from nasforge.trial import FrozenTrial

# Scores a finished trial as 'larger is better'; None for a trial without a usable objective value.
Scorer = Callable[[FrozenTrial], float | None]
# Every objective of a finished trial as 'larger is better' (constraints aside); None without values.
VectorScorer = Callable[[FrozenTrial], np.ndarray | None]
# How far a finished trial is outside the study's constraints (0 when feasible).
Violation = Callable[[FrozenTrial], float]

_UNSEEN_TRIES = 200


@dataclass(frozen=True)
class StrategyCapabilities:
    """What a strategy needs from a study's space and evaluator, checked by ``create_study`` before anything runs
    (``strategy_capabilities(name)`` reads them from the registry).

    Attributes:
        multi_fidelity: proposes a budget (fidelity) per architecture: the evaluator must take a budget.
        needs_categorical: reads the space's categorical decisions (``CategoricalSpace.choices()``).
        needs_finite: enumerates the whole space: it must be finite and small enough to list.
    """

    multi_fidelity: bool = False
    needs_categorical: bool = False
    needs_finite: bool = False


class Strategy(ABC):
    """Proposes architectures and learns from their results. Never trains a model, never opens a file.

    Constructors take keyword-only hyperparameters and a ``seed``, store them unchanged and validate them
    at once. A study calls ``bind(space, scorer)`` once, then alternates ``ask()`` and ``tell(trial)``.
    ``tell`` accepts any finished trial, also one the strategy did not ask for (a resumed or shared
    study), so that its state can always be rebuilt from a study's trials.

    Strategies do not propose an architecture whose canonical key they have seen (asked or told)
    while an unseen one can be found.
    """

    registry_name: ClassVar[str]
    # Capabilities (see StrategyCapabilities); subclasses set the ones that apply.
    multi_fidelity: ClassVar[bool] = False
    needs_categorical: ClassVar[bool] = False
    needs_finite: ClassVar[bool] = False

    @classmethod
    def capabilities(cls) -> StrategyCapabilities:
        """What this strategy needs from the space and the evaluator."""
        return StrategyCapabilities(multi_fidelity=cls.multi_fidelity, needs_categorical=cls.needs_categorical,
                                    needs_finite=cls.needs_finite)

    def __init__(self, *, seed: int | None = None) -> None:
        self.seed = seed if seed is None else check_int(type(self).__name__, "seed", seed, minimum=0)
        self._bound = False
        self._warm: list[Architecture] = []

    def metric_params(self) -> dict[str, str]:
        """The parameters that name a metric the strategy reads from trials (parameter -> metric), so that a
        study can refuse a misspelled one before it starts; none by default."""
        return {}

    def get_params(self) -> dict[str, Any]:
        """The constructor's keyword parameters and their current values."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {name: getattr(self, name) for name in names}

    def bind(self, space: SearchSpace, scorer: Scorer, *, values: VectorScorer | None = None,
             violation: Violation | None = None, warm_start: Sequence[Architecture] = ()) -> None:
        """Attach the strategy to a space and a way of scoring trials; resets its state.

        ``scorer`` gives the primary objective of a feasible trial (None otherwise); multi-objective strategies
        also read ``values`` (every objective) and ``violation`` (constraints). By default a study has one
        objective and no constraints. ``warm_start`` architectures (best first, typically the best of another
        study) replace the random draws of the strategy's initial phase: an evolution's first population, local
        search's first starting points, a model's initial design.
        """
        for arch in warm_start:
            space.validate(arch)
        self._warm = list(warm_start)
        self.space = space
        self.score = scorer
        self.values: VectorScorer = values or self._one_objective
        self.violation: Violation = violation or (lambda trial: 0.0)
        self.rng: np.random.Generator = as_generator(self.seed)
        self._seen: set[str] = set()
        self._draws_failed = False
        self._bound = True
        self._setup()

    def _one_objective(self, trial: FrozenTrial) -> np.ndarray | None:
        score = self.score(trial)
        return None if score is None else np.array([score])

    def _setup(self) -> None:  # noqa: B027 - optional hook
        """Initialise state after ``bind`` (subclasses)."""

    def _check_bound(self) -> None:
        if not self._bound:
            raise RuntimeError(f"{type(self).__name__} must be bound to a space (bind) before use.")

    def ask(self) -> Architecture:
        """The next architecture to evaluate (at the evaluator's full budget; see ``propose``)."""
        return self.propose()[0]

    def propose(self) -> tuple[Architecture, float | None]:
        """The next architecture and the budget (fidelity, e.g. epochs) to evaluate it with; None means the
        evaluator's full budget. Only multi-fidelity strategies give a budget, and only they propose an
        architecture again (at a larger budget)."""
        arch, budget, _ = self.propose_keyed()
        return arch, budget

    def propose_keyed(self) -> tuple[Architecture, float | None, str]:
        """``propose`` with the architecture's canonical key (computed once: the study stores it too)."""
        self._check_bound()
        arch, budget = self._propose()
        key = self.space.key(arch)
        self._seen.add(key)
        return arch, budget, key

    def _propose(self) -> tuple[Architecture, float | None]:
        """Propose with a budget (multi-fidelity subclasses); by default ``_ask`` at the full budget."""
        return self._ask(), None

    def tell(self, trial: FrozenTrial) -> None:
        """Learn from a finished trial."""
        self._check_bound()
        self._seen.add(trial.arch_key)
        self._tell(trial, self.score(trial))

    def mark_seen(self, arch_key: str) -> None:
        """Note an architecture another process is evaluating, so that it is not proposed here as well."""
        self._seen.add(arch_key)

    @abstractmethod
    def _ask(self) -> Architecture:
        """Propose (subclasses)."""

    def _tell(self, trial: FrozenTrial, score: float | None) -> None:  # noqa: B027 - optional hook
        """Learn (subclasses); ``score`` is None for pruned, failed or unscored trials."""

    # -- helpers for subclasses --------------------------------------------------------------------
    def is_seen(self, arch: Architecture) -> bool:
        """True if this architecture (or an isomorphic one) was asked or told."""
        return self.space.key(arch) in self._seen

    def _initial(self) -> Architecture:
        """An architecture for the initial phase: the next unseen warm-start one, else a random unseen one."""
        while self._warm:
            arch = self._warm.pop(0)
            if not self.is_seen(arch):
                return arch
        return self._unseen(lambda: self.space.sample(self.rng))

    def _unseen(self, draw: Callable[[], Architecture]) -> Architecture:
        """Call ``draw`` until it gives an unseen architecture; then random members of the space (a population
        that has converged reaches by mutation only what it has seen); the last draw if none is found.

        Once a search of ``_UNSEEN_TRIES`` draws has failed (the space is nearly exhausted), later calls
        try a tenth as often, so that a long run in a small space stays cheap.
        """
        tries = _UNSEEN_TRIES // 10 if self._draws_failed else _UNSEEN_TRIES
        arch = draw()
        for _ in range(tries):
            if not self.is_seen(arch):
                return arch
            arch = draw()
        for _ in range(tries):
            candidate = self.space.sample(self.rng)
            if not self.is_seen(candidate):
                return candidate
        self._draws_failed = True
        return arch

    @staticmethod
    def _positive(owner: str, name: str, value: Any, minimum: int = 1) -> int:
        return check_int(owner, name, value, minimum=minimum)
