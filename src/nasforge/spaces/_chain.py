"""The chain ("macro") space: a sequence of convolution, separable convolution, pooling and parallel-branch
layers, then a fully-connected head."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nasforge.exceptions import ValidationError
from nasforge.spaces._architecture import Architecture, Scalar
from nasforge.spaces._layered import LayeredSpace
from nasforge.spaces._registry import register_space

if TYPE_CHECKING:
    import torch

CHAIN_OPS = ("conv", "sepconv", "maxpool", "avgpool", "branch_sum", "branch_concat")
POOL_OPS = ("maxpool", "avgpool")
MAX_FLAT = 4096  # features a flatten readout may feed to the head


@dataclass(frozen=True)
class LayerPlan:
    """One active layer of a chain network: ``c_out`` is the channels it outputs (a pool keeps ``c_in``;
    ``branch_concat`` outputs two branches of ``branch`` channels)."""

    op: str
    c_in: int
    c_out: int
    branch: int
    kernel: int
    stride: int
    padding: int


@dataclass(frozen=True)
class ChainPlan:
    """The shapes of a chain network: its layers, then the readout (``side``: the flattened map's side, None for
    global average pooling), the features fed to the head, its hidden width (0: none) and dropout."""

    layers: list[LayerPlan]
    act: str
    norm: str
    side: int | None
    size: tuple[int, int]
    features: int
    hidden: int
    dropout: float


@register_space("chain")
class ChainSpace(LayeredSpace):
    """Layer-by-layer networks for images (C, H, W).

    Each of ``depth`` layers chooses an op, a width (output channels), a kernel size and a stride:

    - ``conv``: Conv -> norm -> activation; ``sepconv``: depthwise k x k + pointwise 1 x 1 -> norm -> activation;
    - ``maxpool`` / ``avgpool``: k x k pooling (the width does not apply and is reset);
    - ``branch_sum`` / ``branch_concat``: two parallel convolutions, 1 x 1 and k x k, merged by sum (each of the
      width) or concatenation (half the width each) -> norm -> activation.

    Global decisions: activation, normalisation, padding (``same``: k // 2, ``valid``: 0), the readout (``avg``:
    global average pooling; ``flatten``: the whole feature map, average-pooled first where it would exceed
    4,096 features), dropout before the head, and the head's hidden width (0: straight into the output layer).

    Repair: a layer whose output would shrink below 1 x 1 is built with stride 1 and ``same`` padding, so every
    architecture of the space builds for any input of at least 1 x 1.
    """

    def __init__(self, *, min_layers: int = 1, max_layers: int = 4, ops: Sequence[str] = CHAIN_OPS,
                 widths: Sequence[int] = (16, 32, 64), kernels: Sequence[int] = (3, 5), strides: Sequence[int] = (1, 2),
                 activations: Sequence[str] = ("relu", "gelu", "silu"), norms: Sequence[str] = ("batch", "none"),
                 paddings: Sequence[str] = ("same", "valid"), dropouts: Sequence[float] = (0.0, 0.25),
                 head_widths: Sequence[int] = (0, 64, 128), readouts: Sequence[str] = ("avg", "flatten")) -> None:
        owner = type(self).__name__
        from nasforge.nn import ACTIVATIONS

        for name, values, allowed in (("ops", ops, CHAIN_OPS), ("activations", activations, tuple(ACTIVATIONS)),
                                      ("readouts", readouts, ("avg", "flatten")),
                                      ("norms", norms, ("batch", "none")), ("paddings", paddings, ("same", "valid"))):
            bad = [v for v in values if v not in allowed]
            if bad or not values:
                raise ValidationError(f"The '{name}' parameter of {owner} must be a non-empty list from "
                                      f"{list(allowed)}. Got {list(values)!r} instead.")
        for name, ints in (("widths", widths), ("kernels", kernels), ("strides", strides)):
            if not ints or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in ints):
                raise ValidationError(f"The '{name}' parameter of {owner} must be a non-empty list of ints >= 1. "
                                      f"Got {list(ints)!r} instead.")
        if any(not 0 <= d < 1 for d in dropouts) or any(h < 0 for h in head_widths):
            raise ValidationError(f"The 'dropouts' of {owner} must lie in [0, 1) and 'head_widths' be >= 0. "
                                  f"Got {list(dropouts)!r} and {list(head_widths)!r}.")
        self._params = {"min_layers": min_layers, "max_layers": max_layers, "ops": list(ops), "widths": list(widths),
                        "kernels": list(kernels), "strides": list(strides), "activations": list(activations),
                        "norms": list(norms), "paddings": list(paddings), "dropouts": list(dropouts),
                        "head_widths": list(head_widths), "readouts": list(readouts)}
        super().__init__("chain", min_layers=min_layers, max_layers=max_layers,
                         per_layer={"op": ops, "width": widths, "kernel": kernels, "stride": strides},
                         global_choices={"act": activations, "norm": norms, "padding": paddings, "dropout": dropouts,
                                         "head": head_widths, "readout": readouts})

    def get_params(self) -> dict[str, Any]:
        return dict(self._params)

    def _normalize_layer(self, values: list[Scalar], i: int) -> None:
        if values[self._slot[f"l{i}_op"]] in POOL_OPS:
            self._reset_layer(values, i, ["width"])

    def describe(self, arch: Architecture) -> str:
        values = arch.values()
        parts = []
        for layer in self.layers(values):
            width = "" if layer["op"] in POOL_OPS else f"{layer['width']} "
            parts.append(f"{layer['op']}({width}k{layer['kernel']} s{layer['stride']})")
        g = dict(arch.decisions)
        return (" > ".join(parts) + f" | {g['act']}, norm={g['norm']}, pad={g['padding']}, "
                f"readout={g['readout']}, dropout={g['dropout']}, head={g['head']}")

    def plan(self, arch: Architecture, input_shape: tuple[int, ...]) -> ChainPlan:
        """The shapes of ``arch``'s network for images of ``input_shape`` (C, H, W): each active layer's op,
        input and output channels, kernel, stride and padding (after the repair rule), and the readout."""
        self.validate(arch)
        if len(input_shape) != 3:
            raise ValidationError(f"The chain space builds networks for images (C, H, W). Got input shape "
                                  f"{input_shape}; use the 'mlp' space for tabular data.")
        g = dict(arch.decisions)
        same = g["padding"] == "same"
        c, h, w = input_shape
        layers = []
        for layer in self.layers(arch.values()):
            op, k, s = str(layer["op"]), int(layer["kernel"]), int(layer["stride"])
            pad = k // 2 if same else 0
            out_h, out_w = (h + 2 * pad - k) // s + 1, (w + 2 * pad - k) // s + 1
            if out_h < 1 or out_w < 1:  # repair: keep the size
                s, pad = 1, k // 2
                out_h, out_w = (h + 2 * pad - k) + 1, (w + 2 * pad - k) + 1
            width = branch = int(layer["width"])
            if op in POOL_OPS:
                pad, width = min(pad, k // 2), c
            elif op == "branch_concat":
                branch = max(1, width // 2)
                width = 2 * branch
            layers.append(LayerPlan(op, c, width, branch, k, s, pad))
            c, h, w = width, out_h, out_w
        side = None
        features = c
        if g["readout"] == "flatten":
            side = max(1, min(h, w, int(math.sqrt(MAX_FLAT / c))))
            features = c * side * side
        return ChainPlan(layers, str(g["act"]), str(g["norm"]), side, (h, w), features, int(g["head"]),
                         float(g["dropout"]))

    def build(self, arch: Architecture, input_shape: tuple[int, ...], n_outputs: int) -> torch.nn.Module:
        from torch import nn

        from nasforge.nn import Branches, SepConv, activation, norm2d

        plan = self.plan(arch, input_shape)
        act, norm = plan.act, plan.norm
        layers: list[nn.Module] = []
        for layer in plan.layers:
            op, c, k, s, pad = layer.op, layer.c_in, layer.kernel, layer.stride, layer.padding
            if op in POOL_OPS:
                layers.append(nn.MaxPool2d(k, s, pad) if op == "maxpool" else nn.AvgPool2d(k, s, pad))
                continue
            if op == "conv":
                body: nn.Module = nn.Conv2d(c, layer.c_out, k, s, pad, bias=norm == "none")
            elif op == "sepconv":
                body = SepConv(c, layer.c_out, k, s, pad)
            else:
                body = Branches([nn.Conv2d(c, layer.branch, 1, s, 0, bias=norm == "none"),
                                 nn.Conv2d(c, layer.branch, k, s, pad, bias=norm == "none")],
                                "sum" if op == "branch_sum" else "concat")
            layers += [body, norm2d(norm, layer.c_out), activation(act)]
        if plan.side is not None:
            resize = nn.AdaptiveAvgPool2d(plan.side) if (plan.side, plan.side) != plan.size else nn.Identity()
            head: list[nn.Module] = [resize, nn.Flatten(), nn.Dropout(plan.dropout)]
        else:
            head = [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(plan.dropout)]
        c = plan.features
        if plan.hidden > 0:
            head += [nn.Linear(c, plan.hidden), activation(act), nn.Dropout(plan.dropout)]
            c = plan.hidden
        head.append(nn.Linear(c, n_outputs))
        return nn.Sequential(*layers, *head)

    def baseline(self) -> Architecture:
        """A small VGG-like net from the space's own choices: conv -> max pool -> conv -> max pool (as deep as
        the space allows, up to 4), ReLU, batch norm, same padding, the smallest kernel, middle widths and a
        middle hidden head width."""
        choices = self.choices()

        def pick(name: str, wanted: Scalar) -> Scalar:
            options = choices[name]
            return wanted if wanted in options else options[0]

        depth = min(max(4, self.min_layers), self.max_layers)
        plan = ["conv", "maxpool", "conv", "maxpool"][:depth] + ["conv"] * max(0, depth - 4)
        widths = sorted(int(v) for v in choices["l0_width"])
        kernel = min(int(v) for v in choices["l0_kernel"])
        values: dict[str, Scalar] = {"depth": depth}
        for i in range(self.max_layers):
            op = plan[i] if i < depth else choices[f"l{i}_op"][0]
            values[f"l{i}_op"] = op if op in choices[f"l{i}_op"] else choices[f"l{i}_op"][0]
            values[f"l{i}_width"] = widths[min(len(widths) - 1, len(widths) // 2 + (i >= 2))]
            values[f"l{i}_kernel"] = kernel
            values[f"l{i}_stride"] = pick(f"l{i}_stride", 2 if values[f"l{i}_op"] in POOL_OPS else 1)
        values.update({"act": pick("act", "relu"), "norm": pick("norm", "batch"), "padding": pick("padding", "same"),
                       "dropout": pick("dropout", 0.0), "readout": pick("readout", "flatten"),
                       "head": sorted(int(v) for v in choices["head"])[len(choices["head"]) // 2]})
        return self.make(tuple(values[n] for n in self._names))

