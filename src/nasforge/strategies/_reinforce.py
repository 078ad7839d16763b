"""REINFORCE: a policy over the space's decisions trained by policy gradient."""

from __future__ import annotations

import numpy as np

from nasforge._validation import check_float
from nasforge.spaces import Architecture
from nasforge.strategies._base import _UNSEEN_TRIES, Strategy
from nasforge.strategies._categorical import CategoricalView
from nasforge.strategies._registry import register_strategy
from nasforge.trial import FrozenTrial


@register_strategy("reinforce")
class Reinforce(Strategy):
    """Policy-gradient search (Williams 1992; Zoph & Le 2017), with an independent softmax policy per decision
    as in NAS-Bench-201's REINFORCE baseline (Dong & Yang 2020).

    Each result R updates the logits of every decision d by ``lr * A * (onehot(a_d) - softmax(theta_d))``,
    where the advantage A = (R - b) / s uses an exponential moving-average baseline b and the running standard
    deviation s of the rewards, so the step size does not depend on the objective's scale.

    Args:
        lr: step size on the logits.
        baseline_decay: decay of the moving-average baseline (and of the reward variance).
        seed: seed of the strategy's generator.

    In a declared ``Space`` every decision gets a policy (its Choices or Int values); a conditional decision that
    is inactive in an architecture is drawn but dropped, and its policy learns only from architectures that have it.
    """

    needs_categorical = True  # one softmax per categorical decision

    def __init__(self, *, lr: float = 0.5, baseline_decay: float = 0.9, seed: int | None = None) -> None:
        super().__init__(seed=seed)
        owner = type(self).__name__
        self.lr = check_float(owner, "lr", lr, minimum=0, strict_minimum=True)
        self.baseline_decay = check_float(owner, "baseline_decay", baseline_decay, minimum=0, maximum=1)

    def _setup(self) -> None:
        self._view = CategoricalView(self.space, type(self).__name__)
        self._choices = self._view.choices
        self._logits = [np.zeros(len(values)) for values in self._choices]
        self._baseline: float | None = None
        self._variance = 0.0

    @staticmethod
    def _softmax(logits: np.ndarray) -> np.ndarray:
        p: np.ndarray = np.exp(logits - logits.max())
        return p / float(p.sum())

    def _draw(self) -> Architecture:
        for _ in range(100):
            values = tuple(values[int(self.rng.choice(len(values), p=self._softmax(logits)))]
                           for values, logits in zip(self._choices, self._logits, strict=True))
            arch = self._view.make(values)
            if arch is not None:
                return arch
        return self.space.sample(self.rng)

    def _ask(self) -> Architecture:
        if self._warm:  # warm-start architectures first; the policy learns from their results
            return self._initial()
        arch = self._unseen(self._draw)
        for _ in range(_UNSEEN_TRIES):  # the policy has collapsed onto evaluated architectures: explore uniformly
            if not self.is_seen(arch):
                break
            arch = self.space.sample(self.rng)
        return arch

    def _tell(self, trial: FrozenTrial, score: float | None) -> None:
        if score is None:
            return
        if self._baseline is None:
            self._baseline = score
            return
        advantage = score - self._baseline
        self._variance = self.baseline_decay * self._variance + (1 - self.baseline_decay) * advantage ** 2
        self._baseline = self.baseline_decay * self._baseline + (1 - self.baseline_decay) * score
        scaled = advantage / (np.sqrt(self._variance) + 1e-12)
        for d, index in enumerate(self._view.codes(trial.arch)):
            if index < 0:
                continue
            grad = -self._softmax(self._logits[d])
            grad[index] += 1.0
            self._logits[d] += self.lr * scaled * grad
