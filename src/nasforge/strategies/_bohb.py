"""BOHB: Hyperband whose new architectures come from a tree-structured Parzen estimator."""

from __future__ import annotations

import math

import numpy as np

from nasforge._validation import check_float, check_int
from nasforge.spaces import Architecture
from nasforge.strategies._categorical import CategoricalView
from nasforge.strategies._hyperband import Hyperband
from nasforge.strategies._registry import register_strategy
from nasforge.trial import FrozenTrial


@register_strategy("bohb")
class BOHB(Hyperband):
    """BOHB (Falkner et al. 2018): Hyperband's brackets, but each new architecture is, with probability
    1 - ``random_fraction``, the best of ``n_candidates`` draws from a TPE model instead of a random one.

    The model is fitted on the results of the largest budget that has at least (decisions + 2) of them: the
    best ``top_fraction`` are 'good', the rest 'bad'; each decision gets a smoothed frequency of its values
    among the good results (l) and among the bad ones (g); candidates are drawn from l (its smoothing widened
    by ``bandwidth_factor``) and the one with the largest l(x)/g(x) is proposed. Needs a space of categorical
    decisions (cell, chain, MLP, table spaces, a declared Space of Choices and Ints); a conditional
    decision absent from a result does not count towards its densities.

    Args:
        min_budget, max_budget, eta: as in ``hyperband``.
        random_fraction: share of new architectures drawn at random (keeps exploring).
        top_fraction: share of results that count as good.
        n_candidates: draws from l per proposal.
        bandwidth_factor: how much wider the sampling smoothing is than the model's.
        seed: seed of the strategy's generator.
    """

    needs_categorical = True  # a TPE model over the categorical decisions

    def __init__(self, *, min_budget: float = 1.0, max_budget: float = 27.0, eta: float = 3.0,
                 random_fraction: float = 1 / 3, top_fraction: float = 0.15, n_candidates: int = 64,
                 bandwidth_factor: float = 3.0, seed: int | None = None) -> None:
        super().__init__(min_budget=min_budget, max_budget=max_budget, eta=eta, seed=seed)
        owner = type(self).__name__
        self.random_fraction = check_float(owner, "random_fraction", random_fraction, minimum=0, maximum=1)
        self.top_fraction = check_float(owner, "top_fraction", top_fraction, minimum=0, maximum=1,
                                        strict_minimum=True)
        self.n_candidates = check_int(owner, "n_candidates", n_candidates, minimum=1)
        self.bandwidth_factor = check_float(owner, "bandwidth_factor", bandwidth_factor, minimum=1)

    def _setup(self) -> None:
        super()._setup()
        self._view = CategoricalView(self.space, type(self).__name__)
        self._choices = self._view.choices
        self._observed: dict[float, dict[str, tuple[tuple[int, ...], float]]] = {}

    def _observe(self, trial: FrozenTrial, budget: float, score: float | None) -> None:
        if score is None or not math.isfinite(score):
            return
        codes = self._view.codes(trial.arch)
        self._observed.setdefault(budget, {})[trial.arch_key] = (codes, score)

    def _densities(self, rows: list[tuple[int, ...]], alpha: float) -> list[np.ndarray]:
        out = []
        for d, values in enumerate(self._choices):
            counts = np.full(len(values), alpha)
            for row in rows:
                if row[d] >= 0:  # -1: the decision is absent (inactive) in this result
                    counts[row[d]] += 1.0
            out.append(counts / counts.sum())
        return out

    def _model_rows(self) -> tuple[list[tuple[int, ...]], list[tuple[int, ...]]] | None:
        need = len(self._choices) + 2
        for budget in sorted(self._observed, reverse=True):
            results = list(self._observed[budget].values())
            if len(results) >= need:
                results.sort(key=lambda item: -item[1])
                n_good = max(1, math.ceil(self.top_fraction * len(results)))
                return [r for r, _ in results[:n_good]], [r for r, _ in results[n_good:]]
        return None

    def _sample(self) -> Architecture:
        rows = None if self._warm or self.rng.random() < self.random_fraction else self._model_rows()
        if rows is None:
            return self._initial()
        good, bad = rows
        l_model, g_model = self._densities(good, 1.0), self._densities(bad, 1.0)
        l_draw = self._densities(good, self.bandwidth_factor)
        best: tuple[float, Architecture] | None = None
        for _ in range(self.n_candidates):
            codes = [int(self.rng.choice(len(p), p=p)) for p in l_draw]
            values = tuple(self._choices[d][c] for d, c in enumerate(codes))
            arch = self._view.make(values)
            if arch is None or self.is_seen(arch):
                continue
            canon = self._view.codes(arch)
            ratio = float(sum(math.log(l_model[d][c]) - math.log(g_model[d][c])
                              for d, c in enumerate(canon) if c >= 0))
            if best is None or ratio > best[0]:
                best = (ratio, arch)
        return best[1] if best is not None else self._initial()
