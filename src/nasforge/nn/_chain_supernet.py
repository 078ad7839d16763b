"""A weight-sharing supernet of the chain space: one set of largest weights per layer position, sliced per path.

Each position holds, for every kernel size, the largest convolution (all widths and input channels), the largest
depthwise / pointwise pair and the largest pair of branch convolutions; a path (an architecture) runs the slices
its layer needs, with its stride and padding, as in once-for-all and single-path one-shot supernets (Cai et al.
2020, Guo et al. 2020). One forward pass runs one path, so memory does not grow with the number of choices.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import torch
from torch import nn
from torch.nn import functional as F

from nasforge.nn._layers import ACTIVATIONS

if TYPE_CHECKING:
    from nasforge.spaces import Architecture, ChainSpace
    from nasforge.spaces._chain import ChainPlan, LayerPlan

_CONV_OPS = ("conv", "sepconv", "branch_sum", "branch_concat")


def _conv_weight(c_out: int, c_in: int, k: int) -> nn.Parameter:
    weight = nn.Parameter(torch.empty(c_out, c_in, k, k))
    nn.init.kaiming_uniform_(weight, a=math.sqrt(5))  # nn.Conv2d's own initialisation
    return weight


class _Position(nn.Module):
    """The shared weights of one layer position."""

    def __init__(self, c_in: int, width: int, kernels: list[int]) -> None:
        super().__init__()
        self.conv = nn.ParameterDict({str(k): _conv_weight(width, c_in, k) for k in kernels})
        self.depthwise = nn.ParameterDict({str(k): _conv_weight(c_in, 1, k) for k in kernels})
        self.pointwise = _conv_weight(width, c_in, 1)
        self.branch_1x1 = _conv_weight(width, c_in, 1)
        self.branch_kxk = nn.ParameterDict({str(k): _conv_weight(width, c_in, k) for k in kernels})
        self.bias = nn.ParameterDict({name: nn.Parameter(torch.zeros(width)) for name in ("conv", "b1", "bk")})
        self.norms = nn.ModuleDict({op: nn.BatchNorm2d(width) for op in _CONV_OPS})

    def forward(self, x: torch.Tensor, layer: LayerPlan, norm: str) -> torch.Tensor:  # (B, c_in, H, W)
        c, k, s, p = layer.c_in, str(layer.kernel), layer.stride, layer.padding
        biased = norm == "none"
        if layer.op == "conv":
            out = F.conv2d(x, self.conv[k][:layer.c_out, :c], self.bias["conv"][:layer.c_out] if biased else None,
                           s, p)
        elif layer.op == "sepconv":
            out = F.conv2d(F.conv2d(x, self.depthwise[k][:c], None, s, p, groups=c), self.pointwise[:layer.c_out, :c])
        else:
            b = layer.branch
            one = F.conv2d(x, self.branch_1x1[:b, :c], self.bias["b1"][:b] if biased else None, s, 0)
            many = F.conv2d(x, self.branch_kxk[k][:b, :c], self.bias["bk"][:b] if biased else None, s, p)
            h, w = min(one.shape[-2], many.shape[-2]), min(one.shape[-1], many.shape[-1])
            one, many = _crop(one, h, w), _crop(many, h, w)
            out = one + many if layer.op == "branch_sum" else torch.cat([one, many], dim=1)
        if norm == "batch":
            bn = self.norms[layer.op]
            assert isinstance(bn, nn.BatchNorm2d) and bn.running_mean is not None and bn.running_var is not None
            n = layer.c_out  # slices of the running statistics are views: updates reach the shared buffers
            factor = bn.momentum
            if self.training and bn.num_batches_tracked is not None:
                bn.num_batches_tracked.add_(1)
                if factor is None:  # a cumulative average (batch-norm recalibration)
                    factor = 1.0 / float(bn.num_batches_tracked)
            out = F.batch_norm(out, bn.running_mean[:n], bn.running_var[:n], bn.weight[:n], bn.bias[:n],
                               self.training, 0.1 if factor is None else factor, bn.eps)
        return out


def _crop(x: torch.Tensor, h: int, w: int) -> torch.Tensor:
    top, left = (x.shape[-2] - h) // 2, (x.shape[-1] - w) // 2
    return x[..., top:top + h, left:left + w]


class ChainSupernet(nn.Module):
    """All networks of a :class:`~nasforge.spaces.ChainSpace` for inputs of ``input_shape``, sharing weights.
    ``forward(x, arch)`` runs the network of ``arch`` (its plan: ``ChainSpace.plan``)."""

    def __init__(self, space: ChainSpace, input_shape: tuple[int, ...], n_outputs: int) -> None:
        super().__init__()
        self.space, self.input_shape = space, tuple(input_shape)
        choices = space.choices()
        widths = [int(v) for v in choices["l0_width"]]
        kernels = sorted({int(v) for v in choices["l0_kernel"]})
        c_max = max([input_shape[0], *widths])
        self.positions = nn.ModuleList(_Position(input_shape[0] if i == 0 else c_max, max(widths), kernels)
                                       for i in range(space.max_layers))
        hidden = max(int(v) for v in choices["head"])
        features = max(4096, c_max)  # the flatten readout feeds at most 4,096 features (or one per channel)
        self.hidden = nn.Linear(features, max(1, hidden))
        self.out = nn.Linear(max(features, hidden), n_outputs)
        self._plans: dict[str, ChainPlan] = {}

    def plan(self, arch: Architecture) -> ChainPlan:
        key = self.space.key(arch)
        if key not in self._plans:
            self._plans[key] = self.space.plan(arch, self.input_shape)
        return self._plans[key]

    def forward(self, x: torch.Tensor, arch: Architecture) -> torch.Tensor:  # (B, C, H, W) -> (B, n_outputs)
        plan = self.plan(arch)
        act = ACTIVATIONS[plan.act]()
        for position, layer in zip(self.positions, plan.layers, strict=False):
            if layer.op == "maxpool":
                x = F.max_pool2d(x, layer.kernel, layer.stride, layer.padding)
            elif layer.op == "avgpool":
                x = F.avg_pool2d(x, layer.kernel, layer.stride, layer.padding)
            else:
                x = act(position(x, layer, plan.norm))
        if plan.side is not None:
            if (plan.side, plan.side) != tuple(x.shape[-2:]):
                x = F.adaptive_avg_pool2d(x, plan.side)
        else:
            x = F.adaptive_avg_pool2d(x, 1)
        x = F.dropout(x.flatten(1), plan.dropout, self.training)
        if plan.hidden > 0:
            x = F.linear(x, self.hidden.weight[:plan.hidden, :plan.features], self.hidden.bias[:plan.hidden])
            x = F.dropout(act(x), plan.dropout, self.training)
            return F.linear(x, self.out.weight[:, :plan.hidden], self.out.bias)
        return F.linear(x, self.out.weight[:, :plan.features], self.out.bias)
