"""Building blocks of the trainable spaces."""

from __future__ import annotations

import torch
from torch import nn

ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU, "gelu": nn.GELU, "silu": nn.SiLU, "tanh": nn.Tanh, "elu": nn.ELU, "leaky_relu": nn.LeakyReLU,
}


def activation(name: str) -> nn.Module:
    """An activation module by name."""
    return ACTIVATIONS[name]()


def norm2d(name: str, channels: int) -> nn.Module:
    """``batch`` -> BatchNorm2d, ``none`` -> identity."""
    return nn.BatchNorm2d(channels) if name == "batch" else nn.Identity()


def norm1d(name: str, features: int) -> nn.Module:
    """``batch`` -> BatchNorm1d, ``layer`` -> LayerNorm, ``none`` -> identity."""
    if name == "batch":
        return nn.BatchNorm1d(features)
    if name == "layer":
        return nn.LayerNorm(features)
    return nn.Identity()


class SepConv(nn.Module):
    """Depthwise-separable convolution: a depthwise k x k conv, then a pointwise 1 x 1 conv."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, padding: int) -> None:
        super().__init__()
        self.depthwise = nn.Conv2d(c_in, c_in, kernel, stride, padding, groups=c_in, bias=False)
        self.pointwise = nn.Conv2d(c_in, c_out, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))


class Branches(nn.Module):
    """Parallel branches on one input, merged by ``sum`` or ``concat`` (along channels).

    Outputs of different spatial sizes (a 1 x 1 and a k x k convolution without padding) are center-cropped
    to the smallest one before merging.
    """

    def __init__(self, branches: list[nn.Module], merge: str) -> None:
        super().__init__()
        self.branches = nn.ModuleList(branches)
        self.merge = merge

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outs = [branch(x) for branch in self.branches]  # each (B, C_i, H_i, W_i)
        h, w = min(o.shape[-2] for o in outs), min(o.shape[-1] for o in outs)
        outs = [_center_crop(o, h, w) for o in outs]
        if self.merge == "sum":
            return torch.stack(outs).sum(0)
        return torch.cat(outs, dim=1)


def _center_crop(x: torch.Tensor, h: int, w: int) -> torch.Tensor:
    top, left = (x.shape[-2] - h) // 2, (x.shape[-1] - w) // 2
    return x[..., top:top + h, left:left + w]
