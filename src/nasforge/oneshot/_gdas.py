"""GDAS: gradient-based search with a differentiable sampler (Dong & Yang, CVPR 2019)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from nasforge._validation import check_float
from nasforge.oneshot._alpha import AlphaMethod
from nasforge.oneshot._base import SearchData, register_oneshot, shuffled


@register_oneshot("gdas")
class GDAS(AlphaMethod):
    """Each step samples one op per edge with the Gumbel-softmax of alpha and runs only that op; the straight-
    through one-hot (hard sample forward, soft gradient backward) carries the gradient to alpha. Because a step
    runs one path, memory does not grow with the number of candidate ops, and the sampling noise keeps alpha
    from the early collapse of DARTS. The temperature falls linearly from ``tau_max`` to ``tau_min``; the shared
    weights learn on one half of the training data, alpha (Adam) on the other.

    Args:
        tau_max, tau_min: Gumbel-softmax temperature at the first and the last epoch (GDAS: 10 and 0.1).
        Others: as in :class:`AlphaMethod` (arch_lr, arch_weight_decay) and :class:`OneShotMethod`.
    """

    def __init__(self, *, tau_max: float = 10.0, tau_min: float = 0.1, **params: Any) -> None:
        super().__init__(**params)
        owner = type(self).__name__
        self.tau_max = check_float(owner, "tau_max", tau_max, minimum=0, strict_minimum=True)
        self.tau_min = check_float(owner, "tau_min", tau_min, minimum=0, strict_minimum=True, maximum=self.tau_max)

    def get_params(self) -> dict[str, Any]:
        return {**super().get_params(), "tau_max": self.tau_max, "tau_min": self.tau_min}

    def _hard_sample(self, tau: float) -> torch.Tensor:
        """(edges, ops) straight-through Gumbel-softmax one-hots: exact zeros off the sampled op."""
        uniform = torch.rand(self.alpha.shape).clamp_(1e-10, 1.0 - 1e-10)
        gumbel = -torch.log(-torch.log(uniform))
        soft = torch.softmax((torch.log_softmax(self.alpha, dim=-1) + gumbel) / tau, dim=-1)
        index = soft.detach().argmax(dim=-1, keepdim=True)
        hard = torch.zeros_like(soft).scatter_(-1, index, 1.0)
        return hard - soft.detach() + soft

    def _loss(self, data: SearchData, batch: Any, tau: float) -> torch.Tensor:
        return nn.functional.cross_entropy(self.net(data.x[batch], self._hard_sample(tau)), data.y[batch])

    def _epoch(self, epoch: int, data: SearchData) -> dict[str, float]:
        progress = (epoch - 1) / max(1, self.epochs - 1)
        tau = self.tau_max - (self.tau_max - self.tau_min) * progress
        self.net.train()
        total, n = 0.0, 0
        arch_batches = shuffled(data.arch, self.batch_size, self.generator)
        for batch in shuffled(data.train, self.batch_size, self.generator):
            loss = self._loss(data, batch, tau)
            self.step_weights(loss)
            total, n = total + float(loss.detach()) * len(batch), n + len(batch)
            arch_batch = next(arch_batches, None)
            if arch_batch is not None:
                self.arch_optimizer.zero_grad(set_to_none=True)
                torch.autograd.backward(self._loss(data, arch_batch, tau))
                self.arch_optimizer.step()
        return {"train_loss": total / max(1, n), "tau": tau, **self.alpha_stats()}
