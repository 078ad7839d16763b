"""Local search over the space's neighbourhood."""

from __future__ import annotations

from nasforge._validation import check_choice
from nasforge.spaces import Architecture
from nasforge.strategies._base import Strategy
from nasforge.strategies._registry import register_strategy
from nasforge.trial import FrozenTrial


@register_strategy("local_search")
class LocalSearch(Strategy):
    """Hill climbing with random restarts, after White et al. 2021 ("Exploring the loss landscape in
    neural architecture search", UAI): evaluate the neighbours of the current architecture and move to a
    better one; at a local optimum, restart from random architectures.

    Architectures already seen are never evaluated again: a neighbour whose result is known counts with
    that result.

    Args:
        improvement: ``"best"`` evaluates every neighbour, then moves to the best one if it beats the
            current architecture; ``"first"`` moves as soon as a neighbour beats it.
        n_init: random architectures evaluated at each (re)start; the best becomes the current one
            (NASLib's default of 10).
        seed: seed of the strategy's generator (restarts, neighbour order).
    """

    def __init__(self, *, improvement: str = "first", n_init: int = 10, seed: int | None = None) -> None:
        super().__init__(seed=seed)
        owner = type(self).__name__
        self.improvement = check_choice(owner, "improvement", improvement, ("best", "first"))
        self.n_init = self._positive(owner, "n_init", n_init)

    def _setup(self) -> None:
        self._known: dict[str, tuple[Architecture, float | None]] = {}
        self._current: tuple[Architecture, float] | None = None
        self._queue: list[Architecture] = []
        self._pending: set[str] = set()  # neighbours asked, result not yet told
        self._best_neighbor: tuple[Architecture, float] | None = None
        self._start_keys: set[str] = set()  # random (re)start proposals not yet told
        self._start_batch: list[tuple[Architecture, float]] = []

    def _ask(self) -> Architecture:
        if self._current is not None and self._queue:
            arch = self._queue.pop()
            self._pending.add(self.space.key(arch))
            return arch
        # restarting, or every neighbour is out and some results are still to come (parallel workers)
        arch = self._unseen(lambda: self.space.sample(self.rng))
        self._start_keys.add(self.space.key(arch))
        return arch

    def _tell(self, trial: FrozenTrial, score: float | None) -> None:
        key = trial.arch_key
        self._known[key] = (trial.arch, score)
        if key in self._start_keys:
            self._start_keys.discard(key)
            if score is not None:
                self._start_batch.append((trial.arch, score))
            if self._current is None and len(self._start_batch) >= self.n_init:
                best = max(self._start_batch, key=lambda item: item[1])
                self._start_batch = []
                self._move_to(*best)
        elif key in self._pending:
            self._pending.discard(key)
            if score is not None:
                self._consider(trial.arch, score)
        self._settle()

    def _consider(self, arch: Architecture, score: float) -> None:
        if self._current is None:
            return
        if self._best_neighbor is None or score > self._best_neighbor[1]:
            self._best_neighbor = (arch, score)
        if self.improvement == "first" and score > self._current[1]:
            self._move_to(arch, score)

    def _move_to(self, arch: Architecture, score: float) -> None:
        self._current = (arch, score)
        self._best_neighbor = None
        self._pending.clear()
        self._queue = []
        keys = {self.space.key(arch)}
        fresh = []
        for neighbor in self.space.neighbors(arch):
            key = self.space.key(neighbor)
            if key in keys:
                continue
            keys.add(key)
            if key in self._known:
                known = self._known[key][1]
                if known is not None:
                    fresh.append((neighbor, known))
            elif key not in self._seen:
                self._queue.append(neighbor)
        order = self.rng.permutation(len(self._queue))
        self._queue = [self._queue[int(i)] for i in order]
        current = self._current
        for neighbor, known in fresh:
            self._consider(neighbor, known)
            if self._current is not current:  # 'first' moved on
                return

    def _settle(self) -> None:
        """After the last neighbour's result: move to the best neighbour, or restart at a local optimum."""
        while self._current is not None and not self._queue and not self._pending:
            best = self._best_neighbor
            if best is not None and best[1] > self._current[1]:
                self._move_to(*best)
            else:
                self._current = None  # local optimum: the next asks restart from random architectures
                self._best_neighbor = None
