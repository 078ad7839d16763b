"""ENAS: a controller that learns by policy gradient on a supernet's shared weights (Pham et al., ICML 2018)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from nasforge._validation import check_float, check_int
from nasforge.oneshot._base import OneShotMethod, SearchData, register_oneshot, shuffled
from nasforge.spaces import Architecture


class Controller(nn.Module):
    """An LSTM that picks one of ``n_choices`` ops for each of ``n_decisions`` edges in turn; each pick is fed
    back as the next input (Pham et al. 2018, Section 2.1)."""

    def __init__(self, n_decisions: int, n_choices: int, hidden: int = 64) -> None:
        super().__init__()
        self.n_decisions, self.hidden = n_decisions, hidden
        self.embed = nn.Embedding(n_choices + 1, hidden)  # the last index is the start token
        self.cell = nn.LSTMCell(hidden, hidden)
        self.out = nn.Linear(hidden, n_choices)

    def sample(self, greedy: bool = False) -> tuple[list[int], torch.Tensor, torch.Tensor]:
        """Op indices, the sum of their log-probabilities and of the policy's entropies."""
        h = c = torch.zeros(1, self.hidden)
        token = torch.tensor([self.embed.num_embeddings - 1])
        picks, log_prob, entropy = [], torch.zeros(()), torch.zeros(())
        for _ in range(self.n_decisions):
            h, c = self.cell(self.embed(token), (h, c))
            log_p = torch.log_softmax(self.out(h)[0], dim=-1)  # (n_choices,)
            choice = log_p.argmax() if greedy else torch.multinomial(log_p.detach().exp(), 1)[0]
            log_prob, entropy = log_prob + log_p[choice], entropy - (log_p.exp() * log_p).sum()
            picks.append(int(choice))
            token = choice.reshape(1)
        return picks, log_prob, entropy


@register_oneshot("enas")
class ENAS(OneShotMethod):
    """Each epoch alternates two phases (Pham et al. 2018): the shared weights train on the training half, one
    controller-sampled path per mini-batch; then the controller takes ``controller_steps`` REINFORCE steps, the
    reward of a sampled cell being its accuracy on a mini-batch of the other half, with an exponential moving
    average baseline and an entropy bonus. The result is the best, on the validation data after batch-norm
    recalibration, of the controller's greedy cell and ``n_final`` sampled ones.

    Args:
        controller_steps: policy-gradient steps per epoch.
        controller_lr: Adam learning rate of the controller.
        entropy_weight: weight of the entropy bonus.
        baseline_decay: decay of the reward baseline.
        n_final: sampled cells compared at the end.
        n_eval: validation examples per comparison.
        Others: as in :class:`OneShotMethod`.
    """

    def __init__(self, *, controller_steps: int = 20, controller_lr: float = 3.5e-4, entropy_weight: float = 1e-4,
                 baseline_decay: float = 0.95, n_final: int = 10, n_eval: int = 500, **params: Any) -> None:
        super().__init__(**params)
        owner = type(self).__name__
        self.controller_steps = check_int(owner, "controller_steps", controller_steps, minimum=1)
        self.controller_lr = check_float(owner, "controller_lr", controller_lr, minimum=0, strict_minimum=True)
        self.entropy_weight = check_float(owner, "entropy_weight", entropy_weight, minimum=0)
        self.baseline_decay = check_float(owner, "baseline_decay", baseline_decay, minimum=0, maximum=1)
        self.n_final = check_int(owner, "n_final", n_final, minimum=0)
        self.n_eval = check_int(owner, "n_eval", n_eval, minimum=1)

    def get_params(self) -> dict[str, Any]:
        return {**super().get_params(), "controller_steps": self.controller_steps,
                "controller_lr": self.controller_lr, "entropy_weight": self.entropy_weight,
                "baseline_decay": self.baseline_decay, "n_final": self.n_final, "n_eval": self.n_eval}

    def _setup(self, data: SearchData) -> None:
        self.controller = Controller(self.cells.n_edges, self.cells.n_ops)
        self.controller_optimizer = torch.optim.Adam(self.controller.parameters(), lr=self.controller_lr)
        self.baseline: float | None = None

    def _path(self, picks: list[int]) -> torch.Tensor:
        path = torch.zeros(self.cells.n_edges, self.cells.n_ops)
        path[torch.arange(self.cells.n_edges), torch.tensor(picks)] = 1.0
        return path

    def _epoch(self, epoch: int, data: SearchData) -> dict[str, float]:
        self.net.train()
        total, n = 0.0, 0
        for batch in shuffled(data.train, self.batch_size, self.generator):
            with torch.no_grad():
                picks, _, _ = self.controller.sample()
            loss = nn.functional.cross_entropy(self.net(data.x[batch], self._path(picks)), data.y[batch])
            self.step_weights(loss)
            total, n = total + float(loss.detach()) * len(batch), n + len(batch)
        rewards = []
        reward_batches = shuffled(data.arch, self.batch_size, self.generator)
        for _ in range(self.controller_steps):
            chosen: np.ndarray | None = next(reward_batches, None)
            if chosen is None:
                reward_batches = shuffled(data.arch, self.batch_size, self.generator)
                chosen = next(reward_batches)
            picks, log_prob, entropy = self.controller.sample()
            with torch.no_grad():  # training-mode batch norm: the statistics of this path on this batch
                out = self.net(data.x[chosen], self._path(picks))
            reward = float((out.argmax(1) == data.y[chosen]).float().mean())
            self.baseline = reward if self.baseline is None else (
                self.baseline_decay * self.baseline + (1 - self.baseline_decay) * reward)
            loss = -(reward - self.baseline) * log_prob - self.entropy_weight * entropy
            self.controller_optimizer.zero_grad(set_to_none=True)
            torch.autograd.backward(loss)
            self.controller_optimizer.step()
            rewards.append(reward)
        return {"train_loss": total / max(1, n), "controller_reward": sum(rewards) / len(rewards)}

    def _derive(self, data: SearchData) -> Architecture:
        with torch.no_grad():
            return self.coding.arch(self.controller.sample(greedy=True)[0])

    def _final(self, data: SearchData) -> Architecture:
        with torch.no_grad():
            candidates = [self._derive(data)] + [self.coding.arch(self.controller.sample()[0])
                                                 for _ in range(self.n_final)]
        scores = {}
        for arch in candidates:
            key = self.space.key(arch)
            if key not in scores:
                scores[key] = (self.path_accuracy(arch, data, self.n_eval), arch)
        return max(scores.values(), key=lambda item: item[0])[1]
