"""GAN spaces: an AutoGAN-style generator of up-sampling cells and a discriminator's depth, width and
spectral normalisation, searched jointly."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from nasforge._validation import check_int
from nasforge.exceptions import ValidationError
from nasforge.spaces._architecture import Architecture, Scalar
from nasforge.spaces._categorical import CategoricalSpace
from nasforge.spaces._registry import register_space

if TYPE_CHECKING:
    from nasforge.nn._gan import Discriminator, Generator


def _check_subset(owner: str, name: str, values: Sequence[Any], allowed: Sequence[Any]) -> list[Any]:
    if not values or any(v not in allowed for v in values) or len(set(values)) != len(values):
        raise ValidationError(f"The '{name}' parameter of {owner} must be a non-empty list of distinct values "
                              f"from {list(allowed)}. Got {list(values)!r} instead.")
    return list(values)


def _check_ints(owner: str, name: str, values: Sequence[Any], minimum: int) -> list[int]:
    if not values or any(isinstance(v, bool) or not isinstance(v, int) or v < minimum for v in values) \
            or len(set(values)) != len(values):
        raise ValidationError(f"The '{name}' parameter of {owner} must be a non-empty list of distinct ints "
                              f">= {minimum}. Got {list(values)!r} instead.")
    return list(values)


def _prefer(values: Sequence[Scalar], wanted: Scalar) -> Scalar:
    """``wanted`` if the space offers it, else the middle value."""
    return wanted if wanted in values else values[len(values) // 2]


@register_space("gan")
class GANSpace(CategoricalSpace):
    """Generator cells and discriminator choices for image GANs.

    Per generator cell ``c{i}``: ``up`` (bilinear, nearest, deconv), ``block`` (pre- or post-activation
    convolutions), ``norm`` (none, batch, instance), ``short`` (in-cell shortcut); ``skip{j}_{i}``: whether the
    first block of cell j feeds cell i (cross-cell skip). Global: ``g_width`` (channels of the projection and of
    the first cell; each later cell halves them), ``d_depth``, ``d_width`` and ``d_sn`` (spectral normalisation)
    of the discriminator. Two cells turn a 7x7 projection into 28x28 images; any image size works (the output is
    resized when it does not divide).

    Args:
        n_cells: generator cells (x2 up-sampling each). z_dim: latent size of the generator.
        upsamples, blocks, norms: the options of every cell. g_widths, d_depths, d_widths: the options of the
            global decisions. spectral_norm: the options of ``d_sn``.
    """

    def __init__(self, *, n_cells: int = 2, z_dim: int = 64,
                 upsamples: Sequence[str] = ("bilinear", "nearest", "deconv"),
                 blocks: Sequence[str] = ("pre", "post"), norms: Sequence[str] = ("none", "batch", "instance"),
                 g_widths: Sequence[int] = (16, 32, 64), d_depths: Sequence[int] = (2, 3),
                 d_widths: Sequence[int] = (32, 64), spectral_norm: Sequence[bool] = (False, True)) -> None:
        from nasforge.nn._gan import BLOCKS, GEN_NORMS, UPSAMPLES

        owner = type(self).__name__
        self.n_cells = check_int(owner, "n_cells", n_cells, minimum=1, maximum=5)
        self.z_dim = check_int(owner, "z_dim", z_dim, minimum=1)
        self._params: dict[str, Any] = {
            "n_cells": n_cells, "z_dim": z_dim,
            "upsamples": _check_subset(owner, "upsamples", upsamples, UPSAMPLES),
            "blocks": _check_subset(owner, "blocks", blocks, BLOCKS),
            "norms": _check_subset(owner, "norms", norms, GEN_NORMS),
            "g_widths": _check_ints(owner, "g_widths", g_widths, 2 ** n_cells),
            "d_depths": _check_ints(owner, "d_depths", d_depths, 1),
            "d_widths": _check_ints(owner, "d_widths", d_widths, 1),
            "spectral_norm": _check_subset(owner, "spectral_norm", spectral_norm, (False, True)),
        }
        p = self._params
        choices: dict[str, Sequence[Scalar]] = {}
        for i in range(n_cells):
            choices |= {f"c{i}_up": p["upsamples"], f"c{i}_block": p["blocks"], f"c{i}_norm": p["norms"],
                        f"c{i}_short": (False, True)}
            for j in range(i):
                choices[f"skip{j}_{i}"] = (False, True)
        choices |= {"g_width": p["g_widths"], "d_depth": p["d_depths"], "d_width": p["d_widths"],
                    "d_sn": p["spectral_norm"]}
        super().__init__("gan", choices)

    def get_params(self) -> dict[str, Any]:
        return dict(self._params)

    def _plans(self, arch: Architecture) -> list[Any]:
        from nasforge.nn._gan import CellPlan

        return [CellPlan(upsample=str(arch[f"c{i}_up"]), block=str(arch[f"c{i}_block"]),
                         norm=str(arch[f"c{i}_norm"]), shortcut=bool(arch[f"c{i}_short"]),
                         skips_from=tuple(j for j in range(i) if arch[f"skip{j}_{i}"]))
                for i in range(self.n_cells)]

    def generator(self, arch: Architecture, image_shape: tuple[int, int, int]) -> Generator:
        """The generator network of ``arch`` for images of ``image_shape`` (C, H, W)."""
        from nasforge.nn._gan import Generator

        self.validate(arch)
        base = int(arch["g_width"])
        widths = [base] + [max(base // 2 ** i, 1) for i in range(self.n_cells)]
        return Generator(self.z_dim, widths, self._plans(arch), image_shape)

    def discriminator(self, arch: Architecture, image_shape: tuple[int, int, int]) -> Discriminator:
        """The discriminator network of ``arch``."""
        from nasforge.nn._gan import Discriminator

        self.validate(arch)
        return Discriminator(image_shape, int(arch["d_depth"]), int(arch["d_width"]), bool(arch["d_sn"]))

    def describe(self, arch: Architecture) -> str:
        cells = []
        for i, plan in enumerate(self._plans(arch)):
            text = f"{plan.upsample}/{plan.block}/{plan.norm}" + ("+short" if plan.shortcut else "")
            text += "".join(f"+skip{j}" for j in plan.skips_from)
            cells.append(f"c{i} {text}")
        return (f"G {arch['g_width']}ch: " + ", ".join(cells)
                + f" | D {arch['d_depth']}x{arch['d_width']}" + (" sn" if arch["d_sn"] else ""))

    def baseline(self) -> Architecture:
        """DCGAN-style (Radford et al. 2016): transposed-convolution up-sampling, post-activation batch-normalised
        blocks, no shortcut or skip; a two-layer strided discriminator without spectral normalisation."""
        c = self.choices()
        values: dict[str, Scalar] = {}
        for i in range(self.n_cells):
            values |= {f"c{i}_up": _prefer(c[f"c{i}_up"], "deconv"), f"c{i}_block": _prefer(c[f"c{i}_block"], "post"),
                       f"c{i}_norm": _prefer(c[f"c{i}_norm"], "batch"), f"c{i}_short": False}
            for j in range(i):
                values[f"skip{j}_{i}"] = False
        values |= {"g_width": _prefer(c["g_width"], 32), "d_depth": _prefer(c["d_depth"], 2),
                   "d_width": _prefer(c["d_width"], 64), "d_sn": _prefer(c["d_sn"], False)}
        return self.make(tuple(values[n] for n in self._names))
