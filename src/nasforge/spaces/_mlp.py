"""Multi-layer perceptrons for tabular data (any input is flattened)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from nasforge.exceptions import ValidationError
from nasforge.spaces._architecture import Architecture
from nasforge.spaces._layered import LayeredSpace
from nasforge.spaces._registry import register_space

if TYPE_CHECKING:
    import torch


@register_space("mlp")
class MLPSpace(LayeredSpace):
    """``depth`` hidden layers, each Linear -> norm -> activation -> dropout, with its own width; activation,
    normalisation (``none``, ``batch``, ``layer``) and dropout are global decisions."""

    def __init__(self, *, min_layers: int = 1, max_layers: int = 3, widths: Sequence[int] = (16, 32, 64, 128, 256),
                 activations: Sequence[str] = ("relu", "gelu", "tanh"),
                 norms: Sequence[str] = ("none", "batch", "layer"),
                 dropouts: Sequence[float] = (0.0, 0.1, 0.3)) -> None:
        from nasforge.nn import ACTIVATIONS

        owner = type(self).__name__
        if not widths or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in widths):
            raise ValidationError(f"The 'widths' parameter of {owner} must be a non-empty list of ints >= 1. "
                                  f"Got {list(widths)!r} instead.")
        for name, values, allowed in (("activations", activations, tuple(ACTIVATIONS)),
                                      ("norms", norms, ("none", "batch", "layer"))):
            if not values or any(v not in allowed for v in values):
                raise ValidationError(f"The '{name}' parameter of {owner} must be a non-empty list from "
                                      f"{list(allowed)}. Got {list(values)!r} instead.")
        if not dropouts or any(not 0 <= d < 1 for d in dropouts):
            raise ValidationError(f"The 'dropouts' parameter of {owner} must list values in [0, 1). "
                                  f"Got {list(dropouts)!r} instead.")
        self._params = {"min_layers": min_layers, "max_layers": max_layers, "widths": list(widths),
                        "activations": list(activations), "norms": list(norms), "dropouts": list(dropouts)}
        super().__init__("mlp", min_layers=min_layers, max_layers=max_layers, per_layer={"width": widths},
                         global_choices={"act": activations, "norm": norms, "dropout": dropouts})

    def get_params(self) -> dict[str, Any]:
        return dict(self._params)

    def describe(self, arch: Architecture) -> str:
        g = dict(arch.decisions)
        widths = "-".join(str(layer["width"]) for layer in self.layers(arch.values()))
        return f"mlp {widths} | {g['act']}, norm={g['norm']}, dropout={g['dropout']}"

    def build(self, arch: Architecture, input_shape: tuple[int, ...], n_outputs: int) -> torch.nn.Module:
        import math

        from torch import nn

        from nasforge.nn import activation, norm1d

        self.validate(arch)
        g = dict(arch.decisions)
        features = math.prod(input_shape)
        layers: list[nn.Module] = [nn.Flatten()]
        for layer in self.layers(arch.values()):
            width = int(layer["width"])
            layers += [nn.Linear(features, width), norm1d(str(g["norm"]), width), activation(str(g["act"])),
                       nn.Dropout(float(g["dropout"]))]
            features = width
        layers.append(nn.Linear(features, n_outputs))
        return nn.Sequential(*layers)

    def baseline(self) -> Architecture:
        """Two hidden layers (or as many as allowed) of the middle width, ReLU-like, no normalisation or dropout."""
        choices = self.choices()
        widths = sorted(int(v) for v in choices["l0_width"])
        depth = min(max(2, self.min_layers), self.max_layers)
        values: dict[str, Any] = {"depth": depth}
        for i in range(self.max_layers):
            values[f"l{i}_width"] = widths[len(widths) // 2]
        values.update({"act": "relu" if "relu" in choices["act"] else choices["act"][0],
                       "norm": "none" if "none" in choices["norm"] else choices["norm"][0],
                       "dropout": 0.0 if 0.0 in choices["dropout"] else choices["dropout"][0]})
        return self.make(tuple(values[n] for n in self._names))
