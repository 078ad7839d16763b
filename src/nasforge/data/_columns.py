"""Columns of a CSV (numbers, text categories, missing cells) and their scikit-learn preprocessing, fitted on a
training split only.

Each numeric column goes through ``SimpleImputer(median)`` and ``StandardScaler``; each categorical column
through ``SimpleImputer(most_frequent)`` and ``OneHotEncoder(handle_unknown="ignore")``. One
``ColumnTransformer`` holds one such pipeline per column, in the file's column order, so its outputs keep that
order (what :func:`~nasforge.data.apply_preprocessing` reproduces from :meth:`Features.spec`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from nasforge.data._preprocess import MISSING_TEXT
from nasforge.exceptions import ValidationError

Kind = Literal["numeric", "categorical"]


def _as_float(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def is_missing(value: Any) -> bool:
    """Whether a cell is missing: None, NaN, or one of the texts that spreadsheets write for it."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    return isinstance(value, str) and value.strip() in MISSING_TEXT


@dataclass(frozen=True)
class Features:
    """A ``ColumnTransformer`` fitted on a training split, and the columns it was fitted for."""

    names: list[str]
    kinds: list[Kind]
    transformer: Any  # sklearn.compose.ColumnTransformer, fitted

    def transform(self, values: np.ndarray) -> np.ndarray:
        """Model inputs (float32, (N, width)) for raw ``values`` (an object array in the columns' order)."""
        return np.asarray(self.transformer.transform(values), dtype=np.float32)

    def spec(self) -> dict[str, Any]:
        """The fitted preprocessing as a ``columns`` spec (plain JSON numbers and strings)."""
        columns: list[dict[str, Any]] = []
        for i, (name, kind) in enumerate(zip(self.names, self.kinds, strict=True)):
            steps = self.transformer.named_transformers_[f"c{i}"].named_steps
            fill = steps["impute"].statistics_[0]
            if kind == "numeric":
                columns.append({"name": name, "type": "numeric", "fill": float(fill),
                                "mean": float(steps["scale"].mean_[0]), "scale": float(steps["scale"].scale_[0])})
            else:
                categories = [str(c) for c in steps["encode"].categories_[0]]
                columns.append({"name": name, "type": "categorical", "fill": str(fill), "categories": categories})
        width = sum(1 if c["type"] == "numeric" else len(c["categories"]) for c in columns)
        return {"kind": "columns", "columns": columns, "missing": list(MISSING_TEXT), "shape": [width]}


@dataclass(frozen=True)
class Table:
    """Raw feature columns: ``values`` is an object array (N, F), floats (NaN when missing) in numeric columns
    and stripped text (None when missing) in categorical ones; ``test`` the same for a fixed test set."""

    names: list[str]
    kinds: list[Kind]
    values: np.ndarray
    test: np.ndarray | None = None

    def fit(self, rows: np.ndarray) -> Features:
        """The column pipelines fitted on the examples ``rows`` only."""
        from sklearn.compose import ColumnTransformer
        from sklearn.impute import SimpleImputer
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

        part = self.values[np.asarray(rows)]
        parts = []
        for i, (name, kind) in enumerate(zip(self.names, self.kinds, strict=True)):
            if all(is_missing(v) for v in part[:, i]):
                raise ValidationError(f"The column {name!r} is missing in every row of the training split; it "
                                      "cannot be imputed (drop the column or fill it).")
            if kind == "numeric":
                pipe = Pipeline([("float", FunctionTransformer(_as_float)),
                                 ("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
            else:
                pipe = Pipeline([("impute", SimpleImputer(strategy="most_frequent", missing_values=None)),
                                 ("encode", OneHotEncoder(handle_unknown="ignore", sparse_output=False))])
            parts.append((f"c{i}", pipe, [i]))
        transformer = ColumnTransformer(parts, remainder="drop", sparse_threshold=0.0)
        transformer.fit(part)
        return Features(list(self.names), list(self.kinds), transformer)


def table_from_cells(names: list[str], cells: list[list[str]], source: str) -> Table:
    """A :class:`Table` from text cells (rows of a CSV): a column is numeric when every present cell is a
    finite number, categorical otherwise. Raises ValidationError for a column with no value at all."""
    kinds: list[Kind] = []
    columns: list[list[Any]] = []
    for j, name in enumerate(names):
        texts = [row[j].strip() for row in cells]
        present = [t for t in texts if not is_missing(t)]
        if not present:
            raise ValidationError(f"The column {name!r} of {source} has no values (every cell is missing); drop it "
                                  "or fill it.")
        try:
            numbers = [float(t) for t in present]
        except ValueError:
            kinds.append("categorical")
            columns.append([None if is_missing(t) else t for t in texts])
            continue
        if not all(np.isfinite(numbers)):
            raise ValidationError(f"The column {name!r} of {source} holds a non-finite number; use an empty cell "
                                  "for a missing value.")
        kinds.append("numeric")
        columns.append([np.nan if is_missing(t) else float(t) for t in texts])
    values = np.empty((len(cells), len(names)), dtype=object)
    for j, column in enumerate(columns):
        values[:, j] = column
    return Table(list(names), kinds, values)
