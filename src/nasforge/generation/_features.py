"""The feature extractor of FID and the Inception Score: a small classifier trained on the dataset itself and
cached on disk (no weights are downloaded). Its penultimate layer gives the features, its softmax the class
probabilities."""

from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import tempfile
from pathlib import Path

import numpy as np
import torch
from torch import nn

from nasforge.data import Dataset
from nasforge.nn import seeded_torch_rng, train_one_epoch

CACHE_ENV = "NASFORGE_CACHE"
FEATURES = 128
MIN_STEPS = 1000  # small datasets get more epochs: at least this many optimizer steps
_BATCH = 128
_VERSION = 1


class FeatureNet(nn.Module):
    """Two 3x3 conv + max-pool stages (32, 64 channels), a 128-unit ReLU layer (the features), a linear head."""

    def __init__(self, image_shape: tuple[int, int, int], n_classes: int) -> None:
        super().__init__()
        c, h, w = image_shape
        self.body = nn.Sequential(
            nn.Conv2d(c, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(64 * (h // 4) * (w // 4), FEATURES), nn.ReLU())
        self.head = nn.Linear(FEATURES, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


def cache_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """``path``, else ``$NASFORGE_CACHE``, else ``~/.cache/nasforge``."""
    return Path(path or os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "nasforge")


def _fingerprint(dataset: Dataset, epochs: int, seed: int) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([_VERSION, dataset.name, list(dataset.x.shape), epochs, seed]).encode())
    digest.update(np.ascontiguousarray(dataset.x).tobytes())
    digest.update(np.ascontiguousarray(dataset.y).tobytes())
    return digest.hexdigest()[:16]


def _train(dataset: Dataset, epochs: int, seed: int) -> tuple[FeatureNet, float | None]:
    shape = dataset.input_shape
    x, y = torch.from_numpy(dataset.x), torch.from_numpy(dataset.y)
    with seeded_torch_rng(seed) as generator:
        net = FeatureNet((shape[0], shape[1], shape[2]), dataset.n_classes)
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
        for _ in range(epochs):
            train_one_epoch(net, x, y, nn.CrossEntropyLoss(), optimizer, _BATCH, generator)
    accuracy = None
    if dataset.x_test is not None and dataset.y_test is not None:
        _, probs = extract(net, dataset.x_test)
        accuracy = float((probs.argmax(1) == dataset.y_test).mean())
    return net, accuracy


def feature_net(dataset: Dataset, *, epochs: int = 3, seed: int = 0,
                cache: str | os.PathLike[str] | None = None) -> FeatureNet:
    """The extractor of ``dataset`` (a classification set of images): loaded from the cache when a network was
    trained on the same data with the same settings, else trained (``epochs`` of Adam, or more on a small dataset:
    at least ``MIN_STEPS`` steps of 128 images) and cached.

    The weights are stored as a plain state dict and loaded with ``weights_only=True``; a sidecar JSON records
    the data, the settings and the extractor's test accuracy.
    """
    shape = dataset.input_shape
    epochs = max(epochs, math.ceil(MIN_STEPS * _BATCH / len(dataset.x)))
    folder = cache_dir(cache)
    name = f"features-{dataset.name}-{_fingerprint(dataset, epochs, seed)}"
    weights = folder / f"{name}.pt"
    net = FeatureNet((shape[0], shape[1], shape[2]), dataset.n_classes)
    if weights.is_file():
        try:
            net.load_state_dict(torch.load(weights, weights_only=True))
            return net.eval()
        except (RuntimeError, OSError, ValueError, KeyError, pickle.UnpicklingError):  # corrupt or foreign: retrain
            pass
    net, accuracy = _train(dataset, epochs, seed)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as handle:
        torch.save(net.state_dict(), handle)
    os.replace(handle.name, weights)  # atomic: concurrent workers never read half a file
    meta = {"data": dataset.name, "shape": list(dataset.x.shape), "epochs": epochs, "seed": seed,
            "test_accuracy": accuracy}
    (folder / f"{name}.json").write_text(json.dumps(meta, indent=1))
    return net.eval()


@torch.no_grad()
def extract(net: FeatureNet, images: np.ndarray | torch.Tensor, batch_size: int = 1000
            ) -> tuple[np.ndarray, np.ndarray]:
    """Features (N, 128) and class probabilities (N, K) of images (N, C, H, W) in [0, 1]."""
    net.eval()
    x = torch.as_tensor(images, dtype=torch.float32)
    feats, probs = [], []
    for i in range(0, len(x), batch_size):
        h = net.body(x[i:i + batch_size])
        feats.append(h)
        probs.append(torch.softmax(net.head(h), dim=1))
    return torch.cat(feats).numpy().astype(np.float64), torch.cat(probs).numpy().astype(np.float64)
