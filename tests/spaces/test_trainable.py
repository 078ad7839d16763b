"""Every trainable space builds networks that run forward and backward (registry-driven)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from nasforge.spaces import CellSpace, ChainSpace, create_space, list_spaces

SMALL = {"nb201": {"channels": 4, "cells_per_stage": 1}, "joint": {"space": "chain"}}


@pytest.mark.parametrize("name", list_spaces())
def test_sampled_networks_train_one_step(name: str, tmp_path: Path) -> None:
    try:
        space = create_space(name, **SMALL.get(name, {}))
    except Exception:
        pytest.skip(f"{name} needs constructor arguments (covered by its own tests)")
    if not space.trainable:
        pytest.skip(f"{name} is not trainable")
    rng = np.random.default_rng(0)
    for _ in range(8):
        arch = space.sample(rng)
        model = space.build(arch, (1, 8, 8), 3)
        x = torch.randn(4, 1, 8, 8)
        out = model(x)
        assert out.shape == (4, 3)
        out.square().mean().backward()
        assert any(p.grad is not None for p in model.parameters())
    baseline = space.baseline()
    if baseline is not None:
        space.validate(baseline)
        assert space.build(baseline, (1, 8, 8), 3)(torch.randn(2, 1, 8, 8)).shape == (2, 3)


def test_cell_network_parameter_counts_match_the_benchmark(nb201_path: str) -> None:
    """NAS-Bench-201's own skeleton (16 channels, 5 cells per stage, CIFAR-10) reproduces the table's params."""
    from nasforge.evaluators import NB201Evaluator

    ev = NB201Evaluator(nb201_path=nb201_path)
    space = CellSpace()
    for index in (6111, 0, 1, 857, 9930):
        arch = space.parse(ev.table.arch_str[index])
        params = sum(p.numel() for p in space.build(arch, (3, 32, 32), 10).parameters()) / 1e6
        assert params == pytest.approx(ev.table.columns["params_MB_c10"][index], abs=1e-5)


def test_chain_repairs_layers_that_would_shrink_below_one_pixel() -> None:
    space = ChainSpace(max_layers=4, ops=("conv", "maxpool"), strides=(2,), kernels=(5,), paddings=("valid",))
    arch = space.make((4, "conv", 16, 5, 2, "maxpool", 16, 5, 2, "conv", 32, 5, 2, "conv", 16, 5, 2,
                       "relu", "batch", "valid", 0.0, 0, "flatten"))
    out = space.build(arch, (1, 8, 8), 2)(torch.randn(2, 1, 8, 8))
    assert out.shape == (2, 2)


def test_chain_canonical_form() -> None:
    space = ChainSpace(max_layers=2)
    arch = space.sample(np.random.default_rng(3))
    values = dict(arch.decisions)
    values["depth"] = 1
    short = space.make(tuple(values.values()))
    # layer 1 is inactive: its decisions are reset, so two depth-1 archs differing only there are equal
    other = dict(short.decisions)
    other["l1_width"] = space.choices()["l1_width"][-1]
    assert space.make(tuple(other.values())) == short
    pool = dict(short.decisions)
    pool["l0_op"], pool["l0_width"] = "maxpool", space.choices()["l0_width"][-1]
    assert space.make(tuple(pool.values()))["l0_width"] == space.choices()["l0_width"][0]


def test_joint_space_moves_and_config() -> None:
    space = create_space("joint", space="mlp", epochs=[1, 2])
    rng = np.random.default_rng(0)
    arch = space.sample(rng)
    config = space.training_config(arch)  # type: ignore[attr-defined]
    assert set(config) == {"optimizer", "lr", "schedule", "weight_decay", "l1", "batch_size", "epochs"}
    neighbors = space.neighbors(arch)
    assert all(sum(a != b for a, b in zip(n.values(), arch.values(), strict=True)) >= 1 for n in neighbors)
    assert len({space.key(n) for n in neighbors}) == len(neighbors)
