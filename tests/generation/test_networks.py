"""The GAN and VAE spaces build networks of the right shapes, and every decision changes the network."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from nasforge.exceptions import ValidationError
from nasforge.nn._vae import negative_elbo
from nasforge.spaces import GANSpace, VAESpace, create_space


@pytest.mark.parametrize("shape", [(1, 28, 28), (1, 8, 8), (3, 32, 32)])
def test_sampled_gans_generate_images_and_score_them(shape: tuple[int, int, int]) -> None:
    space = GANSpace()
    rng = np.random.default_rng(0)
    for _ in range(6):
        arch = space.sample(rng)
        g, d = space.generator(arch, shape), space.discriminator(arch, shape)
        images = g(torch.randn(3, space.z_dim))
        assert images.shape == (3, *shape)
        assert float(images.detach().abs().max()) <= 1.0
        assert d(images).shape == (3,)


def test_every_cell_option_builds() -> None:
    space = GANSpace()
    base = dict(space.baseline().decisions)
    for up, block, norm, short in itertools.product(("bilinear", "nearest", "deconv"), ("pre", "post"),
                                                    ("none", "batch", "instance"), (False, True)):
        arch = space.make(tuple({**base, "c1_up": up, "c1_block": block, "c1_norm": norm, "c1_short": short,
                                 "skip0_1": True}.values()))
        out = space.generator(arch, (1, 28, 28))(torch.randn(2, space.z_dim))
        assert out.shape == (2, 1, 28, 28)


def test_decisions_change_the_networks() -> None:
    space = GANSpace()
    base = space.baseline()
    values = dict(base.decisions)
    g = space.generator(base, (1, 28, 28))
    assert sum(isinstance(m, torch.nn.ConvTranspose2d) for m in g.modules()) == 2
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in g.modules()) == 5  # projection + 2 per cell
    with_skip = space.generator(space.make(tuple({**values, "skip0_1": True}.values())), (1, 28, 28))
    assert len(with_skip.cells[1].skips) == 1 and len(g.cells[1].skips) == 0
    sn = space.discriminator(space.make(tuple({**values, "d_sn": True}.values())), (1, 28, 28))
    assert any("parametrizations" in name for name, _ in sn.named_modules())
    deeper = space.discriminator(space.make(tuple({**values, "d_depth": 3}.values())), (1, 28, 28))
    convs = [m for m in deeper.modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(convs) == 3


def test_baseline_is_dcgan_style() -> None:
    space = GANSpace()
    text = space.describe(space.baseline())
    assert text == "G 32ch: c0 deconv/post/batch, c1 deconv/post/batch | D 2x64"


def test_space_parameters_are_checked() -> None:
    with pytest.raises(ValidationError, match="'upsamples' parameter of GANSpace"):
        GANSpace(upsamples=("bicubic",))
    with pytest.raises(ValidationError, match="'g_widths' parameter of GANSpace"):
        GANSpace(g_widths=(2,))
    with pytest.raises(ValidationError, match="'kernels' parameter of VAESpace must list odd"):
        VAESpace(kernels=(3, 4))
    with pytest.raises(ValidationError, match="'activations' parameter of VAESpace"):
        create_space("vae", activations=["swish"])


@pytest.mark.parametrize("shape", [(1, 28, 28), (1, 8, 8)])
def test_vaes_reconstruct_the_image_shape(shape: tuple[int, int, int]) -> None:
    space = VAESpace()
    rng = np.random.default_rng(1)
    for _ in range(6):
        arch = space.sample(rng)
        vae = space.vae(arch, shape)
        logits, mu, logvar = vae(torch.rand(4, *shape))
        assert logits.shape == (4, *shape) and mu.shape == logvar.shape == (4, int(arch["latent"]))


def test_negative_elbo_is_reconstruction_plus_kl() -> None:
    space = VAESpace()
    torch.manual_seed(0)
    vae = space.vae(space.baseline(), (1, 8, 8))
    x = torch.rand(5, 1, 8, 8)
    torch.manual_seed(3)
    nelbo, recon, kl = negative_elbo(vae, x)
    torch.manual_seed(3)
    logits, mu, logvar = vae(x)
    manual_recon = -(x * torch.log(torch.sigmoid(logits)) + (1 - x) * torch.log(1 - torch.sigmoid(logits)))
    manual_kl = -0.5 * (1 + logvar - mu**2 - logvar.exp()).sum(1)
    assert torch.allclose(recon, manual_recon.flatten(1).sum(1), rtol=1e-4)
    assert torch.allclose(kl, manual_kl, rtol=1e-5) and torch.all(kl >= 0)
    assert torch.allclose(nelbo, recon + kl)
