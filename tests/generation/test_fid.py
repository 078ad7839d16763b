"""FID against the closed form for two Gaussians and against an independent computation; the Inception Score
at its bounds."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import linalg

from nasforge.exceptions import ValidationError
from nasforge.generation import fid, frechet_distance, gaussian_stats, inception_score


def _reference(mu1: np.ndarray, s1: np.ndarray, mu2: np.ndarray, s2: np.ndarray) -> float:
    """Tr((S1 S2)^1/2) through the symmetric form (S1^1/2 S2 S1^1/2)^1/2 and eigenvalues, not sqrtm of S1 S2."""
    w, v = np.linalg.eigh(s1)
    root = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    inner = np.linalg.eigvalsh(root @ s2 @ root)
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(s1) + np.trace(s2) - 2 * np.sqrt(np.clip(inner, 0, None)).sum())


def test_closed_form_for_diagonal_gaussians() -> None:
    # N(mu1, diag(a^2)) and N(mu2, diag(b^2)): ||mu1 - mu2||^2 + sum (a - b)^2
    mu1, mu2 = np.array([0.0, 1.0, -2.0]), np.array([1.0, 1.0, 0.5])
    a, b = np.array([1.0, 2.0, 0.5]), np.array([3.0, 1.0, 0.5])
    expected = float(((mu1 - mu2) ** 2).sum() + ((a - b) ** 2).sum())
    assert frechet_distance(mu1, np.diag(a**2), mu2, np.diag(b**2)) == pytest.approx(expected, rel=1e-9)


def test_closed_form_from_samples_of_two_gaussians() -> None:
    rng = np.random.default_rng(0)
    d = 4
    q = np.linalg.qr(rng.normal(size=(d, d)))[0]
    s1 = q @ np.diag([1.0, 2.0, 0.5, 3.0]) @ q.T
    s2 = np.diag([2.0, 1.0, 1.0, 0.25])
    mu1, mu2 = np.zeros(d), np.array([0.5, -1.0, 0.0, 2.0])
    expected = _reference(mu1, s1, mu2, s2)
    x = rng.multivariate_normal(mu1, s1, size=200_000)
    y = rng.multivariate_normal(mu2, s2, size=200_000)
    assert fid(x, y) == pytest.approx(expected, rel=0.02)
    # the same distribution gives (almost) zero
    assert fid(x[:100_000], x[100_000:]) < 0.01


def test_matches_an_independent_computation_on_fixed_random_features() -> None:
    rng = np.random.default_rng(42)
    x = np.maximum(rng.normal(size=(500, 32)) @ rng.normal(size=(32, 32)), 0)  # ReLU-like features
    y = np.maximum(rng.normal(size=(400, 32)) @ rng.normal(size=(32, 32)) + 0.3, 0)
    mu1, s1 = x.mean(0), np.cov(x, rowvar=False)
    mu2, s2 = y.mean(0), np.cov(y, rowvar=False)
    assert fid(x, y) == pytest.approx(_reference(mu1, s1, mu2, s2), rel=1e-6)
    assert fid(x, y) == pytest.approx(fid(y, x), rel=1e-6)
    # a scipy cross-check of the square root itself
    root = linalg.sqrtm(s1 @ s2)
    assert np.allclose(root @ root, s1 @ s2, atol=1e-6 * np.abs(s1 @ s2).max())


def test_singular_covariances_stay_finite() -> None:
    rng = np.random.default_rng(1)
    x = np.zeros((50, 8))
    x[:, :3] = rng.normal(size=(50, 3))  # five dead units
    y = np.zeros((50, 8))
    y[:, :3] = rng.normal(size=(50, 3)) + 1.0
    value = fid(x, y)
    assert np.isfinite(value) and value > 1.0


def test_gaussian_stats_rejects_bad_shapes() -> None:
    with pytest.raises(ValidationError, match=r"\(N, D\)"):
        gaussian_stats(np.zeros(5))
    with pytest.raises(ValidationError, match="N >= 2"):
        gaussian_stats(np.zeros((1, 3)))


def test_inception_score_bounds() -> None:
    k = 10
    confident_all_classes = np.eye(k)[np.arange(1000) % k]
    assert inception_score(confident_all_classes) == pytest.approx(k, rel=1e-6)
    one_class = np.eye(k)[np.zeros(1000, dtype=int)]
    assert inception_score(one_class) == pytest.approx(1.0, rel=1e-6)
    uncertain = np.full((1000, k), 1.0 / k)
    assert inception_score(uncertain) == pytest.approx(1.0, rel=1e-6)
