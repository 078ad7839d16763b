"""Gradient saliency proxies from one mini-batch: grad_norm, snip and fisher (Abdelfattah et al. 2021)."""

from __future__ import annotations

import copy
from typing import Any

import torch
from torch import nn

from nasforge.proxies._base import LossFn, Proxy, register_proxy, weighted_layers


def _backward(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, loss_fn: LossFn) -> nn.Module:
    """A copy of ``model`` in training mode whose parameters hold the gradients of the mini-batch loss."""
    net = copy.deepcopy(model).train()
    net.zero_grad()
    torch.autograd.backward(loss_fn(net(inputs), targets))
    return net


@register_proxy("grad_norm")
class GradNorm(Proxy):
    """Sum over conv / linear layers of the Euclidean norm of the weight gradient."""

    def score(self, model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, loss_fn: LossFn) -> float:
        net = _backward(model, inputs, targets, loss_fn)
        return float(sum(float(m.weight.grad.norm()) for m in weighted_layers(net) if m.weight.grad is not None))


@register_proxy("snip")
class Snip(Proxy):
    """SNIP's connection sensitivity (Lee et al. 2019) summed over conv / linear weights: sum |w * dL/dw|."""

    def score(self, model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, loss_fn: LossFn) -> float:
        net = _backward(model, inputs, targets, loss_fn)
        return float(sum(float((m.weight * m.weight.grad).detach().abs().sum()) for m in weighted_layers(net)
                         if m.weight.grad is not None))


@register_proxy("fisher")
class Fisher(Proxy):
    """Fisher information of the conv / linear outputs (Turner et al. 2020): per channel k,
    0.5 * mean over the batch of (sum over positions of a_k * dL/da_k)^2, summed over channels and layers."""

    def score(self, model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, loss_fn: LossFn) -> float:
        net = copy.deepcopy(model).train()
        total = [0.0]

        def on_grad(act: torch.Tensor, grad: torch.Tensor) -> None:
            g = act * grad  # (B, C, ...) or (B, C)
            g_nk = g.sum(dim=tuple(range(2, g.dim()))) if g.dim() > 2 else g  # (B, C)
            total[0] += float(g_nk.pow(2).mean(0).mul(0.5).sum())

        def hook(module: nn.Module, args: Any, output: torch.Tensor) -> None:
            if output.requires_grad:
                act = output.detach()
                output.register_hook(lambda grad: on_grad(act, grad))  # type: ignore[no-untyped-call]

        handles = [layer.register_forward_hook(hook) for layer in weighted_layers(net)]
        try:
            net.zero_grad()
            torch.autograd.backward(loss_fn(net(inputs), targets))
        finally:
            for handle in handles:
                handle.remove()
        return total[0]
