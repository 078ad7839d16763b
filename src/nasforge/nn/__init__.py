"""PyTorch building blocks that the trainable spaces assemble into networks."""

from __future__ import annotations

from nasforge.nn._cell_net import CELL_OPS, Cell, CellNetwork, ReLUConvBN, ResidualReduction, Zero
from nasforge.nn._chain_supernet import ChainSupernet
from nasforge.nn._costs import count_flops, count_params, latency_ms
from nasforge.nn._layers import ACTIVATIONS, Branches, SepConv, activation, norm1d, norm2d
from nasforge.nn._perturb import perturb_weights
from nasforge.nn._supernet import CellSupernet, MixedCell
from nasforge.nn._train import make_optimizer, make_schedule, predict, seeded_torch_rng, train_one_epoch

__all__ = [
    "ACTIVATIONS",
    "CELL_OPS",
    "Branches",
    "Cell",
    "CellNetwork",
    "CellSupernet",
    "ChainSupernet",
    "MixedCell",
    "ReLUConvBN",
    "ResidualReduction",
    "SepConv",
    "Zero",
    "activation",
    "count_flops",
    "count_params",
    "latency_ms",
    "make_optimizer",
    "make_schedule",
    "norm1d",
    "norm2d",
    "perturb_weights",
    "predict",
    "seeded_torch_rng",
    "train_one_epoch",
]
