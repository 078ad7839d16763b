"""Zero-cost proxies: reference values on hand-built networks, and every proxy on every trainable space."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from nasforge.proxies import create_proxy, list_proxies
from nasforge.spaces import create_space, list_spaces
from tests.spaces.test_trainable import SMALL

CE = nn.functional.cross_entropy


def _linear(rows: list[list[float]]) -> nn.Linear:
    layer = nn.Linear(len(rows[0]), len(rows), bias=False)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(rows))
    return layer


def test_synflow_of_a_linear_network_is_depth_times_its_path_sum() -> None:
    # R = 1^T |W2| |W1| 1; every weight's |w * dR/dw| sums to R once per layer, so synflow = 2 R
    w1, w2 = [[1.0, -2.0, 0.5], [-1.0, 3.0, 2.0]], [[2.0, -1.0]]
    net = nn.Sequential(_linear(w1), nn.ReLU(), _linear(w2))
    path_sum = float(np.ones(1) @ np.abs(w2) @ np.abs(w1) @ np.ones(3))  # 2*3.5 + 1*6 = 13
    score = create_proxy("synflow").score(net, torch.randn(4, 3), torch.zeros(4, dtype=torch.long), CE)
    assert score == pytest.approx(2 * path_sum) and path_sum == 13.0
    assert net[0].weight[0, 1].item() == -2.0, "the proxy works on a copy; the network keeps its weights"


def test_naswot_counts_agreeing_activation_codes() -> None:
    # codes (input > 0) of two examples: [1, 0] and [1, 1]; K = [[2, 1], [1, 2]], log det K = log 3
    x = torch.tensor([[1.0, -1.0], [2.0, 3.0]])
    score = create_proxy("naswot").score(nn.Sequential(nn.ReLU()), x, torch.zeros(2, dtype=torch.long), CE)
    assert score == pytest.approx(math.log(3.0))
    assert create_proxy("naswot").score(_linear([[1.0, 1.0]]), x, torch.zeros(2, dtype=torch.long), CE) == -math.inf


def test_jacob_cov_rewards_uncorrelated_jacobians_and_rejects_blind_networks() -> None:
    x = torch.randn(8, 5, generator=torch.Generator().manual_seed(0))
    y = torch.zeros(8, dtype=torch.long)
    blind = nn.Sequential(nn.Linear(5, 3), nn.ReLU(), nn.Linear(3, 2))
    with torch.no_grad():
        blind[0].weight.zero_()  # the output ignores the input
    assert create_proxy("jacob_cov").score(blind, x, y, CE) == -math.inf
    torch.manual_seed(0)
    wide, narrow = nn.Sequential(nn.Linear(5, 64), nn.ReLU(), nn.Linear(64, 2)), nn.Sequential(nn.Linear(5, 2))
    # a linear network has one Jacobian for every example: perfectly correlated, the worst finite score
    assert create_proxy("jacob_cov").score(wide, x, y, CE) > create_proxy("jacob_cov").score(narrow, x, y, CE)


def test_gradient_proxies_match_their_definitions_on_one_layer() -> None:
    torch.manual_seed(1)
    layer = nn.Linear(4, 3)
    x, y = torch.randn(6, 4), torch.tensor([0, 1, 2, 0, 1, 2])
    out = layer(x)
    out.retain_grad()
    CE(out, y).backward()
    assert layer.weight.grad is not None and out.grad is not None
    expected = {"grad_norm": float(layer.weight.grad.norm()),
                "snip": float((layer.weight * layer.weight.grad).detach().abs().sum()),
                "fisher": float((out * out.grad).detach().pow(2).mean(0).mul(0.5).sum())}
    layer.zero_grad()
    for name, value in expected.items():
        assert create_proxy(name).score(layer, x, y, CE) == pytest.approx(value, rel=1e-5), name
    assert layer.weight.grad is None or float(layer.weight.grad.abs().sum()) == 0.0


def test_unknown_proxy_lists_the_names() -> None:
    with pytest.raises(Exception, match="Unknown proxy 'synflw'. Registered names: .*synflow"):
        create_proxy("synflw")


@pytest.mark.parametrize("space_name", list_spaces())
def test_every_proxy_scores_every_trainable_space(space_name: str) -> None:
    try:
        space = create_space(space_name, **SMALL.get(space_name, {}))
    except Exception:
        pytest.skip(f"{space_name} needs constructor arguments")
    if not space.trainable:
        pytest.skip(f"{space_name} cannot build networks")
    shape, classes = (1, 8, 8), 3
    rng = np.random.default_rng(0)
    arch = space.sample(rng)
    torch.manual_seed(0)
    model = space.build(arch, shape, classes)
    before = [p.detach().clone() for p in model.parameters()]
    x, y = torch.randn(8, *shape), torch.arange(8) % classes
    for name in list_proxies():
        value = create_proxy(name).score(model, x, y, CE)
        assert isinstance(value, float) and not math.isnan(value), (name, value)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
