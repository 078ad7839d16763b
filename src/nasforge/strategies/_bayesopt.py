"""Bayesian optimisation over architectures: a surrogate, an acquisition function, candidates by mutation."""

from __future__ import annotations

import numpy as np

from nasforge._validation import check_choice, check_float
from nasforge.exceptions import SearchSpaceExhausted, ValidationError
from nasforge.spaces import Architecture
from nasforge.strategies._acquisition import ACQUISITIONS, acquire
from nasforge.strategies._base import Strategy
from nasforge.strategies._model import SURROGATES, SurrogateModel
from nasforge.strategies._registry import register_strategy
from nasforge.trial import FrozenTrial

_MAX_NEIGHBOURHOOD = 200  # parents with more neighbours than this contribute random mutations only


@register_strategy("bo")
class BayesianOptimization(Strategy):
    """Model-based search: fit a surrogate on the results so far, score candidate architectures with an
    acquisition function, evaluate the best candidate.

    Candidates come from the best architectures found so far, as in BANANAS (White et al. 2021): every
    neighbour of the ``n_parents`` best ones, ``n_candidates`` random one- and two-step mutations of them, and
    a few random architectures so that the search can leave a basin. The first ``n_init`` proposals are random.

    Batch proposals: several ``ask`` calls without a ``tell`` in between (parallel workers) return the best
    distinct candidates; with the GP, pending proposals are added to the model at their predicted value
    ("kriging believer"), which lowers the uncertainty around them and spreads the batch out.

    Args:
        surrogate: ``"gp"`` (Gaussian process) or ``"ensemble"`` (BANANAS' ensemble of neural networks).
        encoding: the space's encoding the surrogate reads (``space.encodings()``); default ``"onehot"`` for the
            GP, ``"path"`` for the ensemble where the space has it (cell spaces).
        acquisition: ``"ei"`` (expected improvement), ``"ucb"`` (upper confidence bound) or ``"ts"`` (Thompson
            sampling).
        beta: exploration weight of UCB.
        n_init: random architectures before the first model.
        n_parents: how many of the best architectures candidates are made from.
        n_candidates: random mutations scored per proposal (besides the parents' neighbours).
        update_every: re-estimate the surrogate (GP hyperparameters, ensemble weights) after this many new
            results; the GP posterior itself is always exact.
        seed: seed of the strategy's generator.
    """

    def __init__(self, *, surrogate: str = "gp", encoding: str | None = None, acquisition: str = "ei",
                 beta: float = 2.0, n_init: int = 10, n_parents: int = 10, n_candidates: int = 100,
                 update_every: int = 5, seed: int | None = None) -> None:
        super().__init__(seed=seed)
        owner = type(self).__name__
        self.surrogate = check_choice(owner, "surrogate", surrogate, SURROGATES)
        if encoding is not None and not isinstance(encoding, str):
            raise ValidationError(f"The 'encoding' parameter of {owner} must be a str or None. "
                                  f"Got {encoding!r} instead.")
        self.encoding = encoding
        self.acquisition = check_choice(owner, "acquisition", acquisition, ACQUISITIONS)
        self.beta = check_float(owner, "beta", beta, minimum=0)
        self.n_init = self._positive(owner, "n_init", n_init)
        self.n_parents = self._positive(owner, "n_parents", n_parents)
        self.n_candidates = self._positive(owner, "n_candidates", n_candidates)
        self.update_every = self._positive(owner, "update_every", update_every)

    def _setup(self) -> None:
        self._model = SurrogateModel(self.space, surrogate=self.surrogate, encoding=self.encoding,
                                     update_every=self.update_every, seed=int(self.rng.integers(2**31)),
                                     owner=type(self).__name__)
        self._pending: dict[str, Architecture] = {}
        self._n_random = 0

    def _ask(self) -> Architecture:
        if self._n_random < self.n_init or len(self._model) < 2:
            self._n_random += 1
            arch = self._initial()
        else:
            arch = self._acquire()
        self._pending[self.space.key(arch)] = arch
        return arch

    def _tell(self, trial: FrozenTrial, score: float | None) -> None:
        self._pending.pop(trial.arch_key, None)
        if score is not None and np.isfinite(score):
            self._model.add(trial.arch_key, trial.arch, score)

    # -- proposals ---------------------------------------------------------------------------------
    def _candidates(self) -> dict[str, Architecture]:
        parents = [arch for arch, _ in self._model.ranked()[:self.n_parents]]
        out: dict[str, Architecture] = {}

        def add(arch: Architecture) -> None:
            key = self.space.key(arch)
            if key not in self._seen:
                out.setdefault(key, arch)

        for parent in parents:
            neighbours = self.space.neighbors(parent)
            if len(neighbours) <= _MAX_NEIGHBOURHOOD:
                for neighbour in neighbours:
                    add(neighbour)
        for _ in range(self.n_candidates):
            parent = parents[int(self.rng.integers(len(parents)))]
            try:
                child = self.space.mutate(parent, self.rng)
                if self.rng.random() < 0.5:
                    child = self.space.mutate(child, self.rng)
            except SearchSpaceExhausted:
                continue
            add(child)
        for _ in range(max(1, self.n_candidates // 10)):
            add(self.space.sample(self.rng))
        return out

    def _acquire(self) -> Architecture:
        candidates = self._candidates()
        if not candidates:
            return self._unseen(lambda: self.space.sample(self.rng))
        self._model.fit(self._pending)
        keys = list(candidates)
        mean, std = self._model.predict([candidates[k] for k in keys], keys)
        value = acquire(self.acquisition, mean, std, best=self._model.best(), beta=self.beta, rng=self.rng)
        return candidates[keys[int(np.argmax(value))]]


@register_strategy("bananas")
class Bananas(BayesianOptimization):
    """BANANAS (White et al. 2021): Bayesian optimisation with an ensemble of neural networks on the path
    encoding, independent Thompson sampling and candidates by mutation. The same machinery as ``bo`` with
    BANANAS' defaults; the ensemble is retrained after every 10 results (their batch size).
    """

    def __init__(self, *, surrogate: str = "ensemble", encoding: str | None = None, acquisition: str = "ts",
                 beta: float = 2.0, n_init: int = 10, n_parents: int = 10, n_candidates: int = 100,
                 update_every: int = 10, seed: int | None = None) -> None:
        super().__init__(surrogate=surrogate, encoding=encoding, acquisition=acquisition, beta=beta, n_init=n_init,
                         n_parents=n_parents, n_candidates=n_candidates, update_every=update_every, seed=seed)
