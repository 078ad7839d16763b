"""Your own model and training loop: an MLP on scikit-learn's digits, trained a few epochs with Adam.

This file stands for the code a user already has; nasforge does not know it. ``search_nasforge.py`` and
``search_optuna.py`` search the same four decisions of it (depth, width, activation, learning rate), and
``objective.py`` is the function ``nasforge search --objective-fn`` calls.

``OWN_MODEL_EPOCHS`` and ``OWN_MODEL_SUBSET`` (environment) shorten a run for tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

EPOCHS = int(os.environ.get("OWN_MODEL_EPOCHS", "5"))
SUBSET = int(os.environ.get("OWN_MODEL_SUBSET", "0"))  # 0: all 1,797 digits
ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "gelu": torch.nn.GELU}


def build_mlp(depth: int, width: int, act: str, seed: int = 0) -> torch.nn.Module:
    """``depth`` hidden layers of ``width`` units, 64 pixels in, 10 classes out."""
    torch.manual_seed(seed)  # the same architecture starts from the same weights
    layers: list[torch.nn.Module] = []
    size = 64
    for _ in range(depth):
        layers += [torch.nn.Linear(size, width), ACTIVATIONS[act]()]
        size = width
    layers.append(torch.nn.Linear(size, 10))
    return torch.nn.Sequential(*layers)


@lru_cache(maxsize=1)
def digits() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Training and validation splits (75 / 25 %, stratified), pixels scaled to [0, 1]."""
    x, y = load_digits(return_X_y=True)
    if SUBSET:
        x, y = x[:SUBSET], y[:SUBSET]
    x_train, x_val, y_train, y_val = train_test_split(x / 16.0, y, test_size=0.25, random_state=0, stratify=y)
    return (torch.tensor(x_train, dtype=torch.float32), torch.tensor(y_train),
            torch.tensor(x_val, dtype=torch.float32), torch.tensor(y_val))


def train_and_score(model: torch.nn.Module, lr: float, epochs: int = EPOCHS, seed: int = 0,
                    on_epoch: Callable[[int, float], None] | None = None) -> float:
    """Train ``model`` for ``epochs`` and return its validation accuracy (``on_epoch(epoch, accuracy)`` after each)."""
    torch.set_num_threads(1)  # one core per trial: two trials run at once on two cores
    x_train, y_train, x_val, y_val = digits()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    order = torch.Generator().manual_seed(seed)
    accuracy = 0.0
    for epoch in range(epochs):
        model.train()
        for batch in torch.randperm(len(x_train), generator=order).split(32):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            accuracy = (model(x_val).argmax(1) == y_val).float().mean().item()
        if on_epoch is not None:
            on_epoch(epoch, accuracy)
    return accuracy
