"""The training loop: plain PyTorch, tensors preloaded, one shuffle per epoch."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import torch
from torch import nn

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@contextmanager
def seeded_torch_rng(seed: int) -> Iterator[torch.Generator]:
    """Run a block with torch's default generator seeded to ``seed`` and restored afterwards.

    Parameter initialisation and dropout draw from torch's default generator; forking it keeps the caller's
    random state untouched, so library code owns its randomness. Yields a separate generator for shuffling.
    """
    with torch.random.fork_rng(devices=[]):
        torch.random.manual_seed(seed)
        generator = torch.Generator().manual_seed(seed + 1)
        yield generator


def train_one_epoch(model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: LossFn,
                    optimizer: torch.optim.Optimizer, batch_size: int, generator: torch.Generator,
                    l1: float = 0.0) -> float:
    """One pass over (x, y) in shuffled mini-batches; returns the mean training loss.

    A last batch of a single example is dropped (batch normalisation cannot train on it).
    """
    model.train()
    n = len(x)
    perm = torch.randperm(n, generator=generator)
    weights = [p for p in model.parameters() if p.dim() > 1] if l1 > 0 else []
    total = torch.zeros(())
    seen = 0
    for start in range(0, n, batch_size):
        idx = perm[start:start + batch_size]
        if len(idx) < 2 and seen > 0:
            break
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx])
        if weights:
            loss = loss + l1 * sum(w.abs().sum() for w in weights)
        loss.backward()
        optimizer.step()
        total += loss.detach() * len(idx)
        seen += len(idx)
    return float(total) / max(seen, 1)


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor, batch_size: int = 2048) -> torch.Tensor:
    """Model outputs for x in evaluation mode, (N, n_outputs)."""
    model.eval()
    return torch.cat([model(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])


def make_optimizer(name: str, params: Iterator[nn.Parameter] | list[nn.Parameter], lr: float, weight_decay: float,
                   momentum: float = 0.9) -> torch.optim.Optimizer:
    """sgd (momentum, Nesterov), adam, adamw, rmsprop or adagrad; ``weight_decay`` is the L2 penalty."""
    params = list(params)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=momentum, nesterov=momentum > 0, weight_decay=weight_decay)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, weight_decay=weight_decay, momentum=momentum)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, weight_decay=weight_decay)
    raise ValueError(f"unknown optimizer {name!r}")


def make_schedule(name: str, optimizer: torch.optim.Optimizer, epochs: int) -> torch.optim.lr_scheduler.LRScheduler:
    """Per-epoch schedule: constant, step (x0.1 at 1/2 and 3/4 of the epochs), exponential (x0.95), cosine."""
    sched = torch.optim.lr_scheduler
    if name == "step":
        return sched.MultiStepLR(optimizer, [max(1, epochs // 2), max(1, 3 * epochs // 4)], 0.1)
    if name == "exponential":
        return sched.ExponentialLR(optimizer, 0.95)
    if name == "cosine":
        return sched.CosineAnnealingLR(optimizer, max(1, epochs))
    if name == "constant":
        return sched.LambdaLR(optimizer, lambda _: 1.0)
    raise ValueError(f"unknown schedule {name!r}")
