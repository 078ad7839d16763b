"""PyTorch building blocks that the trainable spaces assemble into networks."""

from __future__ import annotations

from nasforge.nn._cell_net import CELL_OPS, Cell, CellNetwork, ReLUConvBN, ResidualReduction, Zero
from nasforge.nn._layers import ACTIVATIONS, Branches, SepConv, activation, norm1d, norm2d

__all__ = [
    "ACTIVATIONS",
    "CELL_OPS",
    "Branches",
    "Cell",
    "CellNetwork",
    "ReLUConvBN",
    "ResidualReduction",
    "SepConv",
    "Zero",
    "activation",
    "norm1d",
    "norm2d",
]
