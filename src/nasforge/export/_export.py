"""Write a network in every form a user takes away, and check each against the original."""

from __future__ import annotations

import importlib.util
import itertools
import json
import logging
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from nasforge.exceptions import ValidationError
from nasforge.export._source import module_source
from nasforge.export._usage import PREDICT_IMPORTS, PREDICT_SOURCE, ModelIO

FORMATS = ("json", "module", "torchscript", "onnx")
# Largest output difference accepted between the network and an exported copy, relative to the outputs' largest
# magnitude when that is above 1 (absolute below).
TOLERANCE = {"module": 1e-6, "torchscript": 1e-5, "onnx": 1e-4}
_LOADED = itertools.count()

_USAGE = """{title}

Needs only torch. The weights are in {weights}:

    import torch
    from model import build, INPUT_SHAPE
    net = build()
    net.load_state_dict(torch.load("{weights}", weights_only=True))
    net.eval()
    out = net(torch.zeros(1, *INPUT_SHAPE))
"""

_PREDICT_USAGE = """{title}

Needs only torch and numpy. The weights are in {weights}. On raw inputs (as in the data searched on: {raw}):

    from model import predict, predict_proba, preprocess, load
    predict(raw_inputs)        # {returns}
    predict_proba(raw_inputs)  # class probabilities, columns in CLASS_NAMES order (classifiers)
    preprocess(raw_inputs)     # the network's input tensor: PREPROCESSING, as fitted in training
    net = load()               # build() with the weights; net(preprocess(raw_inputs)) gives the outputs

{features}"""


@dataclass
class ExportResult:
    """What :func:`export_model` wrote and how far each copy's outputs are from the original's."""

    files: dict[str, Path] = field(default_factory=dict)
    max_abs_diff: dict[str, float] = field(default_factory=dict)
    output_scale: float = 1.0  # the largest output magnitude on the check batch (at least 1)
    weights: str = ""  # where the weights came from, one line (set by export_trial)
    weights_source: str = ""  # "file", "reused", "retrained" or "untrained" (set by export_trial)

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form (paths as strings)."""
        return {"files": {k: str(v) for k, v in self.files.items()}, "max_abs_diff": self.max_abs_diff,
                "output_scale": self.output_scale, "weights": self.weights, "weights_source": self.weights_source}


def check_formats(formats: Sequence[str], label: str = "'formats' parameter") -> list[str]:
    """The formats, checked against :data:`FORMATS` (``label`` names them in the error: a parameter, an option)."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValidationError(f"The {label} must list some of {list(FORMATS)}. Got {list(formats)} instead.")
    return list(dict.fromkeys(formats))


def export_model(model: nn.Module, out_dir: str | Path, *, input_shape: Sequence[int],
                 arch: dict[str, Any] | None = None, formats: Sequence[str] = FORMATS, title: str = "",
                 batch: int = 4, seed: int = 0, io: ModelIO | None = None) -> ExportResult:
    """Write ``model`` (its weights as they are) to ``out_dir`` and check every copy on a random batch.

    Files: ``arch.json`` (``arch`` plus the input shape and ``io``), ``weights.pt`` (state dict), ``model.py`` (a
    standalone source: ``build()`` needs only torch; with ``io``, also ``predict(raw_inputs)``, ``predict_proba``,
    ``preprocess`` and ``load``, which need numpy too), ``model.torchscript.pt`` (traced) and ``model.onnx``
    (opset 18, a dynamic batch dimension; checked with onnxruntime when it is installed). TorchScript and ONNX take
    the network's input: apply ``PREPROCESSING`` (``arch.json``) first.

    Raises:
        ExportError: the network has no standalone source form. ValidationError: a copy's outputs differ by more
        than :data:`TOLERANCE` (times the outputs' largest magnitude when that is above 1).
    """
    formats = check_formats(formats)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    model = model.eval()
    generator = torch.Generator().manual_seed(seed)
    # two batch sizes: a copy that fixed the batch size (a traced len(x)) is caught, not only a wrong value
    batches = [torch.randn(n, *input_shape, generator=generator) for n in (batch, batch + 3)]
    with torch.no_grad():
        expected = [model(x) for x in batches]
    result = ExportResult()
    if "json" in formats:
        path = folder / "arch.json"
        described = {**(arch or {}), "input_shape": list(input_shape), **(io.to_dict() if io else {})}
        path.write_text(json.dumps(described, indent=1))
        result.files["json"] = path
    if "module" in formats:
        weights = folder / "weights.pt"
        torch.save(model.state_dict(), weights)
        source = _module_source(model, title or "A network exported by nasforge.", weights.name, input_shape, io)
        path = folder / "model.py"
        path.write_text(source)
        result.files.update({"weights": weights, "module": path})
        result.max_abs_diff["module"] = _compare("module", load_standalone(path, weights), batches, expected)
    if "torchscript" in formats:
        path = folder / "model.torchscript.pt"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracing notes about shape-dependent Python code and deprecation
            traced = torch.jit.trace(model, batches[0], check_trace=False)  # type: ignore[no-untyped-call]
            traced.save(str(path))
            loaded = torch.jit.load(str(path))  # type: ignore[no-untyped-call]
        result.files["torchscript"] = path
        result.max_abs_diff["torchscript"] = _compare("torchscript", loaded, batches, expected)
    if "onnx" in formats:
        path = folder / "model.onnx"
        _onnx(model, batches[0], path)
        result.files["onnx"] = path
        session = _onnx_session(path)
        if session is not None:
            name = session.get_inputs()[0].name
            result.max_abs_diff["onnx"] = _compare(
                "onnx", lambda x: torch.from_numpy(session.run(None, {name: x.numpy()})[0]), batches, expected)
    # absolute for outputs of the order of 1 (logits, images), relative for larger ones (float32 rounding)
    result.output_scale = max(1.0, max(float(e.abs().max()) for e in expected))
    for name, diff in result.max_abs_diff.items():
        if not diff <= TOLERANCE[name] * result.output_scale:
            raise ValidationError(f"The exported {name} differs from the network: max abs output difference "
                                  f"{diff:.3g} > {TOLERANCE[name]:g} x {result.output_scale:.3g} (the outputs' "
                                  "largest magnitude, at least 1).")
    return result


def _module_source(model: nn.Module, title: str, weights: str, input_shape: Sequence[int],
                   io: ModelIO | None) -> str:
    constants: dict[str, Any] = {"INPUT_SHAPE": tuple(input_shape)}
    if io is None:
        return module_source(model, header=_USAGE.format(title=title, weights=weights), constants=constants)
    raw = ("rows of " + ", ".join(io.feature_names) if io.feature_names else
           "arrays of shape INPUT_SHAPE" if io.preprocessing is None else
           "arrays as PREPROCESSING describes")
    returns = ("regression values" if io.task == "regression" else
               "class names (CLASS_NAMES)" if io.class_names is not None else "class numbers")
    features = "" if not io.feature_names else f"Feature order (FEATURE_NAMES): {', '.join(io.feature_names)}.\n"
    header = _PREDICT_USAGE.format(title=title, weights=weights, raw=raw, returns=returns, features=features)
    return module_source(model, header=header, constants={**io.constants(), **constants}, functions=io.functions(),
                         footer=PREDICT_SOURCE, imports=PREDICT_IMPORTS)


def load_standalone(source: str | Path, weights: str | Path | None = None) -> nn.Module:
    """Import a generated ``model.py`` on its own (no nasforge import needed) and load its weights."""
    name = f"nasforge_exported_{next(_LOADED)}"  # dataclasses look their module up in sys.modules
    spec = importlib.util.spec_from_file_location(name, source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    net: nn.Module = module.build()
    if weights is not None:
        net.load_state_dict(torch.load(weights, weights_only=True))
    return net.eval()


def _onnx(model: nn.Module, x: torch.Tensor, path: Path) -> None:
    quiet = logging.getLogger("torch.onnx._internal.exporter._registration")  # "torchvision is not installed"
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        _onnx_program(model, x, path)
    finally:
        quiet.setLevel(level)


def _onnx_program(model: nn.Module, x: torch.Tensor, path: Path) -> None:
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = torch.onnx.export(model, (x,), dynamo=True, input_names=["input"], output_names=["output"],
                                    dynamic_shapes=({0: torch.export.Dim("batch")},), opset_version=18,
                                    verbose=False)
        assert program is not None
        program.save(str(path))


def _onnx_session(path: Path) -> Any:
    try:
        import onnxruntime
    except ImportError:  # pragma: no cover - onnxruntime is in the export extra
        return None
    return onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def _compare(name: str, run: Callable[[torch.Tensor], torch.Tensor], batches: list[torch.Tensor],
             expected: list[torch.Tensor]) -> float:
    """The largest absolute difference between ``run`` and the network's outputs over the check batches."""
    worst = 0.0
    with torch.no_grad():
        for x, want in zip(batches, expected, strict=True):
            try:
                got = run(x)
            except Exception as exc:
                raise ValidationError(f"The exported {name} fails on a batch of {len(x)} (it was made with a batch "
                                      f"of {len(batches[0])}): {str(exc).splitlines()[0][:200]}") from None
            if tuple(got.shape) != tuple(want.shape):
                raise ValidationError(f"The exported {name} returns shape {tuple(got.shape)} for a batch of {len(x)}"
                                      f"; the network returns {tuple(want.shape)}.")
            worst = max(worst, _diff(want, got))
    return worst


def _diff(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).abs().max())
