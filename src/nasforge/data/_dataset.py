"""In-memory datasets for real training, checked at the edge."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from nasforge.exceptions import ValidationError

if TYPE_CHECKING:
    from nasforge.data._columns import Table

Task = Literal["classification", "regression"]


@dataclass(frozen=True)
class Dataset:
    """Features and targets held in memory.

    Attributes:
        x: float32 features, (N, F) for tabular data or (N, C, H, W) for images.
        y: int64 class labels 0 .. n_classes-1 (classification) or float32 targets (regression).
        x_test, y_test: a fixed test split when the source has one (Fashion-MNIST), else None.
        preprocessing: how a raw input becomes a row of ``x`` (a JSON spec for
            :func:`~nasforge.data.apply_preprocessing`), or None when the data has no raw form.
        class_names: the name of each class label (classification), when the source names them.
        feature_names: the raw input's columns in order (CSV files), else None.
        table: the raw columns of a CSV, when ``x`` must be refitted per training split (see :meth:`fitted`).
    """

    name: str
    x: np.ndarray
    y: np.ndarray
    task: Task
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    preprocessing: dict[str, Any] | None = None
    class_names: list[str] | None = None
    feature_names: list[str] | None = None
    table: Table | None = None

    def fitted(self, rows: np.ndarray) -> Dataset:
        """This data set with its preprocessing fitted on the examples ``rows`` only (a training split) and
        applied to every example; itself when the preprocessing has nothing to fit (scaling by a constant)."""
        if self.table is None:
            return self
        features = self.table.fit(rows)
        x_test = None if self.table.test is None else features.transform(self.table.test)
        return replace(self, x=features.transform(self.table.values), x_test=x_test,
                       preprocessing=features.spec())

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one example."""
        return tuple(int(d) for d in self.x.shape[1:])

    @property
    def n_classes(self) -> int:
        """Number of classes (0 for regression)."""
        if self.task == "regression":
            return 0
        labels = self.y if self.y_test is None else np.concatenate([self.y, self.y_test])
        return int(labels.max()) + 1

    @property
    def n_outputs(self) -> int:
        """Width of the network's output layer."""
        return self.n_classes if self.task == "classification" else 1


def make_dataset(name: str, x: np.ndarray, y: np.ndarray, task: str, *, x_test: np.ndarray | None = None,
                 y_test: np.ndarray | None = None, preprocessing: dict[str, Any] | None = None,
                 class_names: list[str] | None = None, feature_names: list[str] | None = None,
                 table: Table | None = None) -> Dataset:
    """Validate and convert arrays into a :class:`Dataset` (shapes, dtypes, label ranges)."""
    if task not in ("classification", "regression"):
        raise ValidationError(f"The 'task' parameter must be 'classification' or 'regression'. Got {task!r} instead.")
    pairs = [("x", "y", x, y)] + ([("x_test", "y_test", x_test, y_test)] if x_test is not None else [])
    out = []
    for xname, yname, xs, ys in pairs:
        xs, ys = np.asarray(xs), np.asarray(ys)
        if xs.ndim not in (2, 4):
            raise ValidationError(f"The '{xname}' parameter must be a 2-D (N, features) or 4-D (N, C, H, W) array. "
                                  f"Got shape {xs.shape} instead.")
        if ys.ndim != 1 or len(ys) != len(xs):
            raise ValidationError(f"The '{yname}' parameter must be a 1-D array with one target per row of "
                                  f"'{xname}' ({len(xs)}). Got shape {ys.shape} instead.")
        if len(xs) == 0:
            raise ValidationError(f"The '{xname}' parameter must hold at least one example. Got 0 instead.")
        if not np.issubdtype(xs.dtype, np.number) or not np.all(np.isfinite(xs)):
            raise ValidationError(f"The '{xname}' parameter must hold finite numbers only.")
        xs = xs.astype(np.float32)
        if task == "classification":
            integral = np.issubdtype(ys.dtype, np.integer) or (
                np.issubdtype(ys.dtype, np.floating) and bool(np.all(ys == np.round(ys))))
            if not integral:
                raise ValidationError(f"The '{yname}' parameter must hold integer class labels for "
                                      f"classification. Got dtype {ys.dtype} instead.")
            ys = ys.astype(np.int64)
            if ys.min() < 0:
                raise ValidationError(f"The '{yname}' parameter must hold class labels >= 0. Got {ys.min()} instead.")
        else:
            if not np.issubdtype(ys.dtype, np.number) or not np.all(np.isfinite(ys)):
                raise ValidationError(f"The '{yname}' parameter must hold finite numbers for regression.")
            ys = ys.astype(np.float32)
        out.append((xs, ys))
    if len(out) == 2 and out[0][0].shape[1:] != out[1][0].shape[1:]:
        raise ValidationError(f"The 'x_test' parameter must have the example shape of 'x' {out[0][0].shape[1:]}. "
                              f"Got {out[1][0].shape[1:]} instead.")
    dataset = Dataset(name=name, x=out[0][0], y=out[0][1], task=task,  # type: ignore[arg-type]
                      x_test=out[1][0] if len(out) == 2 else None, y_test=out[1][1] if len(out) == 2 else None,
                      preprocessing=preprocessing, class_names=class_names, feature_names=feature_names, table=table)
    if task == "classification" and len(np.unique(dataset.y)) < 2:
        raise ValidationError("Classification needs at least two classes. Got labels of one class only.")
    if class_names is not None and task == "classification" and len(class_names) < dataset.n_classes:
        raise ValidationError(f"The 'class_names' parameter must name every class ({dataset.n_classes}). Got "
                              f"{len(class_names)} names instead.")
    if feature_names is not None and table is None and (dataset.x.ndim != 2
                                                        or len(feature_names) != dataset.x.shape[1]):
        raise ValidationError(f"The 'feature_names' parameter must name each of the {dataset.input_shape} "
                              f"features. Got {len(feature_names)} names instead.")
    return dataset
