"""Export round trips: every trainable space's networks come back from model.py, TorchScript and ONNX with the
same outputs (registry-driven: a new space is tested with no new test code)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from nasforge.export import TOLERANCE, ExportError, export_model, load_standalone, module_source
from nasforge.nn import perturb_weights
from nasforge.spaces import GANSpace, create_space, list_spaces

SMALL = {"nb201": {"channels": 4, "cells_per_stage": 1}, "joint": {"space": "chain"}}
INPUTS = {"mlp": (12,)}  # tabular; every other trainable space takes images


@pytest.fixture(autouse=True)
def _seeded() -> None:
    torch.manual_seed(0)  # the networks' initial weights


def _trainable() -> list[str]:
    names = []
    for name in list_spaces():
        try:
            space = create_space(name, **SMALL.get(name, {}))
        except Exception:  # needs arguments (the table space is not trainable)
            continue
        if space.trainable:
            names.append(name)
    return names


@pytest.mark.parametrize("name", _trainable())
def test_every_trainable_space_round_trips(name: str, tmp_path: Path) -> None:
    space = create_space(name, **SMALL[name]) if name in SMALL else create_space(name)
    shape = INPUTS.get(name, (3, 16, 16))
    rng = np.random.default_rng(1)
    archs = [space.sample(rng) for _ in range(3)] + [a for a in [space.baseline()] if a is not None]
    for i, arch in enumerate(archs):
        model = perturb_weights(space.build(arch, shape, 5), i, shape)
        result = export_model(model, tmp_path / f"{name}{i}", input_shape=shape, arch=arch.to_dict())
        assert set(result.max_abs_diff) == {"module", "torchscript", "onnx"}
        assert result.max_abs_diff["module"] <= TOLERANCE["module"]
        assert result.max_abs_diff["onnx"] <= 1e-4
        # the standalone file on its own, on a batch of another size than the one exported with
        rebuilt = load_standalone(result.files["module"], result.files["weights"])
        x = torch.randn(7, *shape)
        with torch.no_grad():
            assert torch.allclose(rebuilt(x), model(x), atol=1e-6)
        assert rebuilt.state_dict().keys() == model.state_dict().keys()
        assert json.loads(result.files["json"].read_text())["decisions"] == arch.to_dict()["decisions"]


def test_onnx_has_a_dynamic_batch(tmp_path: Path) -> None:
    import onnxruntime

    space = create_space("chain")
    model = perturb_weights(space.build(space.sample(np.random.default_rng(3)), (1, 8, 8), 4), 0, (1, 8, 8))
    result = export_model(model, tmp_path, input_shape=(1, 8, 8), formats=["onnx"])
    session = onnxruntime.InferenceSession(str(result.files["onnx"]), providers=["CPUExecutionProvider"])
    x = torch.randn(11, 1, 8, 8)
    (out,) = session.run(None, {"input": x.numpy()})
    with torch.no_grad():
        assert np.abs(out - model(x).numpy()).max() <= 1e-4


def test_gan_generator_round_trips(tmp_path: Path) -> None:
    space = GANSpace(n_cells=2, z_dim=16)
    rng = np.random.default_rng(0)
    for i in range(3):
        generator = perturb_weights(space.generator(space.sample(rng), (1, 8, 8)), i, (16,))
        result = export_model(generator, tmp_path / str(i), input_shape=(16,))
        assert result.max_abs_diff["module"] <= TOLERANCE["module"]
        assert result.max_abs_diff["onnx"] <= 1e-4


def test_standalone_file_needs_only_torch(tmp_path: Path) -> None:
    space = create_space("nb201", channels=4, cells_per_stage=1)
    model = perturb_weights(space.build(space.sample(np.random.default_rng(5)), (3, 8, 8), 3), 0, (3, 8, 8))
    export_model(model, tmp_path, input_shape=(3, 8, 8), formats=["module"])
    with torch.no_grad():
        expected = model(torch.ones(2, 3, 8, 8)).tolist()
    code = ("import sys, json, torch; sys.path.insert(0, '.'); from model import build, INPUT_SHAPE; net = build(); "
            "net.load_state_dict(torch.load('weights.pt', weights_only=True)); net.eval(); "
            "out = net(torch.ones(2, *INPUT_SHAPE)).tolist(); "
            "print(json.dumps({'out': out, 'nasforge': [m for m in sys.modules if m.startswith('nasforge')]}))")
    run = subprocess.run([sys.executable, "-I", "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         check=True)
    printed = json.loads(run.stdout)
    assert printed["nasforge"] == []
    assert np.allclose(printed["out"], expected, atol=1e-6)


def test_layers_without_a_source_form_are_refused() -> None:
    class Opaque(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.table = np.arange(3)  # not a literal

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x

    with pytest.raises(ExportError, match="Cannot export a value of type ndarray"):
        module_source(nn.Sequential(nn.Linear(2, 2), Opaque()))
    with pytest.raises(ExportError, match="parametrizations"):
        module_source(nn.utils.parametrizations.spectral_norm(nn.Linear(2, 2)))


def test_large_outputs_are_checked_relative_to_their_size(tmp_path: Path) -> None:
    """A network whose outputs are in the thousands (float32 rounding grows with them) is still exported."""
    space = create_space("chain")
    model = perturb_weights(space.build(space.sample(np.random.default_rng(2)), (1, 8, 8), 4), 0, (1, 8, 8))
    with torch.no_grad():
        last = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
        last.weight.mul_(1e4)
    result = export_model(model, tmp_path, input_shape=(1, 8, 8), formats=["onnx"])
    assert result.output_scale > 1e3
    assert result.max_abs_diff["onnx"] <= 1e-4 * result.output_scale
