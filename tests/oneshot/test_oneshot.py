"""One-shot search: the supernet computes what the discrete network computes, every method runs, repeats and
records its result."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from nasforge.evaluators import TrainingEvaluator
from nasforge.exceptions import ValidationError
from nasforge.nn import CellSupernet
from nasforge.oneshot import GDAS, create_oneshot, list_oneshot, record
from nasforge.oneshot._base import CellCoding
from nasforge.spaces import CellSpace

SMALL = {"channels": 4, "cells_per_stage": 1}
QUICK = {"spos": {"population": 4, "parents": 2, "generations": 1, "n_eval": 100},
         "enas": {"controller_steps": 3, "n_final": 2}}


@pytest.fixture(scope="module")
def evaluator() -> TrainingEvaluator:
    return TrainingEvaluator(data="digits", space="nb201", space_params=SMALL, epochs=1, train_subset=400,
                             measure_latency=False, threads=1)


def test_a_one_hot_path_of_the_supernet_is_the_discrete_network() -> None:
    space = CellSpace(**SMALL)
    arch = space.sample(np.random.default_rng(4))
    torch.manual_seed(0)
    supernet = CellSupernet(space.edges, space.n_nodes, space.ops, 1, 3, **SMALL)
    network = space.build(arch, (1, 8, 8), 3)
    coding = CellCoding(space)
    path = coding.one_hot(arch)
    chosen = path.argmax(1).tolist()
    shared = supernet.state_dict()
    mapped = {}
    for key in network.state_dict():
        parts = key.split(".")
        if parts[0] == "cells" and parts[2] == "ops":  # cells.N.ops.E.rest <- body.N.mixed.E.O.rest
            e = int(parts[3])
            mapped[key] = shared[".".join(["body", parts[1], "mixed", parts[3], str(chosen[e]), *parts[4:]])]
        elif parts[0] == "cells":
            mapped[key] = shared[".".join(["body", *parts[1:]])]
        else:
            mapped[key] = shared[key]
    network.load_state_dict(mapped)
    supernet.eval()
    network.eval()
    x = torch.randn(5, 1, 8, 8)
    assert torch.allclose(supernet(x, path), network(x), atol=1e-6)
    assert coding.arch(chosen) == arch


def test_gdas_samples_one_op_per_edge_and_its_gradient_reaches_alpha() -> None:
    method = GDAS()
    method.alpha = torch.nn.Parameter(torch.randn(6, 5))
    hard = method._hard_sample(tau=1.0)
    assert torch.equal((hard.detach() != 0).sum(1), torch.ones(6, dtype=torch.long))
    assert torch.allclose(hard.detach().sum(1), torch.ones(6))
    (hard * torch.arange(5.0)).sum().backward()
    assert method.alpha.grad is not None and float(method.alpha.grad.abs().sum()) > 0


@pytest.mark.parametrize("name", list_oneshot())
def test_every_method_derives_a_cell_and_repeats_with_its_seed(name: str, evaluator: TrainingEvaluator) -> None:
    rows: list[dict[str, object]] = []
    first = create_oneshot(name, epochs=2, seed=3, **QUICK.get(name, {})).search(evaluator, callback=rows.append)
    evaluator.natural_space().validate(first.arch)
    assert len(first.history) == 2 and rows == first.history
    assert all(np.isfinite(row["train_loss"]) for row in first.history)  # type: ignore[arg-type]
    assert 0.0 <= first.metrics["val_accuracy"] <= 1.0 and first.metrics["search_time_s"] > 0
    again = create_oneshot(name, epochs=2, seed=3, **QUICK.get(name, {})).search(evaluator)
    assert again.arch == first.arch and again.metrics["val_accuracy"] == first.metrics["val_accuracy"]
    assert [r["train_loss"] for r in again.history] == [r["train_loss"] for r in first.history]


def test_second_order_darts_takes_a_different_step(evaluator: TrainingEvaluator) -> None:
    first = create_oneshot("darts", epochs=1, seed=0, order=1).search(evaluator)
    second = create_oneshot("darts", epochs=1, seed=0, order=2).search(evaluator)
    assert first.arch_weights is not None and second.arch_weights is not None
    assert not np.allclose(first.arch_weights, second.arch_weights)
    assert np.allclose(np.sum(second.arch_weights, axis=1), 1.0)


def test_the_derived_cell_is_recorded_as_a_trial(evaluator: TrainingEvaluator, tmp_path: object) -> None:
    result = create_oneshot("gdas", epochs=1, seed=0).search(evaluator)
    study, trial = record(result, evaluator, storage=f"sqlite:///{tmp_path}/os.db", name="os")
    assert study.best_trial is not None and study.best_trial.arch == result.arch
    assert trial.metrics["val_accuracy"] == result.metrics["val_accuracy"] and trial.metrics["params"] > 0


def test_bad_input() -> None:
    chain = TrainingEvaluator(data="digits", space="chain", epochs=1, measure_latency=False)
    with pytest.raises(ValidationError, match="searches a CellSpace one-shot"):
        create_oneshot("darts", epochs=1).search(chain)
    with pytest.raises(ValidationError, match="'order' parameter of DARTS"):
        create_oneshot("darts", order=3)
    with pytest.raises(ValidationError, match="Unknown one-shot method 'dart'"):
        create_oneshot("dart")


def test_a_chain_supernet_path_is_the_discrete_network() -> None:
    from torch import nn

    from nasforge.nn import ChainSupernet
    from nasforge.spaces import ChainSpace

    space = ChainSpace(ops=("conv", "maxpool"), max_layers=3)
    supernet = ChainSupernet(space, (1, 8, 8), 3)
    rng = np.random.default_rng(0)
    for _ in range(10):
        arch = space.sample(rng)
        network = space.build(arch, (1, 8, 8), 3)
        plan = space.plan(arch, (1, 8, 8))
        convs = [m for m in network if isinstance(m, nn.Conv2d)]
        norms = [m for m in network if isinstance(m, nn.BatchNorm2d)]
        linears = [m for m in network if isinstance(m, nn.Linear)]
        with torch.no_grad():
            for i, layer in enumerate(layer for layer in plan.layers if layer.op == "conv"):
                position = supernet.positions[[j for j, lay in enumerate(plan.layers) if lay.op == "conv"][i]]
                conv = convs[i]
                conv.weight.copy_(position.conv[str(layer.kernel)][:layer.c_out, :layer.c_in])
                if conv.bias is not None:
                    conv.bias.copy_(position.bias["conv"][:layer.c_out])
                if norms:
                    shared = position.norms["conv"]
                    norms[i].weight.copy_(shared.weight[:layer.c_out])
                    norms[i].bias.copy_(shared.bias[:layer.c_out])
            if plan.hidden > 0:
                linears[0].weight.copy_(supernet.hidden.weight[:plan.hidden, :plan.features])
                linears[0].bias.copy_(supernet.hidden.bias[:plan.hidden])
                linears[1].weight.copy_(supernet.out.weight[:, :plan.hidden])
            else:
                linears[0].weight.copy_(supernet.out.weight[:, :plan.features])
            linears[-1].bias.copy_(supernet.out.bias)
        supernet.eval()
        network.eval()
        x = torch.randn(4, 1, 8, 8)
        assert torch.allclose(supernet(x, arch), network(x), atol=1e-5), space.describe(arch)


def test_single_path_one_shot_searches_the_chain_space() -> None:
    ev = TrainingEvaluator(data="digits", space="chain", space_params={"max_layers": 3, "widths": [8, 16]},
                           epochs=1, train_subset=400, measure_latency=False, threads=1)
    result = create_oneshot("spos", epochs=2, seed=0, **QUICK["spos"]).search(ev)
    ev.natural_space().validate(result.arch)
    assert 0.0 <= result.metrics["val_accuracy"] <= 1.0
    again = create_oneshot("spos", epochs=2, seed=0, **QUICK["spos"]).search(ev)
    assert again.arch == result.arch and again.metrics["val_accuracy"] == result.metrics["val_accuracy"]
    with pytest.raises(ValidationError, match="DARTS searches a CellSpace one-shot"):
        create_oneshot("darts", epochs=1).search(ev)
