"""Export: a network as architecture JSON, a standalone PyTorch source file with its weights, TorchScript, ONNX."""

from __future__ import annotations

from nasforge.export._export import FORMATS, TOLERANCE, ExportResult, check_formats, export_model, load_standalone
from nasforge.export._source import ExportError, module_source
from nasforge.export._trial import export_trial, load_weights, pick_trial

__all__ = ["FORMATS", "TOLERANCE", "ExportError", "ExportResult", "check_formats", "export_model", "export_trial",
           "load_standalone", "load_weights", "module_source", "pick_trial"]
