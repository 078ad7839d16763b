"""Parameter count and FLOPs as proxies: the baselines every zero-cost proxy must beat."""

from __future__ import annotations

import torch
from torch import nn

from nasforge.nn import count_flops, count_params
from nasforge.proxies._base import LossFn, Proxy, register_proxy


@register_proxy("params")
class Params(Proxy):
    """Trainable parameters (more is predicted to be better)."""

    needs_data = False

    def score(self, model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, loss_fn: LossFn) -> float:
        return float(count_params(model))


@register_proxy("flops")
class Flops(Proxy):
    """FLOPs of one forward pass on one example."""

    needs_data = False

    def score(self, model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, loss_fn: LossFn) -> float:
        was_training = model.training
        try:
            return count_flops(model, tuple(inputs.shape[1:]))
        finally:
            model.train(was_training)
