"""What the gradient-based methods share: per-edge architecture logits alpha, learned by Adam."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from nasforge._validation import check_float
from nasforge.oneshot._base import OneShotMethod, SearchData
from nasforge.spaces import Architecture


class AlphaMethod(OneShotMethod):
    """A one-shot method with (edges, ops) logits alpha on a cell supernet, optimised by Adam (betas 0.5, 0.999,
    DARTS' settings); the derived cell takes the op with the largest alpha on each edge.

    Args:
        arch_lr, arch_weight_decay: Adam on alpha.
        Others: as in :class:`OneShotMethod`.
    """

    def __init__(self, *, arch_lr: float = 3e-4, arch_weight_decay: float = 1e-3, **params: Any) -> None:
        super().__init__(**params)
        owner = type(self).__name__
        self.arch_lr = check_float(owner, "arch_lr", arch_lr, minimum=0, strict_minimum=True)
        self.arch_weight_decay = check_float(owner, "arch_weight_decay", arch_weight_decay, minimum=0)

    def get_params(self) -> dict[str, Any]:
        return {**super().get_params(), "arch_lr": self.arch_lr, "arch_weight_decay": self.arch_weight_decay}

    def _setup(self, data: SearchData) -> None:
        self.alpha = nn.Parameter(1e-3 * torch.randn(self.cells.n_edges, self.cells.n_ops))
        self.arch_optimizer = torch.optim.Adam([self.alpha], lr=self.arch_lr, betas=(0.5, 0.999),
                                               weight_decay=self.arch_weight_decay)

    def alpha_stats(self) -> dict[str, float]:
        """Mean entropy of the per-edge op distributions and mean largest probability (for the history)."""
        probs = torch.softmax(self.alpha.detach(), dim=-1)
        return {"alpha_entropy": float(-(probs * probs.log()).sum(-1).mean()),
                "alpha_max_prob": float(probs.max(-1).values.mean())}

    def _derive(self, data: SearchData) -> Architecture:
        return self.coding.arch(self.alpha.detach().argmax(dim=-1).tolist())

    def _arch_weights(self) -> list[list[float]]:
        return torch.softmax(self.alpha.detach(), dim=-1).tolist()
