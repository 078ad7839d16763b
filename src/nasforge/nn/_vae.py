"""A convolutional variational auto-encoder for the VAE space (Kingma & Welling, 2014)."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from nasforge.nn._layers import activation


class ConvVAE(nn.Module):
    """Encoder: ``enc_depth`` stride-2 k x k convolutions (width doubling), then linear layers to the mean and
    log-variance of a diagonal Gaussian posterior. Decoder: a linear layer to the smallest resolution, then
    ``dec_depth`` x2 up-sampling k x k convolutions (width halving down to ``dec_width``) and a 3x3 conv to
    Bernoulli logits of each pixel, resized to the image when the sizes do not divide."""

    def __init__(self, image_shape: tuple[int, int, int], *, enc_depth: int, enc_width: int, dec_depth: int,
                 dec_width: int, kernel: int, latent: int, act: str) -> None:
        super().__init__()
        channels, height, width = image_shape
        self.image_shape, self.latent = image_shape, latent
        layers: list[nn.Module] = []
        c_in, h, w = channels, height, width
        for i in range(enc_depth):
            c_out = enc_width * 2 ** i
            layers += [nn.Conv2d(c_in, c_out, kernel, stride=2, padding=kernel // 2), activation(act)]
            c_in, h, w = c_out, (h + 1) // 2, (w + 1) // 2
        self.encoder = nn.Sequential(*layers, nn.Flatten())
        self.mu = nn.Linear(c_in * h * w, latent)
        self.logvar = nn.Linear(c_in * h * w, latent)
        scale = 2 ** dec_depth
        self.start = (-(-height // scale), -(-width // scale))
        self.dec_channels = dec_width * 2 ** (dec_depth - 1)
        self.project = nn.Sequential(nn.Linear(latent, self.dec_channels * self.start[0] * self.start[1]),
                                     activation(act))
        blocks: list[nn.Module] = []
        c_in = self.dec_channels
        for i in reversed(range(dec_depth)):
            c_out = dec_width * 2 ** max(i - 1, 0) if i > 0 else dec_width
            blocks += [nn.Upsample(scale_factor=2, mode="nearest"),
                       nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2), activation(act)]
            c_in = c_out
        self.decoder = nn.Sequential(*blocks, nn.Conv2d(c_in, channels, 3, padding=1))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean and log-variance of q(z | x)."""
        h = self.encoder(x)
        return self.mu(h), self.logvar(h).clamp(-20.0, 20.0)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Bernoulli logits of p(x | z), the image's shape."""
        h = self.decoder(self.project(z).view(z.shape[0], self.dec_channels, *self.start))
        if tuple(h.shape[-2:]) != self.image_shape[1:]:
            h = F.interpolate(h, size=self.image_shape[1:], mode="bilinear", align_corners=False)
        return h

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Reconstruction logits (one reparameterised draw), mean and log-variance."""
        mu, logvar = self.encode(x)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decode(z), mu, logvar


def negative_elbo(model: ConvVAE, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per-example negative ELBO in nats (one posterior draw), its reconstruction term and its KL term, for
    images in [0, 1] under a Bernoulli likelihood."""
    logits, mu, logvar = model(x)
    recon = F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1)
    kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(1)
    return recon + kl, recon, kl
