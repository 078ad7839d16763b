"""IDX files (the MNIST / Fashion-MNIST format): LeCun et al.'s big-endian n-dimensional arrays."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

from nasforge.exceptions import ValidationError

_DTYPES: dict[int, str] = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
IDX_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read one IDX file (optionally gzip'd) into an array."""
    file = Path(path)
    opener = gzip.open if file.suffix == ".gz" else open
    try:
        with opener(file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ValidationError(f"The IDX file {str(file)!r} cannot be read ({exc}).") from exc
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _DTYPES:
        raise ValidationError(f"The file {str(file)!r} is not an IDX file (bad magic number).")
    ndim = data[3]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_DTYPES[data[2]])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(data) - header != expected:
        raise ValidationError(f"The IDX file {str(file)!r} is truncated or corrupt: header says {shape}, "
                              f"{len(data) - header} bytes follow instead of {expected}.")
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)


def find_idx_files(folder: str | os.PathLike[str]) -> dict[str, Path]:
    """The four MNIST-style IDX files in ``folder`` (plain or .gz)."""
    root = Path(folder)
    if not root.is_dir():
        raise ValidationError(f"The 'path' parameter must be a folder holding the four IDX files "
                              f"({', '.join(IDX_FILES.values())}). Got {str(root)!r}, which is not a folder.")
    found: dict[str, Path] = {}
    for role, stem in IDX_FILES.items():
        for candidate in (root / stem, root / f"{stem}.gz"):
            if candidate.is_file():
                found[role] = candidate
                break
        else:
            raise ValidationError(f"The folder {str(root)!r} lacks {stem}[.gz]; an IDX data folder holds "
                                  f"{', '.join(IDX_FILES.values())}.")
    return found
