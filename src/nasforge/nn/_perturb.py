"""Weights as after training, for checks that must not pass by accident on freshly initialised networks."""

from __future__ import annotations

import torch
from torch import nn


def perturb_weights(model: nn.Module, seed: int) -> nn.Module:
    """Move every parameter by about its own size and set batch-norm statistics away from 0 / 1 (seeded); returns
    ``model`` in eval mode. Exports compared on such weights cannot agree only because, say, a normalisation
    layer is still an identity."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            scale = float(p.abs().mean()) if p.numel() > 1 else 0.1
            p.add_(torch.randn(p.shape, generator=generator) * max(scale, 0.05))
        for name, b in model.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(torch.randn(b.shape, generator=generator) * 0.3)
            elif name.endswith("running_var"):
                b.copy_(torch.rand(b.shape, generator=generator) + 0.5)
    return model.eval()
