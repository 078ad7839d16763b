"""Export: a network as architecture JSON, a standalone PyTorch source file with its weights (and, for networks
trained on data, ``predict`` on raw inputs), TorchScript, ONNX; trained weights kept for reuse."""

from __future__ import annotations

from nasforge.export._export import FORMATS, TOLERANCE, ExportResult, check_formats, export_model, load_standalone
from nasforge.export._saved import (
    INFO_FILE,
    STATE_FILE,
    SavedWeights,
    check_weights_dir,
    default_weights_root,
    find_weights,
    save_weights,
    saved_beside,
    trial_folder,
)
from nasforge.export._source import ExportError, module_source
from nasforge.export._trial import export_trial, load_weights, pick_trial
from nasforge.export._usage import ModelIO, model_io

__all__ = ["FORMATS", "INFO_FILE", "STATE_FILE", "TOLERANCE", "ExportError", "ExportResult", "ModelIO",
           "SavedWeights", "check_formats", "check_weights_dir", "default_weights_root", "export_model",
           "export_trial", "find_weights", "load_standalone", "load_weights", "model_io", "module_source",
           "pick_trial", "save_weights", "saved_beside", "trial_folder"]
