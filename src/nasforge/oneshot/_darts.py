"""DARTS: differentiable architecture search (Liu et al., ICLR 2019), first and second order."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from nasforge._validation import check_choice, check_float
from nasforge.oneshot._alpha import AlphaMethod
from nasforge.oneshot._base import SearchData, register_oneshot, shuffled


@register_oneshot("darts")
class DARTS(AlphaMethod):
    """Every edge computes the softmax(alpha)-weighted sum of all its ops; the shared weights descend the loss on
    one half of the training data, alpha descends the loss on the other half (Liu et al. 2019, Algorithm 1). The
    derived cell takes the op with the largest alpha on each edge. Memory grows with the number of ops.

    ``order=2`` uses the unrolled gradient (Liu et al. 2019, Eq. 6-8): alpha's gradient is taken at the weights
    after one virtual SGD step (learning rate and weight decay of the current step, no momentum), the Hessian-
    vector product by finite differences with epsilon = 0.01 / ||grad||. ``beta_reg`` > 0 adds beta-DARTS' penalty
    (Ye et al. 2022), ``beta_reg`` * mean over edges of logsumexp(alpha), which keeps alpha from collapsing onto
    parameter-free ops.

    Args:
        order: 1 (first order) or 2 (second order).
        beta_reg: weight of the beta-DARTS regulariser (0: plain DARTS).
        Others: as in :class:`AlphaMethod` (arch_lr, arch_weight_decay) and :class:`OneShotMethod`.
    """

    def __init__(self, *, order: int = 1, beta_reg: float = 0.0, **params: Any) -> None:
        super().__init__(**params)
        owner = type(self).__name__
        self.order = int(check_choice(owner, "order", order, (1, 2)))
        self.beta_reg = check_float(owner, "beta_reg", beta_reg, minimum=0)

    def get_params(self) -> dict[str, Any]:
        return {**super().get_params(), "order": self.order, "beta_reg": self.beta_reg}

    def _loss(self, data: SearchData, batch: Any) -> torch.Tensor:
        out = self.net(data.x[batch], torch.softmax(self.alpha, dim=-1))
        return nn.functional.cross_entropy(out, data.y[batch])

    def _arch_loss(self, data: SearchData, batch: Any) -> torch.Tensor:
        loss = self._loss(data, batch)
        if self.beta_reg > 0:
            loss = loss + self.beta_reg * torch.logsumexp(self.alpha, dim=-1).mean()
        return loss

    def _epoch(self, epoch: int, data: SearchData) -> dict[str, float]:
        self.net.train()
        total, n = 0.0, 0
        arch_batches = shuffled(data.arch, self.batch_size, self.generator)
        for batch in shuffled(data.train, self.batch_size, self.generator):
            arch_batch = next(arch_batches, None)
            if arch_batch is not None:
                self.arch_optimizer.zero_grad(set_to_none=True)
                if self.order == 1:
                    torch.autograd.backward(self._arch_loss(data, arch_batch))
                else:
                    self._unrolled_gradient(data, batch, arch_batch)
                self.arch_optimizer.step()
            loss = self._loss(data, batch)
            self.step_weights(loss)
            total, n = total + float(loss.detach()) * len(batch), n + len(batch)
        return {"train_loss": total / max(1, n), **self.alpha_stats()}

    def _unrolled_gradient(self, data: SearchData, batch: Any, arch_batch: Any) -> None:
        """Set alpha.grad to the second-order DARTS gradient (Liu et al. 2019, Eq. 7 and 8)."""
        weights = [p for p in self.net.parameters()]
        xi = self.optimizer.param_groups[0]["lr"]
        backup = [p.detach().clone() for p in weights]
        grads = torch.autograd.grad(self._loss(data, batch), weights, allow_unused=True)
        with torch.no_grad():  # w' = w - xi * (grad + weight decay * w)
            for p, g in zip(weights, grads, strict=True):
                if g is not None:
                    p.sub_(xi * (g + self.weight_decay * p))
        val_loss = self._arch_loss(data, arch_batch)
        grad_alpha, *grad_w = torch.autograd.grad(val_loss, [self.alpha, *weights], allow_unused=True)
        norm = torch.sqrt(sum((g * g).sum() for g in grad_w if g is not None))  # type: ignore[arg-type]
        eps = 0.01 / (float(norm) + 1e-12)
        hessian = []
        for sign in (1.0, -1.0):  # alpha-gradients of the training loss at w +- eps * grad_w'
            with torch.no_grad():
                for p, b, g in zip(weights, backup, grad_w, strict=True):
                    p.copy_(b + sign * eps * g if g is not None else b)
            hessian.append(torch.autograd.grad(self._loss(data, batch), self.alpha)[0])
        with torch.no_grad():
            for p, b in zip(weights, backup, strict=True):
                p.copy_(b)
        self.alpha.grad = grad_alpha - xi * (hessian[0] - hessian[1]) / (2 * eps)
