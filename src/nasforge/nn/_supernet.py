"""A weight-sharing supernet of a cell space: every edge holds every candidate op (Liu et al. 2019, DARTS)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import torch
from torch import nn

from nasforge.nn._cell_net import CELL_OPS, skeleton

# per edge, the indices of the ops to run (the others have weight exactly 0)
Selection = list[list[int]]


class MixedCell(nn.Module):
    """A cell whose edge e computes sum over ops o of weights[e, o] * op_o(input), running only the ops of
    ``selected[e]``: all of them for DARTS' softmax weights, one for a sampled path (GDAS, ENAS, single-path), so
    the memory of a sampled step does not grow with the number of candidate ops."""

    def __init__(self, edges: Sequence[tuple[int, int]], n_nodes: int, channels: int, ops: Sequence[str]) -> None:
        super().__init__()
        self.edges, self.n_nodes = list(edges), n_nodes
        self.mixed = nn.ModuleList(nn.ModuleList(CELL_OPS[op](channels) for op in ops) for _ in self.edges)

    def forward(self, x: torch.Tensor, weights: torch.Tensor, selected: Selection) -> torch.Tensor:
        nodes = [x]
        for j in range(1, self.n_nodes):
            total: torch.Tensor | None = None
            for e, (i, jj) in enumerate(self.edges):
                if jj != j:
                    continue
                for o in selected[e]:
                    term = weights[e, o] * cast(nn.ModuleList, self.mixed[e])[o](nodes[i])
                    total = term if total is None else total + term
            nodes.append(total if total is not None else torch.zeros_like(x))
        return nodes[-1]


class CellSupernet(nn.Module):
    """NAS-Bench-201's macro skeleton with one :class:`MixedCell` per cell; all cells share one set of edge
    weights, as in NAS-Bench-201's one-shot baselines. ``forward(x, weights)`` takes the (edges, ops) weights:
    softmax probabilities, straight-through one-hots or constant one-hots of a path."""

    def __init__(self, edges: Sequence[tuple[int, int]], n_nodes: int, ops: Sequence[str], in_channels: int,
                 n_outputs: int, channels: int = 16, cells_per_stage: int = 5) -> None:
        super().__init__()
        self.n_edges, self.n_ops = len(edges), len(ops)
        self.stem, self.body, self.head = skeleton(lambda c: MixedCell(edges, n_nodes, c, ops), in_channels,
                                                   n_outputs, channels, cells_per_stage)

    def forward(self, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:  # (B, C, H, W), (E, O) -> (B, out)
        nonzero = weights.detach() != 0
        selected = [torch.nonzero(row).flatten().tolist() for row in nonzero]
        out = self.stem(x)
        for layer in self.body:
            out = layer(out, weights, selected) if isinstance(layer, MixedCell) else layer(out)
        result: torch.Tensor = self.head(out)
        return result

