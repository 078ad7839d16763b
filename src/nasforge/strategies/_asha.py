"""ASHA: asynchronous successive halving, for many workers."""

from __future__ import annotations

from nasforge.spaces import Architecture
from nasforge.strategies._fidelity import MultiFidelityStrategy, Rung, ladder
from nasforge.strategies._registry import register_strategy
from nasforge.trial import FrozenTrial


@register_strategy("asha")
class ASHA(MultiFidelityStrategy):
    """Asynchronous successive halving (Li et al. 2020, "A system for massively parallel hyperparameter
    tuning"). Rungs at budgets min_budget * eta^k up to ``max_budget``. Whenever asked, promote an
    architecture that is in the top 1/eta of its rung and not yet promoted, looking from the highest rung
    down; if there is none, start a new architecture at the lowest rung. Nothing ever waits for stragglers.

    The study's best trial is the best one at the largest budget evaluated.

    Parameters: ``min_budget``, ``max_budget``, ``eta``, ``seed`` (see ``MultiFidelityStrategy``).
    """

    def _setup(self) -> None:
        self._rungs = [Rung(b) for b in ladder(self.min_budget, self.max_budget, self.eta)]
        self._index = {r.budget: i for i, r in enumerate(self._rungs)}

    def _propose(self) -> tuple[Architecture, float | None]:
        for i in range(len(self._rungs) - 2 if not self._warm else -1, -1, -1):  # warm-start ones first
            rung = self._rungs[i]
            quota = int(len(rung.results) // self.eta)
            for key, arch in rung.top(quota):
                if key not in rung.promoted:
                    rung.promoted.add(key)
                    self._rungs[i + 1].add_pending(key, arch)
                    return arch, self._rungs[i + 1].budget
        arch = self._initial()
        self._rungs[0].add_pending(self.space.key(arch), arch)
        return arch, self._rungs[0].budget

    def _tell(self, trial: FrozenTrial, score: float | None) -> None:
        budget = self._budget_of(trial)
        i = self._index.get(budget)
        if i is None:  # a trial at a budget this ladder does not have (another study's): nearest lower rung
            lower = [j for j, r in enumerate(self._rungs) if r.budget <= budget]
            if not lower:
                return
            i = lower[-1]
        self._rungs[i].record(trial.arch_key, trial.arch, score)
        for j in range(i):  # an architecture seen at a higher rung counts as promoted from the lower ones
            self._rungs[j].promoted.add(trial.arch_key)
