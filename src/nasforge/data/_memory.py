"""Data given in memory (numpy arrays, torch tensors, a dict of them, a map-style ``torch.utils.data.Dataset``),
written once to a temporary ``.npz`` file so that every process loads it by path.

Evaluators travel to worker processes (and Ray workers) as JSON: their class and ``get_params()``. In-memory data
therefore becomes ``data="npz", data_params={"path": <temporary file>, "task": ...}``: the arrays are validated
in the calling process, written once to ``$TMPDIR/nasforge-data-<random>/<content hash>.npz`` (the same arrays
give the same file, so equal evaluators have equal parameters), read back by workers with
``numpy.load(allow_pickle=False)`` (no code is unpickled, nothing is downloaded again), and the folder is removed
when the process that wrote it exits. The path is stored with the study: a later ``resume`` in another process
must be given the data again (or an ``.npz`` file that lasts).
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from nasforge.data._dataset import make_dataset
from nasforge.exceptions import ValidationError

if TYPE_CHECKING:
    import torch.utils.data

    DataArg: TypeAlias = (str | Sequence[Any] | Mapping[str, Any] | torch.utils.data.Dataset[Any])
else:
    DataArg = Any

TEMP_PREFIX = "nasforge-data-"
ARRAY_KEYS = ("x", "y", "x_test", "y_test")
NAME_KEYS = ("class_names", "feature_names")


class _TempFolder:
    """This process's folder of in-memory data sets, created on first use and removed at exit."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.owner = 0

    def get(self) -> Path:
        if self.path is None or self.owner != os.getpid():  # a forked child makes its own
            self.path = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
            self.owner = os.getpid()
            atexit.register(self.remove, self.path, self.owner)
        return self.path

    @staticmethod
    def remove(path: Path, owner: int) -> None:
        if os.getpid() == owner:
            shutil.rmtree(path, ignore_errors=True)


_FOLDER = _TempFolder()


def _numpy(value: Any, name: str) -> np.ndarray:
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor, without importing torch here
        value = value.detach().cpu().numpy()
    array = np.asarray(value)
    if array.dtype == object:
        raise ValidationError(f"The '{name}' of the in-memory data must be numeric (an array or a tensor). "
                              f"Got {type(value).__name__} of mixed or object values instead.")
    return array


def _materialise(dataset: Any) -> dict[str, np.ndarray]:
    """Every (input, target) item of a map-style torch Dataset, stacked."""
    try:
        n = len(dataset)
    except TypeError:
        raise ValidationError("The 'data' parameter must be a map-style torch Dataset (with __len__ and "
                              f"__getitem__). Got {type(dataset).__name__}, which has no length.") from None
    if n == 0:
        raise ValidationError(f"The 'data' parameter holds no example: the {type(dataset).__name__} is empty.")
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    for i in range(n):
        item = dataset[i]
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise ValidationError(f"Item {i} of the torch Dataset must be an (input, target) pair. Got "
                                  f"{type(item).__name__} instead.")
        x, y = _numpy(item[0], "input"), _numpy(item[1], "target")
        if y.size != 1:
            raise ValidationError(f"Item {i} of the torch Dataset must have one target value. Got shape {y.shape}.")
        if xs and x.shape != xs[0].shape:
            raise ValidationError(f"Item {i} of the torch Dataset has input shape {tuple(x.shape)}; item 0 has "
                                  f"{tuple(xs[0].shape)}. Every input must have the same shape.")
        xs.append(x)
        ys.append(y.reshape(()))
    return {"x": np.stack(xs), "y": np.stack(ys)}


def in_memory_arrays(data: Any) -> dict[str, np.ndarray]:
    """The arrays of in-memory ``data``: ``(x, y)``, ``(x, y, x_test, y_test)``, a dict with ``x``, ``y`` and
    optionally ``x_test``, ``y_test``, ``class_names``, ``feature_names``, or a map-style torch Dataset."""
    import torch.utils.data

    if isinstance(data, torch.utils.data.Dataset):
        return _materialise(data)
    if isinstance(data, Mapping):
        unknown = sorted(set(data) - set(ARRAY_KEYS) - set(NAME_KEYS))
        if unknown or "x" not in data or "y" not in data:
            raise ValidationError("The 'data' parameter, a dict, must have the keys 'x' and 'y' (and optionally "
                                  f"{', '.join(repr(k) for k in (*ARRAY_KEYS[2:], *NAME_KEYS))}). Got "
                                  f"{sorted(str(k) for k in data)} instead.")
        arrays = {k: _numpy(data[k], k) for k in ARRAY_KEYS if data.get(k) is not None}
        for key in NAME_KEYS:
            if data.get(key) is not None:
                names = data[key]
                if isinstance(names, str) or not all(isinstance(n, str) for n in names):
                    raise ValidationError(f"The '{key}' of the in-memory data must be a list of strings. "
                                          f"Got {names!r} instead.")
                arrays[key] = np.array(list(names), dtype=str)
        return arrays
    if isinstance(data, tuple | list) and len(data) in (2, 4):
        return {k: _numpy(v, k) for k, v in zip(ARRAY_KEYS, data, strict=False)}
    raise ValidationError("The 'data' parameter must be a data set's name, (x, y) or (x, y, x_test, y_test) arrays "
                          "or tensors, a dict with 'x' and 'y', or a map-style torch Dataset. Got "
                          f"{type(data).__name__} instead.")


def text_list(arrays: Mapping[str, np.ndarray], key: str) -> list[str] | None:
    """The text array ``key`` of ``arrays`` as a list of strings, or None when there is none."""
    return [str(n) for n in arrays[key]] if key in arrays else None


def write_npz(arrays: Mapping[str, np.ndarray]) -> Path:
    """Write ``arrays`` once to this process's temporary folder; the file is named by their content."""
    digest = hashlib.sha256()
    for key in sorted(arrays):
        array = np.ascontiguousarray(arrays[key])
        digest.update(f"{key}|{array.dtype.str}|{array.shape}|".encode())
        digest.update(array.tobytes())
    path = _FOLDER.get() / f"{digest.hexdigest()[:24]}.npz"
    if not path.exists():
        partial = path.with_suffix(".partial.npz")
        np.savez(partial, **arrays)  # type: ignore[arg-type]
        os.replace(partial, path)  # a reader never sees half a file
    return path


def resolve_data(owner: str, data: DataArg, data_params: Mapping[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """The name and the loader parameters of ``data``: a name as given; in-memory data checked here and written
    to a temporary ``.npz`` (``"npz"``, ``{"path": ..., "task": ...}``). ``data_params`` of in-memory data may
    only give ``task``."""
    params = dict(data_params or {})
    if isinstance(data, str):
        return data, params
    unknown = sorted(set(params) - {"task"})
    if unknown:
        raise ValidationError(f"The 'data_params' parameter of {owner} for in-memory data may only give 'task'. "
                              f"Got {unknown} instead.")
    task = str(params.get("task", "classification"))
    arrays = in_memory_arrays(data)
    make_dataset("arrays", arrays["x"], arrays["y"], task, x_test=arrays.get("x_test"), y_test=arrays.get("y_test"),
                 class_names=text_list(arrays, "class_names"),
                 feature_names=text_list(arrays, "feature_names"))  # checked here, before any file or worker
    return "npz", {"path": str(write_npz(arrays)), "task": task}
