"""Surrogate models for model-based strategies: predict a mean and an uncertainty from an encoding."""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod

import numpy as np


class Surrogate(ABC):
    """A regression model over architecture encodings that also says how unsure it is.

    ``fit`` may be called after every new result; ``refresh`` tells whether the expensive part (kernel
    hyperparameters, network weights) is re-estimated this time or the previous estimate is reused.
    """

    @abstractmethod
    def fit(self, x: np.ndarray, y: np.ndarray, *, refresh: bool) -> None:
        """Fit on encodings ``x`` (n, d) and scores ``y`` (n,), larger is better."""

    @abstractmethod
    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Predicted mean and standard deviation for each row of ``x``."""


def _standardize(y: np.ndarray) -> tuple[np.ndarray, float, float]:
    mean = float(y.mean())
    std = float(y.std())
    std = std if std > 1e-12 else 1.0
    return (y - mean) / std, mean, std


class GPSurrogate(Surrogate):
    """A Gaussian process (scikit-learn) with a Matern 5/2 kernel on the encoding plus a white-noise term.

    On binary encodings (one-hot, path) the squared Euclidean distance is twice the number of differing
    bits, so the kernel decays with the edit distance between architectures. One isotropic length scale:
    with a few dozen observations, one scale per dimension overfits. Hyperparameters are re-estimated by
    maximum marginal likelihood when ``refresh`` is set; otherwise the posterior is updated with the last
    estimate (a Cholesky factorisation, milliseconds).

    Args:
        ard: one length scale per dimension. For encodings with numeric columns (an ``Int`` or ``Float`` of a
            declared space in its [0, 1] coordinate): one isotropic scale makes a move across a number's whole
            range weigh less than one changed category, so the model hardly sees a learning rate; its own
            scale lets it. Binary encodings keep the single scale.
    """

    def __init__(self, *, ard: bool = False) -> None:
        self.ard = ard
        self._kernel: object | None = None
        self._model: object | None = None

    def fit(self, x: np.ndarray, y: np.ndarray, *, refresh: bool) -> None:
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

        target, self._mean, self._std = _standardize(y)
        if self._kernel is None or refresh:
            scale = max(1.0, float(np.sqrt(x.shape[1]) / 2))
            start = self._kernel or (ConstantKernel(1.0, (1e-2, 1e2))
                                     * Matern(length_scale=np.full(x.shape[1], scale) if self.ard else scale,
                                              length_scale_bounds=(1e-2, 1e3), nu=2.5)
                                     + WhiteKernel(1e-2, (1e-6, 1.0)))
            model = GaussianProcessRegressor(start, normalize_y=False)
        else:
            model = GaussianProcessRegressor(self._kernel, optimizer=None, normalize_y=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # bound warnings of the optimiser are not actionable here
            model.fit(x, target)
        self._kernel = model.kernel_
        self._model = model

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        assert self._model is not None, "fit first"
        mean, std = self._model.predict(x, return_std=True)  # type: ignore[attr-defined]
        return np.asarray(mean) * self._std + self._mean, np.asarray(std) * self._std


class EnsembleSurrogate(Surrogate):
    """An ensemble of small multi-layer perceptrons (scikit-learn), as in BANANAS (White et al. 2021):
    the mean and the spread of the members' predictions. Members differ by their initial weights and the
    order of their mini-batches. Retrained only when ``refresh`` is set (BANANAS retrains once per batch of
    proposals); in between, the last ensemble keeps predicting.
    """

    def __init__(self, *, n_members: int = 5, hidden: tuple[int, ...] = (32, 32, 32), max_iter: int = 200,
                 seed: int = 0) -> None:
        self.n_members = n_members
        self.hidden = hidden
        self.max_iter = max_iter
        self.seed = seed
        self._members: list[object] = []
        self._fits = 0

    def fit(self, x: np.ndarray, y: np.ndarray, *, refresh: bool) -> None:
        if self._members and not refresh:
            return
        from sklearn.neural_network import MLPRegressor

        target, self._mean, self._std = _standardize(y)
        self._members = []
        for m in range(self.n_members):
            member = MLPRegressor(hidden_layer_sizes=self.hidden, learning_rate_init=0.01, max_iter=self.max_iter,
                                  alpha=1e-4, random_state=(self.seed * 1_000_003 + self._fits * 101 + m) % 2**31)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # ConvergenceWarning: a fixed budget of epochs is intended
                member.fit(x, target)
            self._members.append(member)
        self._fits += 1

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        assert self._members, "fit first"
        preds = np.stack([np.asarray(m.predict(x)) for m in self._members])  # type: ignore[attr-defined]
        return preds.mean(axis=0) * self._std + self._mean, preds.std(axis=0) * self._std
