"""Local search over the space's neighbourhood."""

from __future__ import annotations

import numpy as np

from nasforge._validation import check_choice
from nasforge.spaces import Architecture
from nasforge.strategies._acquisition import ACQUISITIONS, acquire
from nasforge.strategies._base import Strategy
from nasforge.strategies._model import SURROGATES, SurrogateModel
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
        surrogate: None (plain local search: neighbours in random order, random starting points), or ``"gp"`` /
            ``"ensemble"``: a surrogate fitted on every result so far picks which neighbour to evaluate next, and
            all but the first ``n_random`` starting points (model-guided local search).
        acquisition: how the surrogate ranks neighbours and candidate starting points (``"ei"``, ``"ucb"``,
            ``"ts"``, ``"mean"``).
        n_random: with a surrogate, how many random architectures come before the model picks starting points.
        n_candidates: with a surrogate, random architectures scored to pick each starting point.
        encoding: the encoding the surrogate reads (default as in ``bo``).
        update_every: re-estimate the surrogate after this many new results.
        seed: seed of the strategy's generator (restarts, neighbour order).
    """

    def __init__(self, *, improvement: str = "first", n_init: int = 10, surrogate: str | None = None,
                 acquisition: str = "ei", encoding: str | None = None, update_every: int = 5, n_random: int = 5,
                 n_candidates: int = 1000, seed: int | None = None) -> None:
        super().__init__(seed=seed)
        owner = type(self).__name__
        self.improvement = check_choice(owner, "improvement", improvement, ("best", "first"))
        self.n_init = self._positive(owner, "n_init", n_init)
        self.surrogate = None if surrogate is None else check_choice(owner, "surrogate", surrogate, SURROGATES)
        self.acquisition = check_choice(owner, "acquisition", acquisition, ACQUISITIONS)
        self.encoding = encoding
        self.update_every = self._positive(owner, "update_every", update_every)
        self.n_random = self._positive(owner, "n_random", n_random, minimum=2)
        self.n_candidates = self._positive(owner, "n_candidates", n_candidates)

    def _setup(self) -> None:
        self._known: dict[str, tuple[Architecture, float | None]] = {}
        self._current: tuple[Architecture, float] | None = None
        self._queue: list[Architecture] = []
        self._pending: set[str] = set()  # neighbours asked, result not yet told
        self._best_neighbor: tuple[Architecture, float] | None = None
        self._start_keys: set[str] = set()  # random (re)start proposals not yet told
        self._start_batch: list[tuple[Architecture, float]] = []
        self._model = None if self.surrogate is None else SurrogateModel(
            self.space, surrogate=self.surrogate, encoding=self.encoding, update_every=self.update_every,
            seed=int(self.rng.integers(2**31)), owner=type(self).__name__)

    def _ask(self) -> Architecture:
        if self._current is not None and self._queue:
            self._rank_queue()
            arch = self._queue.pop()
            self._pending.add(self.space.key(arch))
            return arch
        # restarting, or every neighbour is out and some results are still to come (parallel workers)
        arch = self._pick_start()
        self._start_keys.add(self.space.key(arch))
        return arch

    def _pick_start(self) -> Architecture:
        """A starting point: warm-start or random at first; with a surrogate, then the best of
        ``n_candidates`` random unseen architectures by the acquisition function."""
        if self._model is None or self._warm or len(self._model) < self.n_random:
            return self._initial()
        candidates: dict[str, Architecture] = {}
        for _ in range(self.n_candidates):
            arch = self.space.sample(self.rng)
            key = self.space.key(arch)
            if key not in self._seen:
                candidates.setdefault(key, arch)
        if not candidates:
            return self._initial()
        self._model.fit()
        keys = list(candidates)
        mean, std = self._model.predict([candidates[k] for k in keys], keys)
        value = acquire(self.acquisition, mean, std, best=self._model.best(), beta=2.0, rng=self.rng)
        return candidates[keys[int(np.argmax(value))]]

    def _rank_queue(self) -> None:
        """Move the neighbour the surrogate likes best to the end of the queue (the next one popped)."""
        if self._model is None or len(self._model) < 3 or len(self._queue) < 2:
            return
        self._model.fit()
        mean, std = self._model.predict(self._queue)
        value = acquire(self.acquisition, mean, std, best=self._model.best(), beta=2.0, rng=self.rng)
        self._queue.append(self._queue.pop(int(np.argmax(value))))

    def _tell(self, trial: FrozenTrial, score: float | None) -> None:
        key = trial.arch_key
        if self._model is not None and score is not None and np.isfinite(score):
            self._model.add(key, trial.arch, score)
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


@register_strategy("bo_local_search")
class BOLocalSearch(LocalSearch):
    """Local search guided by a Gaussian-process surrogate: ``local_search`` with ``surrogate="gp"``.

    The moves of local search, but every choice goes through the GP (fitted on every result so far, one-hot
    encoding) and expected improvement: after ``n_random`` random architectures, the rest of each batch of
    ``n_init`` starting points is the best of ``n_candidates`` random unseen ones, and the next neighbour to
    evaluate is the most promising one; the search starts closer to good regions and climbs in fewer
    queries. Same parameters as ``local_search``; the defaults (15 starting points, 5 of them random) were
    chosen on NAS-Bench-201 CIFAR-10 (docs/benchmarks.md lists the alternatives measured).
    """

    def __init__(self, *, improvement: str = "first", n_init: int = 15, surrogate: str | None = "gp",
                 acquisition: str = "ei", encoding: str | None = None, update_every: int = 5, n_random: int = 5,
                 n_candidates: int = 1000, seed: int | None = None) -> None:
        super().__init__(improvement=improvement, n_init=n_init, surrogate=surrogate, acquisition=acquisition,
                         encoding=encoding, update_every=update_every, n_random=n_random,
                         n_candidates=n_candidates, seed=seed)
