"""Adversarial training of a generator against a discriminator: hinge or non-saturating loss, several
discriminator steps per generator step, Adam."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from nasforge.generation._errors import GenerationDiverged

GAN_LOSSES = ("hinge", "nonsaturating")


@dataclass(frozen=True)
class GANConfig:
    """Settings of adversarial training (Adam with ``beta1``, 0.999; the two-time-scale ``d_lr``)."""

    epochs: int
    batch_size: int = 64
    lr: float = 2e-4
    d_lr: float = 2e-4
    beta1: float = 0.5
    loss: str = "hinge"
    n_critic: int = 1


def d_loss(loss: str, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Discriminator loss on real and fake scores."""
    if loss == "hinge":
        return F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()
    return F.softplus(-real).mean() + F.softplus(fake).mean()


def g_loss(loss: str, fake: torch.Tensor) -> torch.Tensor:
    """Generator loss on the discriminator's scores of fakes."""
    return -fake.mean() if loss == "hinge" else F.softplus(-fake).mean()


def train_gan(generator: nn.Module, discriminator: nn.Module, images: torch.Tensor, config: GANConfig,
              generator_rng: torch.Generator, on_epoch: Callable[[int], None] | None = None) -> dict[str, float]:
    """Train in place on ``images`` (N, C, H, W) scaled to [-1, 1]; ``on_epoch(epoch)`` runs after each epoch.

    Raises GenerationDiverged when a loss is not finite. Returns the last epoch's mean losses.
    """
    z_dim = int(generator.z_dim)  # type: ignore[arg-type]
    opt_g = torch.optim.Adam(generator.parameters(), lr=config.lr, betas=(config.beta1, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=config.d_lr, betas=(config.beta1, 0.999))
    n = len(images)
    losses = {"d_loss": math.nan, "g_loss": math.nan}
    for epoch in range(1, config.epochs + 1):
        generator.train()
        discriminator.train()
        perm = torch.randperm(n, generator=generator_rng)
        d_sum, g_sum, d_steps, g_steps = 0.0, 0.0, 0, 0
        for step, start in enumerate(range(0, n - config.batch_size + 1, config.batch_size)):
            real = images[perm[start:start + config.batch_size]]
            z = torch.randn(len(real), z_dim, generator=generator_rng)
            with torch.no_grad():
                fake = generator(z)
            loss_d = d_loss(config.loss, discriminator(real), discriminator(fake))
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            d_sum, d_steps = d_sum + float(loss_d.detach()), d_steps + 1
            if (step + 1) % config.n_critic == 0:
                z = torch.randn(len(real), z_dim, generator=generator_rng)
                loss_g = g_loss(config.loss, discriminator(generator(z)))
                opt_g.zero_grad(set_to_none=True)
                loss_g.backward()
                opt_g.step()
                g_sum, g_steps = g_sum + float(loss_g.detach()), g_steps + 1
        losses = {"d_loss": d_sum / max(d_steps, 1), "g_loss": g_sum / max(g_steps, 1)}
        if not all(math.isfinite(v) for v in losses.values()):
            raise GenerationDiverged(f"GAN losses are not finite at epoch {epoch}: {losses}")
        if on_epoch is not None:
            on_epoch(epoch)
    return losses


@torch.no_grad()
def generate(generator: nn.Module, n: int, seed: int, batch_size: int = 500) -> np.ndarray:
    """``n`` samples (N, C, H, W) in [0, 1] from seeded latents, the generator in evaluation mode."""
    generator.eval()
    rng = torch.Generator().manual_seed(seed)
    z_dim = int(generator.z_dim)  # type: ignore[arg-type]
    out = [generator(torch.randn(min(batch_size, n - i), z_dim, generator=rng)) for i in range(0, n, batch_size)]
    images = (torch.cat(out) + 1.0) / 2.0
    if not torch.all(torch.isfinite(images)):
        raise GenerationDiverged("the generator's samples are not finite")
    return images.clamp(0.0, 1.0).numpy()
