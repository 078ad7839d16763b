"""The results a model-based strategy has seen, their encodings, and a surrogate fitted on them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from nasforge.exceptions import ValidationError
from nasforge.spaces import Architecture, Float, Int, SearchSpace, Space
from nasforge.strategies._surrogates import EnsembleSurrogate, GPSurrogate, Surrogate

SURROGATES = ("gp", "ensemble")


class SurrogateModel:
    """Keeps (architecture, score) results and fits a surrogate on them only when asked to predict.

    The expensive re-estimation (GP hyperparameters, ensemble weights) happens at the first fit and then
    after every ``update_every`` new results; between those, the GP posterior is still updated exactly.
    Pending architectures (asked, no result yet) can be added at their predicted value for the GP
    ("kriging believer"), so that a batch of proposals spreads out.
    """

    def __init__(self, space: SearchSpace, *, surrogate: str, encoding: str | None, update_every: int,
                 seed: int, owner: str) -> None:
        encodings = space.encodings()
        if encoding is not None and encoding not in encodings:
            raise ValidationError(f"The 'encoding' parameter of {owner} must be one of {list(encodings)} for this "
                                  f"space. Got {encoding!r} instead.")
        # measured on NAS-Bench-201: the GP does better on one-hot codes, the ensemble on path codes
        default = "path" if surrogate == "ensemble" and "path" in encodings else "onehot"
        self.kind = encoding or default
        self.space = space
        self.update_every = update_every
        self.model: Surrogate = GPSurrogate(ard=has_numbers(space)) if surrogate == "gp" \
            else EnsembleSurrogate(seed=seed)
        self.results: dict[str, tuple[Architecture, float]] = {}
        self._codes: dict[str, np.ndarray] = {}
        self._since_update = 0
        self._fitted = False

    def __len__(self) -> int:
        return len(self.results)

    def add(self, key: str, arch: Architecture, score: float) -> None:
        """Record a result."""
        self.results[key] = (arch, score)
        self._since_update += 1
        self._fitted = False

    def best(self) -> float:
        return max(score for _, score in self.results.values())

    def ranked(self) -> list[tuple[Architecture, float]]:
        """Results, best first."""
        return sorted(self.results.values(), key=lambda item: -item[1])

    def code(self, arch: Architecture, key: str | None = None) -> np.ndarray:
        key = key or self.space.key(arch)
        code = self._codes.get(key)
        if code is None:
            code = self._codes[key] = np.asarray(self.space.encode(arch, self.kind), dtype=float)
        return code

    def fit(self, pending: Mapping[str, Architecture] | None = None) -> None:
        """Fit on the results (and, for the GP, the pending architectures at their predicted value)."""
        keys = list(self.results)
        x = np.stack([self.code(self.results[k][0], k) for k in keys])
        y = np.array([self.results[k][1] for k in keys])
        if not self._fitted:
            refresh = self._since_update >= self.update_every
            self.model.fit(x, y, refresh=refresh)  # the first fit always estimates
            if refresh:
                self._since_update = 0
            self._fitted = True
        if pending and isinstance(self.model, GPSurrogate):
            believed = np.stack([self.code(a, k) for k, a in pending.items()])
            mean, _ = self.model.predict(believed)
            self.model.fit(np.vstack([x, believed]), np.concatenate([y, mean]), refresh=False)
            self._fitted = False  # the next fit starts again from the results alone

    def predict(self, archs: Sequence[Architecture],
                keys: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard deviation of the fitted surrogate for ``archs``."""
        x = np.stack([self.code(a, None if keys is None else keys[i]) for i, a in enumerate(archs)])
        return self.model.predict(x)


def has_numbers(space: SearchSpace) -> bool:
    """True for a declared space with an ``Int`` or ``Float`` decision (numeric columns in its encoding)."""
    return isinstance(space, Space) and any(isinstance(space.decision(n), Int | Float) for n in space.names())
