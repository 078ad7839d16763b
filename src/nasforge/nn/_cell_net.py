"""The NAS-Bench-201 network: a conv stem, three stages of cells, residual reduction blocks between them.

Dong & Yang, "NAS-Bench-201", ICLR 2020, Section 2 (macro skeleton) and their reference code (ReLUConvBN,
ResNetBasicblock).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn


class ReLUConvBN(nn.Module):
    """ReLU -> Conv -> BN, NAS-Bench-201's ``nor_conv_kxk``."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int = 1) -> None:
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(inplace=False), nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, bias=False),
                                nn.BatchNorm2d(c_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.op(x)


class Zero(nn.Module):
    """The ``none`` op: outputs zeros of the input's shape."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mul(0.0)


CELL_OPS: dict[str, Callable[[int], nn.Module]] = {
    "none": lambda c: Zero(),
    "skip_connect": lambda c: nn.Identity(),
    "nor_conv_1x1": lambda c: ReLUConvBN(c, c, 1),
    "nor_conv_3x3": lambda c: ReLUConvBN(c, c, 3),
    "avg_pool_3x3": lambda c: nn.AvgPool2d(3, 1, 1, count_include_pad=False),
}


class Cell(nn.Module):
    """node j = sum over i < j of op(i -> j)(node i); ``edges`` lists (i, j, op) in arch-string order."""

    def __init__(self, edges: Sequence[tuple[int, int, str]], n_nodes: int, channels: int) -> None:
        super().__init__()
        self.n_nodes = n_nodes
        self.edges = [(i, j) for i, j, _ in edges]
        self.ops = nn.ModuleList(CELL_OPS[op](channels) for _, _, op in edges)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        nodes = [x]
        for j in range(1, self.n_nodes):
            nodes.append(sum(op(nodes[i]) for (i, jj), op in zip(self.edges, self.ops, strict=True) if jj == j))
        return nodes[-1]


class ResidualReduction(nn.Module):
    """NAS-Bench-201's reduction block: a stride-2 ResNet basic block with an avg-pool + 1x1 conv shortcut."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv_a = ReLUConvBN(c_in, c_out, 3, 2)
        self.conv_b = ReLUConvBN(c_out, c_out, 3, 1)
        self.shortcut = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(c_in, c_out, 1, bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv_b(self.conv_a(x)) + self.shortcut(x)


def skeleton(make_cell: Callable[[int], nn.Module], in_channels: int, n_outputs: int, channels: int,
             cells_per_stage: int) -> tuple[nn.Module, nn.ModuleList, nn.Module]:
    """NAS-Bench-201's macro skeleton around ``make_cell(channels)``: the stem, the body (three stages of
    ``cells_per_stage`` cells at channels x1, x2, x4 with a residual reduction before stages 2 and 3) and the
    head (BN-ReLU, global average pooling, a linear classifier)."""
    stem = nn.Sequential(nn.Conv2d(in_channels, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels))
    layers: list[nn.Module] = []
    c = channels
    for stage in range(3):
        if stage > 0:
            layers.append(ResidualReduction(c, c * 2))
            c *= 2
        layers.extend(make_cell(c) for _ in range(cells_per_stage))
    head = nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, n_outputs))
    return stem, nn.ModuleList(layers), head


class CellNetwork(nn.Module):
    """Stem (3x3 conv, ``channels``), stages of ``cells_per_stage`` cells at channels x1, x2, x4 with a
    residual reduction before stages 2 and 3, then BN-ReLU, global average pooling and a linear classifier."""

    def __init__(self, edges: Sequence[tuple[int, int, str]], n_nodes: int, in_channels: int, n_outputs: int,
                 channels: int = 16, cells_per_stage: int = 5) -> None:
        super().__init__()
        stem, body, self.head = skeleton(lambda c: Cell(edges, n_nodes, c), in_channels, n_outputs, channels,
                                         cells_per_stage)
        self.stem, self.cells = stem, nn.Sequential(*body)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, C, H, W) -> (B, n_outputs)
        out: torch.Tensor = self.head(self.cells(self.stem(x)))
        return out
