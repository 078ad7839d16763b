"""VAE spaces: convolutional encoders and decoders of a variational auto-encoder."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from nasforge.exceptions import ValidationError
from nasforge.spaces._architecture import Architecture, Scalar
from nasforge.spaces._categorical import CategoricalSpace
from nasforge.spaces._gan import _check_ints, _check_subset, _prefer
from nasforge.spaces._registry import register_space

if TYPE_CHECKING:
    from nasforge.nn._vae import ConvVAE


@register_space("vae")
class VAESpace(CategoricalSpace):
    """Encoder depth and width, decoder depth and width, kernel size, latent size and activation of a
    convolutional VAE (see :class:`~nasforge.nn._vae.ConvVAE`).

    Args:
        depths: options of ``enc_depth`` and ``dec_depth`` (stride-2 / x2 up-sampling layers).
        widths: options of ``enc_width`` and ``dec_width`` (channels of the first encoder / last decoder layer).
        kernels: odd kernel sizes. latents: latent sizes. activations: activation names.
    """

    def __init__(self, *, depths: Sequence[int] = (1, 2, 3), widths: Sequence[int] = (16, 32, 64),
                 kernels: Sequence[int] = (3, 5), latents: Sequence[int] = (8, 16, 32),
                 activations: Sequence[str] = ("relu", "leaky_relu", "elu")) -> None:
        from nasforge.nn import ACTIVATIONS

        owner = type(self).__name__
        self._params: dict[str, Any] = {
            "depths": _check_ints(owner, "depths", depths, 1), "widths": _check_ints(owner, "widths", widths, 1),
            "kernels": _check_ints(owner, "kernels", kernels, 1), "latents": _check_ints(owner, "latents", latents, 1),
            "activations": _check_subset(owner, "activations", activations, tuple(ACTIVATIONS)),
        }
        if any(k % 2 == 0 for k in kernels):
            raise ValidationError(f"The 'kernels' parameter of {owner} must list odd sizes. Got {list(kernels)!r}.")
        p = self._params
        super().__init__("vae", {"enc_depth": p["depths"], "enc_width": p["widths"], "kernel": p["kernels"],
                                 "latent": p["latents"], "dec_depth": p["depths"], "dec_width": p["widths"],
                                 "act": p["activations"]})

    def get_params(self) -> dict[str, Any]:
        return dict(self._params)

    def vae(self, arch: Architecture, image_shape: tuple[int, int, int]) -> ConvVAE:
        """The VAE network of ``arch`` for images of ``image_shape`` (C, H, W)."""
        from nasforge.nn._vae import ConvVAE

        self.validate(arch)
        return ConvVAE(image_shape, enc_depth=int(arch["enc_depth"]), enc_width=int(arch["enc_width"]),
                       dec_depth=int(arch["dec_depth"]), dec_width=int(arch["dec_width"]),
                       kernel=int(arch["kernel"]), latent=int(arch["latent"]), act=str(arch["act"]))

    def describe(self, arch: Architecture) -> str:
        return (f"enc {arch['enc_depth']}x{arch['enc_width']} k{arch['kernel']} | z {arch['latent']} | "
                f"dec {arch['dec_depth']}x{arch['dec_width']} | {arch['act']}")

    def baseline(self) -> Architecture:
        """Two stride-2 3x3 convolutions of 32 / 64 channels, 16 latents, the mirror decoder, ReLU."""
        c = self.choices()
        values: dict[str, Scalar] = {"enc_depth": _prefer(c["enc_depth"], 2), "enc_width": _prefer(c["enc_width"], 32),
                                     "kernel": _prefer(c["kernel"], 3), "latent": _prefer(c["latent"], 16),
                                     "dec_depth": _prefer(c["dec_depth"], 2), "dec_width": _prefer(c["dec_width"], 32),
                                     "act": _prefer(c["act"], "relu")}
        return self.make(tuple(values[n] for n in self._names))
