"""Datasets that work offline: scikit-learn's digits and diabetes, IDX folders (Fashion-MNIST), CSV files, .npz
arrays and folders of images."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from nasforge._suggest import check_names, keyword_names
from nasforge.data._columns import is_missing, table_from_cells
from nasforge.data._csv import read_csv
from nasforge.data._dataset import Dataset, make_dataset
from nasforge.data._idx import find_idx_files, read_idx
from nasforge.data._images import load_image_folder
from nasforge.data._memory import TEMP_PREFIX, text_list
from nasforge.exceptions import ValidationError

FASHION_MNIST_DIRS = ("/usr/share/datasets/fashion-mnist",)  # Debian's dataset-fashion-mnist
FASHION_MNIST_ENV = "NASFORGE_FASHION_MNIST"


def load_digits() -> Dataset:
    """scikit-learn's 8x8 handwritten digits (1,797 images, 10 classes), scaled to [0, 1]; (N, 1, 8, 8)."""
    from sklearn.datasets import load_digits as sk_digits

    bunch = sk_digits()
    # raw form: sklearn's pixel counts 0..16, (N, 8, 8) or (N, 64)
    return make_dataset("digits", bunch.images[:, None, :, :] / 16.0, bunch.target, "classification",
                        preprocessing={"kind": "scale", "factor": 1 / 16, "shape": [1, 8, 8]},
                        class_names=[str(c) for c in range(10)])


def load_diabetes() -> Dataset:
    """scikit-learn's diabetes regression data (442 rows, 10 standardised features, target scaled /100)."""
    from sklearn.datasets import load_diabetes as sk_diabetes

    bunch = sk_diabetes()
    return make_dataset("diabetes", bunch.data, bunch.target / 100.0, "regression")


def load_idx_folder(path: str | os.PathLike[str], name: str = "idx") -> Dataset:
    """Any folder with the four MNIST-style IDX files; images scaled to [0, 1], (N, 1, H, W)."""
    files = find_idx_files(path)
    arrays = {role: read_idx(file) for role, file in files.items()}
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValidationError(f"The IDX files in {str(path)!r} must hold (N, H, W) images and N labels; "
                                  f"{split} has {images.shape} and {labels.shape}.")

    def scale(images: np.ndarray) -> np.ndarray:
        return (images.astype(np.float32) / 255.0)[:, None, :, :]

    shape = [1, *(int(d) for d in arrays["train_images"].shape[1:])]
    return make_dataset(name, scale(arrays["train_images"]), arrays["train_labels"], "classification",
                        x_test=scale(arrays["test_images"]), y_test=arrays["test_labels"],
                        preprocessing={"kind": "scale", "factor": 1 / 255, "shape": shape})


def load_fashion_mnist(path: str | os.PathLike[str] | None = None) -> Dataset:
    """Fashion-MNIST (60,000 + 10,000 images, 28x28, 10 classes) from IDX files: ``path``,
    ``$NASFORGE_FASHION_MNIST``, or where Debian's ``dataset-fashion-mnist`` package puts them."""
    candidates = [path] if path is not None else [os.environ.get(FASHION_MNIST_ENV), *FASHION_MNIST_DIRS]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return load_idx_folder(candidate, "fashion_mnist")
    raise ValidationError(
        "Fashion-MNIST not found: install Debian's package (apt-get install dataset-fashion-mnist) or give the "
        f"folder of its four IDX files with --data-path or ${FASHION_MNIST_ENV}. Looked in {candidates}."
    )


def load_csv(path: str | os.PathLike[str], target: str, task: str = "classification") -> Dataset:
    """A CSV with a header: every column but ``target`` is a feature. Feature columns may hold text categories
    and missing cells (empty, NA, NaN, ?); their preprocessing (median / most-frequent imputation,
    standardisation, one-hot encoding) is fitted per training split by :meth:`Dataset.fitted`; ``x`` here is
    fitted on every row, for a first look. Class labels may be strings (numbered in sorted order, numbers by
    value); they are the ``class_names``."""
    file = Path(path)
    table = read_csv(file, "path")
    rows, header = table.rows, table.header
    if not rows:
        raise ValidationError(f"The CSV {str(file)!r} has no rows.")
    if target not in header:
        raise ValidationError(f"The 'target' parameter must name a column of {file.name}: {', '.join(header)}. "
                              f"Got {target!r} instead.")
    features = [c for c in header if c != target]
    if not features:
        raise ValidationError(f"The CSV {str(file)!r} has no feature column beside the target {target!r}.")
    raw = [row[target].strip() for row in rows]
    for value, line in zip(raw, table.lines, strict=True):
        if is_missing(value):
            raise ValidationError(f"The target column {target!r} of {file.name} is missing on line {line}; every "
                                  "row needs a target.")
    columns = table_from_cells(features, [[row[c] for c in features] for row in rows], file.name)
    class_names = None
    if task == "classification":
        class_names = _sorted_labels(set(raw))
        index = {name: i for i, name in enumerate(class_names)}
        y = np.array([index[v] for v in raw])
    else:
        try:
            y = np.array([float(v) for v in raw])
        except ValueError as exc:
            raise ValidationError(f"The target column {target!r} must be numeric for regression ({exc}).") from exc
    fitted = columns.fit(np.arange(len(raw)))
    return make_dataset(file.stem, fitted.transform(columns.values), y, task, preprocessing=fitted.spec(),
                        class_names=class_names, feature_names=features, table=columns)


def _sorted_labels(labels: set[str]) -> list[str]:
    try:
        return sorted(labels, key=float)
    except ValueError:
        return sorted(labels)


def load_arrays(path: str | os.PathLike[str], task: str = "classification") -> Dataset:
    """A NumPy ``.npz`` file with arrays ``x`` and ``y`` (and optionally ``x_test``, ``y_test``, and text arrays
    ``class_names``, ``feature_names``). In-memory data reaches worker processes this way (see
    :func:`~nasforge.data.resolve_data`)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError) as exc:
        gone = TEMP_PREFIX in str(path) and not Path(path).exists()
        why = ("in-memory data written by a process that has ended; give the data again" if gone else str(exc))
        raise ValidationError(f"The 'path' parameter must be a readable .npz file. Got {str(path)!r} "
                              f"({why}).") from None
    if "x" not in arrays or "y" not in arrays:
        raise ValidationError(f"The .npz file {str(path)!r} must hold arrays 'x' and 'y'. Got {sorted(arrays)}.")
    shape = [int(d) for d in np.shape(arrays["x"])[1:]]
    return make_dataset(Path(path).stem, arrays["x"], arrays["y"], task, x_test=arrays.get("x_test"),
                        y_test=arrays.get("y_test"), preprocessing={"kind": "identity", "shape": shape},
                        class_names=text_list(arrays, "class_names"), feature_names=text_list(arrays, "feature_names"))


DATASETS: dict[str, Callable[..., Dataset]] = {
    "digits": load_digits,
    "diabetes": load_diabetes,
    "fashion_mnist": load_fashion_mnist,
    "idx": load_idx_folder,
    "csv": load_csv,
    "npz": load_arrays,
    "images": load_image_folder,
}


def load_dataset(name: str, **params: Any) -> Dataset:
    """Load a dataset by name: digits, diabetes, fashion_mnist, idx (path), csv (path, target, task), npz (path,
    task), images (path, size, mode)."""
    if name not in DATASETS:
        raise ValidationError(f"The 'data' parameter must be one of {', '.join(DATASETS)}. Got {name!r} instead.")
    check_names(params, dataset_parameters(name), f"parameter of data set {name!r}")
    try:
        return DATASETS[name](**params)
    except TypeError as exc:
        raise ValidationError(f"Bad parameters for dataset {name!r}: {exc}.") from exc


def dataset_parameters(name: str) -> list[str] | None:
    """The parameter names of the data set ``name``'s loader (None for an unknown data set)."""
    return keyword_names(DATASETS[name]) if name in DATASETS else None
