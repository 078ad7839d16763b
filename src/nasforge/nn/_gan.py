"""GAN networks for the generation spaces: an AutoGAN-style cell generator and a convolutional discriminator.

Gong et al., "AutoGAN: Neural Architecture Search for Generative Adversarial Networks", ICCV 2019. A generator
cell up-samples its input (bilinear, nearest or a transposed convolution), then runs two 3x3 convolution blocks
(pre-activation: norm -> ReLU -> conv; post-activation: conv -> norm -> ReLU); an optional in-cell shortcut adds
the up-sampled input (1x1 conv), and cross-cell skips add the first block's output of an earlier cell, resized.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

UPSAMPLES = ("bilinear", "nearest", "deconv")
BLOCKS = ("pre", "post")
GEN_NORMS = ("none", "batch", "instance")


@dataclass(frozen=True)
class CellPlan:
    """The decisions of one generator cell (``skips_from``: earlier cells whose first block feeds this one)."""

    upsample: str
    block: str
    norm: str
    shortcut: bool
    skips_from: tuple[int, ...]


def gen_norm(name: str, channels: int) -> nn.Module:
    """``none``, ``batch`` (BatchNorm2d) or ``instance`` (affine InstanceNorm2d)."""
    if name == "batch":
        return nn.BatchNorm2d(channels)
    if name == "instance":
        return nn.InstanceNorm2d(channels, affine=True)
    return nn.Identity()


class ConvBlock(nn.Module):
    """A 3x3 convolution with its normalisation and ReLU, before (``pre``) or after (``post``) it."""

    def __init__(self, c_in: int, c_out: int, block: str, norm: str) -> None:
        super().__init__()
        self.pre = block == "pre"
        self.norm = gen_norm(norm, c_in if self.pre else c_out)
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.pre:
            return self.conv(F.relu(self.norm(x)))
        return F.relu(self.norm(self.conv(x)))


class GenCell(nn.Module):
    """One up-sampling cell of the generator (x2 resolution)."""

    def __init__(self, c_in: int, c_out: int, plan: CellPlan, skip_channels: Sequence[int]) -> None:
        super().__init__()
        self.plan = plan
        self.up = nn.ConvTranspose2d(c_in, c_in, 4, stride=2, padding=1) if plan.upsample == "deconv" else None
        self.block1 = ConvBlock(c_in, c_out, plan.block, plan.norm)
        self.block2 = ConvBlock(c_out, c_out, plan.block, plan.norm)
        self.shortcut = nn.Conv2d(c_in, c_out, 1) if plan.shortcut else None
        self.skips = nn.ModuleList(nn.Conv2d(c, c_out, 1) for c in skip_channels)

    def _upsample(self, x: torch.Tensor) -> torch.Tensor:
        if self.up is not None:
            return self.up(x)
        if self.plan.upsample == "bilinear":
            return F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        return F.interpolate(x, scale_factor=2, mode="nearest")

    def forward(self, x: torch.Tensor, earlier: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        """Returns the cell's output and its first block's output (a skip source for later cells)."""
        h = self.block1(self._upsample(x))
        first = h
        for conv, source in zip(self.skips, earlier, strict=True):
            h = h + conv(F.interpolate(source, size=h.shape[-2:], mode="nearest"))
        h = self.block2(h)
        if self.shortcut is not None:
            h = h + self.shortcut(F.interpolate(x, scale_factor=2, mode="nearest"))
        return h, first


class Generator(nn.Module):
    """z -> linear projection to ``widths[0]`` x s x s -> cells (x2 each) -> 3x3 conv -> tanh, resized to the image.

    Args:
        z_dim: latent size. widths: channels of the projection and of each cell's output.
        plans: one :class:`CellPlan` per cell. image_shape: (C, H, W) of the images to generate.
    """

    def __init__(self, z_dim: int, widths: Sequence[int], plans: Sequence[CellPlan],
                 image_shape: tuple[int, int, int]) -> None:
        super().__init__()
        channels, height, width = image_shape
        scale = 2 ** len(plans)
        self.z_dim, self.image_shape = z_dim, image_shape
        self.start = (-(-height // scale), -(-width // scale))
        self.project = nn.Linear(z_dim, widths[0] * self.start[0] * self.start[1])
        post = plans[0].block == "post"  # post-activation cells expect an activated input
        self.project_norm = gen_norm(plans[0].norm, widths[0]) if post else nn.Identity()
        self.project_act = nn.ReLU() if post else nn.Identity()
        self.plans = list(plans)
        self.cells = nn.ModuleList(
            GenCell(widths[i], widths[i + 1], plan, [widths[j + 1] for j in plan.skips_from])
            for i, plan in enumerate(plans))
        last = plans[-1]
        self.out_norm = gen_norm(last.norm, widths[-1]) if last.block == "pre" else nn.Identity()
        self.out_act = nn.ReLU() if last.block == "pre" else nn.Identity()
        self.out = nn.Conv2d(widths[-1], channels, 3, padding=1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.project(z).view(z.shape[0], -1, *self.start)  # shape[0], not len(): a dynamic batch in exports
        h = self.project_act(self.project_norm(h))
        firsts: list[torch.Tensor] = []
        for plan, cell in zip(self.plans, self.cells, strict=True):
            h, first = cell(h, [firsts[j] for j in plan.skips_from])
            firsts.append(first)
        h = torch.tanh(self.out(self.out_act(self.out_norm(h))))
        if tuple(h.shape[-2:]) != self.image_shape[1:]:
            h = F.interpolate(h, size=self.image_shape[1:], mode="bilinear", align_corners=False)
        return h


class Discriminator(nn.Module):
    """Strided 4x4 convolutions (x2 down each, widths doubling), leaky ReLU, optional spectral normalisation
    on every layer, then a linear critic score. Layers past the second keep the resolution (3x3, stride 1)."""

    def __init__(self, image_shape: tuple[int, int, int], depth: int, width: int, spectral: bool) -> None:
        super().__init__()

        def wrap(layer: nn.Module) -> nn.Module:
            return nn.utils.parametrizations.spectral_norm(layer) if spectral else layer

        layers: list[nn.Module] = []
        c_in, (height, wide) = image_shape[0], image_shape[1:]
        for i in range(depth):
            c_out = width * 2 ** min(i, 1)
            if i < 2:
                layers += [wrap(nn.Conv2d(c_in, c_out, 4, stride=2, padding=1)), nn.LeakyReLU(0.2)]
                height, wide = height // 2, wide // 2
            else:
                layers += [wrap(nn.Conv2d(c_in, c_out, 3, padding=1)), nn.LeakyReLU(0.2)]
            c_in = c_out
        self.features = nn.Sequential(*layers)
        self.score = wrap(nn.Linear(c_in * max(height, 1) * max(wide, 1), 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.score(self.features(x).flatten(1)).view(-1)
