"""SynFlow (Tanaka et al. 2020), the zero-cost proxy of Abdelfattah et al. 2021."""

from __future__ import annotations

import copy

import torch
from torch import nn

from nasforge.proxies._base import LossFn, Proxy, register_proxy, weighted_layers


@register_proxy("synflow")
class SynFlow(Proxy):
    """Sum over conv / linear weights of |w * dR/dw|, where R is the sum of the outputs of the network with
    every parameter replaced by its absolute value, fed an all-ones input, in double precision.

    Data-independent: only the input shape is read. Batch normalisation is neutralised by evaluating in eval
    mode with the initial running statistics (mean 0, variance 1), the counterpart of the reference code's
    network without BN.
    """

    needs_data = False

    def score(self, model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, loss_fn: LossFn) -> float:
        net = copy.deepcopy(model).double().eval()
        with torch.no_grad():
            for tensor in net.state_dict().values():  # linearise: |theta| (shares storage with the parameters)
                tensor.abs_()
        net.zero_grad()
        ones = torch.ones((1, *inputs.shape[1:]), dtype=torch.float64)  # (1, C, H, W)
        net(ones).sum().backward()
        total = torch.zeros((), dtype=torch.float64)
        for layer in weighted_layers(net):
            if layer.weight.grad is not None:
                total += (layer.weight * layer.weight.grad).abs().sum()
        return float(total.detach())
