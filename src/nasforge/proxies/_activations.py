"""Proxies from the activations and input Jacobians of one mini-batch (Mellor et al.)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import torch
from torch import nn

from nasforge.proxies._base import LossFn, Proxy, register_proxy

# modules whose input sign pattern is a unit's on/off code
_ACTIVATIONS = (nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.ELU, nn.GELU, nn.SiLU, nn.Mish, nn.Tanh, nn.Sigmoid, nn.Hardswish)


@register_proxy("naswot")
class NASWOT(Proxy):
    """NASWOT (Mellor et al. 2021, ICML): log|K_H| where K_H[i, j] counts the activation units on which
    examples i and j agree (both on or both off), over every activation module of the network. A network
    without activation modules gets -inf."""

    def score(self, model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, loss_fn: LossFn) -> float:
        net = copy.deepcopy(model).train()
        n = inputs.shape[0]
        kernel = torch.zeros((n, n), dtype=torch.float64)
        seen = [0]

        def hook(module: nn.Module, args: Any, output: torch.Tensor) -> None:
            codes = (args[0].detach().reshape(n, -1) > 0).double()  # (B, units)
            kernel.add_(codes @ codes.T + (1.0 - codes) @ (1.0 - codes).T)
            seen[0] += 1

        handles = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, _ACTIVATIONS)]
        try:
            with torch.no_grad():
                net(inputs)
        finally:
            for handle in handles:
                handle.remove()
        if not seen[0]:  # a linear network: no codes tell examples apart
            return float("-inf")
        sign, logdet = torch.linalg.slogdet(kernel)
        return float(logdet) if float(sign) > 0 else float("-inf")


@register_proxy("jacob_cov")
class JacobCov(Proxy):
    """The first NASWOT score (Mellor et al. 2020, arXiv v1): how uncorrelated the input Jacobians of the
    examples are, -sum_i (log(s_i + k) + 1 / (s_i + k)) over the eigenvalues s_i of their correlation
    matrix, k = 1e-5. A network whose output ignores the input gets -inf."""

    def score(self, model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, loss_fn: LossFn) -> float:
        net = copy.deepcopy(model).train()
        x = inputs.detach().clone().requires_grad_(True)
        out = net(x)
        out.backward(torch.ones_like(out))
        if x.grad is None:
            return float("-inf")
        jacobians = x.grad.reshape(x.shape[0], -1).double().numpy()  # (B, input units)
        if np.any(jacobians.std(axis=1) == 0):
            return float("-inf")
        eig = np.linalg.eigvalsh(np.corrcoef(jacobians))
        k = 1e-5
        return float(-np.sum(np.log(np.clip(eig, 0, None) + k) + 1.0 / (np.clip(eig, 0, None) + k)))
