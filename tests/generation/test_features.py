"""The feature extractor is trained once per dataset and setting, then loaded from the cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from nasforge.data import load_dataset
from nasforge.generation import Quality, extract, feature_net, image_grid, save_grid


def test_trained_once_then_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    digits = load_dataset("digits")
    first = feature_net(digits, epochs=2, cache=tmp_path)
    files = sorted(p.suffix for p in tmp_path.iterdir())
    assert files == [".json", ".pt"]
    weights = next(tmp_path.glob("*.pt"))
    stamp = weights.stat().st_mtime_ns
    second = feature_net(digits, epochs=2, cache=tmp_path)
    assert weights.stat().st_mtime_ns == stamp  # not retrained
    for a, b in zip(first.state_dict().values(), second.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    feats, probs = extract(second, digits.x[:50])
    assert feats.shape == (50, 128) and probs.shape == (50, 10)
    assert np.allclose(probs.sum(1), 1.0)
    # a classifier worth its name: small data gets enough steps to recognise most digits
    assert (probs.argmax(1) == digits.y[:50]).mean() > 0.9
    # other settings are another file
    monkeypatch.setattr("nasforge.generation._features.MIN_STEPS", 10)
    feature_net(digits, epochs=2, cache=tmp_path)
    assert len(list(tmp_path.glob("*.pt"))) == 2


def test_a_corrupt_cache_file_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("nasforge.generation._features.MIN_STEPS", 10)
    digits = load_dataset("digits")
    feature_net(digits, epochs=1, cache=tmp_path)
    weights = next(tmp_path.glob("*.pt"))
    weights.write_bytes(b"not a checkpoint")
    net = feature_net(digits, epochs=1, cache=tmp_path)
    assert torch.load(weights, weights_only=True).keys() == net.state_dict().keys()


def test_real_images_score_near_zero_fid_and_full_diversity(feature_cache: Path) -> None:
    digits = load_dataset("digits")
    net = feature_net(digits, cache=feature_cache)  # the evaluator's default settings: shared with its tests
    quality = Quality(net, {"val": digits.x[:600]})
    real = quality.scores(digits.x[600:1200], "val")
    noise = quality.scores(np.random.default_rng(0).random((600, 1, 8, 8)).astype(np.float32), "val")
    assert real["fid"] < noise["fid"] / 10
    assert 0.8 < real["diversity"] < 1.25
    assert real["inception_score"] > noise["inception_score"]


def test_grids_tile_images(tmp_path: Path) -> None:
    images = np.zeros((5, 1, 4, 4), dtype=np.float32)
    images[2] = 1.0
    grid = image_grid(images, nrow=3, pad=1)
    assert grid.shape == (2 * 5 + 1, 3 * 5 + 1)
    assert grid[1:5, 11:15].min() == 1.0 and grid[1:5, 1:5].max() == 0.0
    save_grid(images, tmp_path / "g.png", nrow=3)
    import matplotlib.image as mpimg

    assert mpimg.imread(tmp_path / "g.png").shape[:2] == (22, 32)
