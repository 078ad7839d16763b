"""Training and scoring of a VAE: the ELBO with its KL term, Adam."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from nasforge.generation._errors import GenerationDiverged
from nasforge.nn._vae import ConvVAE, negative_elbo


def train_vae(model: ConvVAE, images: torch.Tensor, *, epochs: int, batch_size: int, lr: float,
              generator_rng: torch.Generator, on_epoch: Callable[[int], None] | None = None) -> float:
    """Maximise the ELBO of ``images`` (N, C, H, W) in [0, 1]; returns the last epoch's mean negative ELBO.

    The posterior draws use torch's default generator (seed it around the call); shuffling uses
    ``generator_rng``. Raises GenerationDiverged when the loss is not finite.
    """
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    n = len(images)
    loss = math.nan
    for epoch in range(1, epochs + 1):
        model.train()
        perm = torch.randperm(n, generator=generator_rng)
        total, seen = 0.0, 0
        for start in range(0, n, batch_size):
            x = images[perm[start:start + batch_size]]
            nelbo = negative_elbo(model, x)[0].mean()
            optimizer.zero_grad(set_to_none=True)
            nelbo.backward()
            optimizer.step()
            total, seen = total + float(nelbo.detach()) * len(x), seen + len(x)
        loss = total / max(seen, 1)
        if not math.isfinite(loss):
            raise GenerationDiverged(f"the VAE's negative ELBO is {loss} at epoch {epoch}")
        if on_epoch is not None:
            on_epoch(epoch)
    return loss


@torch.no_grad()
def vae_scores(model: ConvVAE, images: torch.Tensor, seed: int, batch_size: int = 1000) -> dict[str, float]:
    """Mean ELBO (nats per image, one posterior draw), its KL term, and the reconstruction MSE of the posterior
    mean, on ``images`` in [0, 1]."""
    model.eval()
    elbo, kl, mse = 0.0, 0.0, 0.0
    with torch.random.fork_rng(devices=[]):
        torch.random.manual_seed(seed)
        for i in range(0, len(images), batch_size):
            x = images[i:i + batch_size]
            nelbo, _, kl_term = negative_elbo(model, x)
            recon = torch.sigmoid(model.decode(model.encode(x)[0]))
            elbo -= float(nelbo.sum())
            kl += float(kl_term.sum())
            mse += float((recon - x).pow(2).flatten(1).mean(1).sum())
    n = len(images)
    scores = {"elbo": elbo / n, "kl": kl / n, "recon_mse": mse / n}
    if not all(math.isfinite(v) for v in scores.values()):
        raise GenerationDiverged(f"the VAE's scores are not finite: {scores}")
    return scores


@torch.no_grad()
def vae_samples(model: ConvVAE, n: int, seed: int) -> np.ndarray:
    """``n`` images (N, C, H, W) in [0, 1]: Bernoulli means decoded from prior draws."""
    model.eval()
    z = torch.randn(n, model.latent, generator=torch.Generator().manual_seed(seed))
    return torch.sigmoid(model.decode(z)).numpy()
