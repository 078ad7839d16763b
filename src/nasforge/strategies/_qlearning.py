"""A Q-learning agent that edits architectures: state = the current architecture, action = one edit."""

from __future__ import annotations

from collections import deque

import numpy as np

from nasforge._validation import check_float, check_int
from nasforge.exceptions import ValidationError
from nasforge.spaces import Architecture
from nasforge.strategies._base import Strategy
from nasforge.strategies._registry import register_strategy
from nasforge.trial import FrozenTrial

Transition = tuple[np.ndarray, float, Architecture]  # features of (s, a), reward, next state


@register_strategy("qlearning")
class QLearning(Strategy):
    """Q-learning over architecture edits (Watkins 1989; in the spirit of MetaQNN, Baker et al. 2017, with
    edits instead of layer-by-layer construction).

    The state is the current architecture; an action is one elementary edit offered by the space
    (``space.neighbors``): in the chain space, adding or removing a layer (the depth decision) or changing one
    layer's type, width, kernel, stride...; in a cell space, changing one edge's operation. Taking an action
    means evaluating the edited architecture, which becomes the next state; its reward is the objective,
    minus ``cost_weight`` times the trial's ``cost_metric`` when one is named (for example params or latency).
    Rewards are standardised by their running mean and deviation.

    Q(s, a) is linear in the one-hot encoding of the edited architecture and of the edit itself (which
    decision changed, to which value), trained by semi-gradient Q-learning towards r + gamma * max Q(s', .)
    with experience replay. Actions are epsilon-greedy, epsilon decaying linearly from ``epsilon_start`` to
    ``epsilon_end`` over ``epsilon_decay_trials`` trials; an episode restarts from a random architecture
    after ``episode_length`` edits or when every edit leads to an architecture already seen.

    Args:
        lr: step size of the linear Q-function.
        gamma: discount of future rewards.
        epsilon_start, epsilon_end, epsilon_decay_trials: the exploration schedule.
        episode_length: edits per episode.
        replay: transitions replayed from memory after each result.
        cost_metric: a metric subtracted from the reward (None: the reward is the objective alone).
        cost_weight: its weight, in objective units per metric unit.
        seed: seed of the strategy's generator.
    """

    def __init__(self, *, lr: float = 0.05, gamma: float = 0.5, epsilon_start: float = 1.0,
                 epsilon_end: float = 0.1, epsilon_decay_trials: int = 50, episode_length: int = 10,
                 replay: int = 16, cost_metric: str | None = None, cost_weight: float = 0.0,
                 seed: int | None = None) -> None:
        super().__init__(seed=seed)
        owner = type(self).__name__
        self.lr = check_float(owner, "lr", lr, minimum=0, strict_minimum=True)
        self.gamma = check_float(owner, "gamma", gamma, minimum=0, maximum=1)
        self.epsilon_start = check_float(owner, "epsilon_start", epsilon_start, minimum=0, maximum=1)
        self.epsilon_end = check_float(owner, "epsilon_end", epsilon_end, minimum=0, maximum=1)
        self.epsilon_decay_trials = check_int(owner, "epsilon_decay_trials", epsilon_decay_trials, minimum=1)
        self.episode_length = check_int(owner, "episode_length", episode_length, minimum=1)
        self.replay = check_int(owner, "replay", replay, minimum=0)
        if cost_metric is not None and not (isinstance(cost_metric, str) and cost_metric):
            raise ValidationError(f"The 'cost_metric' parameter of {owner} must be a metric name or None. "
                                  f"Got {cost_metric!r} instead.")
        self.cost_metric = cost_metric
        self.cost_weight = check_float(owner, "cost_weight", cost_weight, minimum=0)

    def metric_params(self) -> dict[str, str]:
        return {} if self.cost_metric is None else {"cost_metric": self.cost_metric}

    def _setup(self) -> None:
        self._weights: np.ndarray | None = None
        self._state: Architecture | None = None
        self._steps = 0
        self._asked = 0
        self._pending: dict[str, np.ndarray | None] = {}  # asked key -> features of the (s, a) that led there
        self._memory: deque[Transition] = deque(maxlen=2000)
        self._rewards: list[float] = []

    # -- features and Q ----------------------------------------------------------------------------
    def _features(self, state: Architecture, nxt: Architecture) -> np.ndarray:
        """One-hot code of the next architecture, then which decisions the edit changed, then a bias."""
        before = self.space.encode(state)
        after = self.space.encode(nxt)
        return np.concatenate([after, np.maximum(after - before, 0.0), [1.0]])

    def _q(self, features: np.ndarray) -> float:
        if self._weights is None:
            return 0.0
        return float(self._weights @ features)

    def _best_next(self, state: Architecture) -> float:
        options = self.space.neighbors(state)
        if not options or self._weights is None:
            return 0.0
        return max(self._q(self._features(state, o)) for o in options)

    # -- acting ------------------------------------------------------------------------------------
    def _epsilon(self) -> float:
        frac = min(1.0, self._asked / self.epsilon_decay_trials)
        return self.epsilon_start + frac * (self.epsilon_end - self.epsilon_start)

    def _ask(self) -> Architecture:
        self._asked += 1
        state = self._state
        if state is not None and self._steps < self.episode_length and not self._warm:
            options = [o for o in self.space.neighbors(state) if not self.is_seen(o)]
            if options:
                if self.rng.random() < self._epsilon():
                    nxt = options[int(self.rng.integers(len(options)))]
                else:
                    values = [self._q(self._features(state, o)) for o in options]
                    nxt = options[int(np.argmax(values))]
                self._pending[self.space.key(nxt)] = self._features(state, nxt)
                self._state = nxt
                self._steps += 1
                return nxt
        # a new episode
        start = self._initial()
        self._pending[self.space.key(start)] = None
        self._state = start
        self._steps = 0
        return start

    # -- learning ----------------------------------------------------------------------------------
    def _reward(self, trial: FrozenTrial, score: float) -> float:
        reward = score
        if self.cost_metric is not None and self.cost_weight > 0:
            reward -= self.cost_weight * float(trial.metrics.get(self.cost_metric, 0.0))
        self._rewards.append(reward)
        mean = float(np.mean(self._rewards))
        std = float(np.std(self._rewards)) if len(self._rewards) > 1 else 1.0
        return (reward - mean) / (std if std > 1e-12 else 1.0)

    def _update(self, features: np.ndarray, reward: float, nxt: Architecture) -> None:
        if self._weights is None:
            self._weights = np.zeros(len(features))
        target = reward + self.gamma * self._best_next(nxt)
        error = target - self._q(features)
        self._weights += self.lr * error * features / max(1.0, float(features @ features) ** 0.5)

    def _tell(self, trial: FrozenTrial, score: float | None) -> None:
        features = self._pending.pop(trial.arch_key, None)
        if score is None or not np.isfinite(score):
            if trial.arch_key == (self.space.key(self._state) if self._state is not None else None):
                self._steps = self.episode_length  # a failed architecture ends the episode
            return
        reward = self._reward(trial, score)
        if features is None:  # the first state of an episode: learn its value through a self-transition
            features = self._features(trial.arch, trial.arch)
        self._memory.append((features, reward, trial.arch))
        self._update(features, reward, trial.arch)
        if self._memory and self.replay:
            for i in self.rng.integers(len(self._memory), size=self.replay):
                self._update(*self._memory[int(i)])
