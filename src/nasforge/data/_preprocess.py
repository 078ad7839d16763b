"""How raw inputs become a model's inputs, as plain JSON data, and the one function that applies it.

A *preprocessing spec* is a JSON-compatible dict stored with a data set, written by ``export`` into
``arch.json`` and applied by the exported ``model.py``. Its kinds:

- ``{"kind": "identity", "shape": [...]}``: the raw input already is the model input (float32, reshaped to
  ``shape`` per example).
- ``{"kind": "scale", "factor": f, "shape": [C, H, W] or [F], "channels_last": bool}``: a numeric array times
  ``factor`` (digits: 1/16, image folders: 1/255), reshaped per example; with ``channels_last`` each raw example
  is ``(H, W, C)`` as Pillow and numpy give images, and is moved to ``(C, H, W)``.
- ``{"kind": "columns", "columns": [...], "missing": [...], "shape": [width]}``: rows of a CSV. Each column is
  ``{"name", "type": "numeric", "fill", "mean", "scale"}`` (missing -> ``fill``, then ``(v - mean) / scale``) or
  ``{"name", "type": "categorical", "fill", "categories"}`` (missing -> ``fill``, then one-hot over
  ``categories``; a value not among them gives all zeros). Outputs follow the columns' order, a numeric column
  one value and a categorical one ``len(categories)`` values: exactly the order of the scikit-learn
  ``ColumnTransformer`` the evaluator fitted. A value is missing when it is None, NaN or, as text, one of
  ``missing`` (compared after stripping spaces).

:func:`apply_preprocessing` uses only numpy and the standard library and refers to nothing else in this module:
``export`` copies its source text into the standalone ``model.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

MISSING_TEXT = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "?"]  # CSV cells read as missing


def apply_preprocessing(spec: dict[str, Any], raw: Any) -> np.ndarray:
    """The model input (float32, one row per example) for ``raw`` inputs, as ``spec`` describes.

    Args:
        spec: a preprocessing spec (kinds ``identity``, ``scale``, ``columns``; see the module's docstring).
        raw: ``identity`` / ``scale``: a numeric array of examples (any shape whose size is a multiple of one
            example's). ``columns``: a list of dicts (column name -> value) or a 2-D array in the columns' order.

    Example:
        >>> spec = {"kind": "scale", "factor": 1 / 16, "shape": [1, 2, 2]}
        >>> apply_preprocessing(spec, [[0, 16, 8, 4]]).shape
        (1, 1, 2, 2)
    """
    import math  # inside: the function is copied alone into model.py

    kind = spec.get("kind")
    if kind in ("identity", "scale"):
        x = np.asarray(raw, dtype=np.float64)
        shape = [int(d) for d in spec.get("shape") or x.shape[1:]]
        per_example = int(np.prod(shape)) if shape else 1
        if x.size % per_example != 0:
            raise ValueError(f"raw inputs of size {x.size} are not a whole number of examples of shape {shape}")
        n = x.size // per_example
        if kind == "scale":
            x = x * float(spec["factor"])
        if spec.get("channels_last") and len(shape) == 3:
            c, h, w = shape
            return np.ascontiguousarray(x.reshape(n, h, w, c).transpose(0, 3, 1, 2), dtype=np.float32)
        return np.ascontiguousarray(x.reshape([n, *shape]), dtype=np.float32)
    if kind != "columns":
        raise ValueError(f"unknown preprocessing kind {kind!r}; known: identity, scale, columns")
    columns = spec["columns"]
    missing_text = {str(t).strip() for t in spec.get("missing", ["", "NA", "N/A", "NaN", "nan", "null", "NULL",
                                                                  "None", "?"])}
    names = [c["name"] for c in columns]

    def is_missing(value: Any) -> bool:
        if value is None:
            return True
        if isinstance(value, float | np.floating):
            return math.isnan(float(value))
        return isinstance(value, str) and value.strip() in missing_text

    rows: list[list[Any]]
    if (isinstance(raw, np.ndarray) and raw.ndim == 2) or (isinstance(raw, list | tuple) and raw
                                                         and not isinstance(raw[0], dict)):
        rows = [list(r) for r in raw]
        for r in rows:
            if len(r) != len(names):
                raise ValueError(f"a raw row has {len(r)} values; the columns are {names}")
    else:
        rows = []
        for record in raw:
            unknown = set(record) - set(names)
            if unknown:
                raise ValueError(f"unknown columns {sorted(unknown)}; the columns are {names}")
            rows.append([record.get(name) for name in names])
    out = []
    for r in rows:
        values: list[float] = []
        for column, value in zip(columns, r, strict=True):
            if column["type"] == "numeric":
                v = float(column["fill"]) if is_missing(value) else float(value)
                values.append((v - float(column["mean"])) / float(column["scale"]))
            else:
                text = str(column["fill"]) if is_missing(value) else str(value).strip()
                values.extend(1.0 if text == category else 0.0 for category in column["categories"])
        out.append(values)
    width = sum(1 if c["type"] == "numeric" else len(c["categories"]) for c in columns)
    return np.asarray(out, dtype=np.float32).reshape(len(out), width)
