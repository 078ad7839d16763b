"""Costs of a network: parameters, FLOPs and CPU latency."""

from __future__ import annotations

import statistics
import time

import torch
from torch import nn


def count_params(model: nn.Module) -> int:
    """Trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def count_flops(model: nn.Module, input_shape: tuple[int, ...]) -> float:
    """FLOPs of one forward pass on one example (PyTorch's own counter; a multiply-add counts 2)."""
    from torch.utils.flop_counter import FlopCounterMode

    model.eval()
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(torch.zeros(1, *input_shape))
    return float(counter.get_total_flops())


def latency_ms(model: nn.Module, input_shape: tuple[int, ...], batch: int, repeats: int = 10) -> float:
    """Median CPU latency (ms) of one forward pass at ``batch``, after one warm-up."""
    model.eval()
    x = torch.zeros(batch, *input_shape)
    times = []
    with torch.inference_mode():
        model(x)
        for _ in range(repeats):
            start = time.perf_counter()
            model(x)
            times.append(1000.0 * (time.perf_counter() - start))
    return statistics.median(times)
