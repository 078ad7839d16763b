"""Trained weights kept between commands: ``train-best`` (and ``export``) save a trial's final weights with what
they were trained with, and ``export`` reuses them instead of training again.

Where: a folder per study and trial, ``<root>/<study>-<hash>/trial-<n>/`` holding ``model.pt`` (a state dict) and
``weights.json`` (the trial, its architecture, the epochs, the evaluator's settings, the input preprocessing, the
class names and feature order, the test metrics, and the sha256 of ``model.pt``). The root is given
(``--weights-dir``) or sits next to an SQLite file: ``sqlite:///runs/s.db`` keeps them in ``runs/s.db.weights/``.
Saved weights are used only when everything recorded matches the trial being exported.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from nasforge.exceptions import ValidationError
from nasforge.export._usage import ModelIO

STATE_FILE = "model.pt"
INFO_FILE = "weights.json"
_FORMAT = 1


def default_weights_root(storage: str) -> Path | None:
    """The folder next to the SQLite file of ``storage`` (``<file>.weights``); None for an in-memory or server
    database (give a folder instead)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(storage)
    except ArgumentError:
        return None
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database + ".weights")


def trial_folder(root: str | Path, study: str, trial: int) -> Path:
    """Where the weights of trial ``trial`` of ``study`` are kept under ``root`` (any study name gives one safe
    folder name: its letters and digits, then a hash of the whole name)."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", study)[:40].strip("._") or "study"
    digest = hashlib.sha256(study.encode()).hexdigest()[:12]
    return Path(root) / f"{slug}-{digest}" / f"trial-{trial}"


def check_weights_dir(folder: Path | None, option: str = "'--weights-dir' option") -> None:
    """ValidationError unless ``folder`` is None, a folder, or does not exist yet."""
    if folder is not None and folder.exists() and not folder.is_dir():
        raise ValidationError(f"The {option} must be a folder (created if missing). Got {str(folder)!r}, an "
                              "existing file.")


def evaluator_fingerprint(params: dict[str, Any]) -> str:
    """A short hash of an evaluator's settings: weights trained under other settings are not reused."""
    text = json.dumps(params, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _as_json(value: Any) -> Any:
    """``value`` as it reads back from JSON (tuples become lists)."""
    return json.loads(json.dumps(value))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class SavedWeights:
    """Weights kept for one trial and what they were trained with (``weights.json``)."""

    folder: Path
    info: dict[str, Any]

    @property
    def state_file(self) -> Path:
        """The state dict (``model.pt``)."""
        return self.folder / STATE_FILE

    @property
    def io(self) -> ModelIO | None:
        """The inputs and outputs the weights were trained with (preprocessing, class names, feature order)."""
        io = self.info.get("io")
        return None if io is None else ModelIO.from_dict(io)

    @property
    def metrics(self) -> dict[str, float]:
        """The test metrics measured right after training."""
        return dict(self.info.get("metrics") or {})

    def intact(self) -> bool:
        """True when the state file is the one recorded (its sha256 unchanged)."""
        return self.state_file.is_file() and self.info.get("sha256") == _sha256(self.state_file)


def save_weights(folder: str | Path, *, state: dict[str, torch.Tensor] | Path, study: str, trial: int,
                 arch: dict[str, Any], epochs: int | None, evaluator: dict[str, Any], io: ModelIO | None,
                 metrics: dict[str, float], trained_by: str) -> SavedWeights:
    """Keep ``state`` (a state dict, or a ``model.pt`` to copy) in ``folder`` with what it was trained with.

    ``epochs``: the epochs asked for (None: the study's); ``evaluator``: the evaluator's settings;
    ``trained_by``: the command, for the record.
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    state_file = target / STATE_FILE
    if isinstance(state, Path):
        state_file.write_bytes(state.read_bytes())
    else:
        torch.save(state, state_file)
    info = {"format": _FORMAT, "study": study, "trial": trial, "arch": _as_json(arch), "epochs": epochs,
            "evaluator": evaluator_fingerprint(evaluator), "io": None if io is None else io.to_dict(),
            "metrics": metrics, "trained_by": trained_by, "sha256": _sha256(state_file)}
    (target / INFO_FILE).write_text(json.dumps(info, indent=1))
    return SavedWeights(target, info)


def find_weights(folder: str | Path, *, study: str, trial: int, arch: dict[str, Any], epochs: int | None,
                 evaluator: dict[str, Any], network: nn.Module) -> tuple[SavedWeights | None, str]:
    """The weights kept in ``folder`` when they are this trial's (same study, trial, architecture, evaluator
    settings, epochs unless ``epochs`` is None, an intact ``model.pt``), loaded into ``network``; else None (a
    state dict that does not fit may have been loaded in part: train a new network). Also a line saying which,
    or why not."""
    target = Path(folder)
    info_file, state_file = target / INFO_FILE, target / STATE_FILE
    if not info_file.is_file() or not state_file.is_file():
        return None, f"no saved weights in {target}"
    try:
        info = json.loads(info_file.read_text())
    except (OSError, ValueError) as exc:
        return None, f"{info_file} is unreadable ({exc})"
    wanted = {"format": _FORMAT, "study": study, "trial": trial, "arch": _as_json(arch),
              "evaluator": evaluator_fingerprint(evaluator)}
    if epochs is not None:  # None: whatever train-best trained for (its --epochs)
        wanted["epochs"] = epochs
    if not isinstance(info, dict):
        return None, f"{info_file} is not a weights record"
    differs = [key for key, value in wanted.items() if info.get(key) != value]
    if differs:
        return None, f"the weights in {target} were trained with another {differs[0]}"
    if info.get("sha256") != _sha256(state_file):
        return None, f"{state_file} changed after it was saved"
    try:
        state = torch.load(state_file, weights_only=True, map_location="cpu")
        network.load_state_dict(state)
    except Exception as exc:  # a state dict of another shape, or no state dict: train again
        return None, f"{state_file} does not fit the network ({str(exc).splitlines()[0][:120]})"
    return SavedWeights(target, info), f"reused from {target} (saved by {info.get('trained_by', 'train-best')})"


def saved_beside(state_file: str | Path) -> SavedWeights | None:
    """The record next to a ``model.pt`` (``train-best --out`` writes one) when it describes exactly that file."""
    path = Path(state_file)
    info_file = path.with_name(INFO_FILE)
    try:
        info = json.loads(info_file.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or info.get("sha256") != _sha256(path):
        return None
    return SavedWeights(path.parent, info)
