"""Weights as after training, for checks that must not pass by accident on freshly initialised networks."""

from __future__ import annotations

import torch
from torch import nn


def perturb_weights(model: nn.Module, seed: int, input_shape: tuple[int, ...] | None = None) -> nn.Module:
    """Move every parameter by about its own size (seeded) and return ``model`` in eval mode.

    With ``input_shape``, the batch-norm statistics are then recomputed on seeded random inputs of that shape, as
    training leaves them: activations stay normalised and the outputs of the order of 1, as in a trained network.
    Without it they are set at random away from 0 / 1 (outputs of deep networks then grow large).
    """
    generator = torch.Generator().manual_seed(seed)
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    with torch.no_grad():
        for p in model.parameters():
            scale = float(p.abs().mean()) if p.numel() > 1 else 0.1
            p.add_(torch.randn(p.shape, generator=generator) * max(scale, 0.05))
        if input_shape is None:
            for name, b in model.named_buffers():
                if name.endswith("running_mean"):
                    b.copy_(torch.randn(b.shape, generator=generator) * 0.3)
                elif name.endswith("running_var"):
                    b.copy_(torch.rand(b.shape, generator=generator) + 0.5)
        elif norms:
            momenta = [m.momentum for m in norms]
            for m in norms:
                m.reset_running_stats()
                m.momentum = None  # a cumulative average over the calibration batches
            model.train()
            for _ in range(4):
                model(torch.randn(32, *input_shape, generator=generator))
            for m, momentum in zip(norms, momenta, strict=True):
                m.momentum = momentum
    return model.eval()
