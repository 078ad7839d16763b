"""The preprocessing spec: apply_preprocessing reproduces the fitted scikit-learn ColumnTransformer, scales
images and digits, and is self-contained (export copies its source text alone)."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import numpy as np
import pytest

from nasforge.data import apply_preprocessing, load_csv, load_digits
from nasforge.data._columns import table_from_cells

CSV = """age,colour,size,label
34,red,1.5,yes
,blue,2.5,no
51,NA,,yes
29,green,3.0,no
44,red,2.0,no
38,,1.0,yes
60,blue,4.5,yes
"""


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(CSV)
    return path


def test_columns_spec_equals_the_fitted_transformer(tmp_path: Path) -> None:
    data = load_csv(_csv(tmp_path), "label")
    assert data.table is not None and data.feature_names == ["age", "colour", "size"]
    assert data.class_names == ["no", "yes"] and data.table.kinds == ["numeric", "categorical", "numeric"]
    train = np.array([0, 1, 2, 3, 4])  # fitted on these rows only: 'green' and 'blue' seen, the 60 not
    fitted = data.fitted(train)
    spec = fitted.preprocessing
    assert spec is not None and json.loads(json.dumps(spec)) == spec
    assert spec["columns"][0]["fill"] == pytest.approx(np.median([34, 51, 29, 44]))
    assert spec["columns"][1]["categories"] == ["blue", "green", "red"] and spec["columns"][1]["fill"] == "red"
    expected = data.table.fit(train).transform(data.table.values)
    assert np.array_equal(fitted.x, expected) and fitted.x.shape == (7, 5) and spec["shape"] == [5]
    records = [dict(zip(["age", "colour", "size"], line.split(",")[:3], strict=True)) for line in CSV.split()[1:]]
    assert np.allclose(apply_preprocessing(spec, records), expected, atol=1e-6)
    assert np.allclose(apply_preprocessing(spec, data.table.values), expected, atol=1e-6)  # NaN / None cells
    # an unseen category gives zeros, a missing one the training split's most frequent
    out = apply_preprocessing(spec, [{"age": 40, "colour": "purple", "size": None},
                                     {"age": float("nan"), "colour": "", "size": "2"}])
    assert out[0, 1:4].tolist() == [0, 0, 0] and out[1, 1:4].tolist() == [0, 0, 1]


def test_the_preprocessing_is_fitted_on_the_training_rows_only(tmp_path: Path) -> None:
    data = load_csv(_csv(tmp_path), "label")
    a, b = data.fitted(np.array([0, 1, 2])), data.fitted(np.array([3, 4, 5, 6]))
    assert a.preprocessing != b.preprocessing
    assert a.preprocessing["columns"][1]["categories"] == ["blue", "red"]  # type: ignore[index]
    assert np.all(a.x[3, 1:3] == 0)  # 'green' was not among the training rows: all zeros


def test_scale_specs_of_digits_and_channels_last_images() -> None:
    digits = load_digits()
    from sklearn.datasets import load_digits as sk_digits

    raw = sk_digits().images
    assert digits.preprocessing is not None
    assert np.array_equal(apply_preprocessing(digits.preprocessing, raw), digits.x)
    assert np.array_equal(apply_preprocessing(digits.preprocessing, raw.reshape(len(raw), 64)), digits.x)
    rgb = np.arange(2 * 3 * 4 * 3).reshape(2, 3, 4, 3)  # (N, H, W, C) as Pillow gives
    spec = {"kind": "scale", "factor": 1 / 255, "shape": [3, 3, 4], "channels_last": True}
    out = apply_preprocessing(spec, rgb)
    assert out.shape == (2, 3, 3, 4) and out[1, 2, 0, 1] == pytest.approx(rgb[1, 0, 1, 2] / 255)
    assert apply_preprocessing({"kind": "identity", "shape": [2]}, [[1, 2], [3, 4]]).dtype == np.float32
    with pytest.raises(ValueError, match="unknown preprocessing kind"):
        apply_preprocessing({"kind": "pca"}, [[1]])


def test_apply_preprocessing_runs_from_its_source_text_alone() -> None:
    source = inspect.getsource(apply_preprocessing)
    namespace: dict[str, object] = {"np": np, "Any": object}
    exec(compile("from __future__ import annotations\n" + source, "model.py", "exec"), namespace)
    spec = {"kind": "columns", "columns": [{"name": "c", "type": "categorical", "fill": "a", "categories": ["a", "b"]}]}
    assert namespace["apply_preprocessing"](spec, [{"c": "b"}, {"c": None}]).tolist() == [[0, 1], [1, 0]]  # type: ignore[operator]


def test_a_column_with_no_value_is_refused() -> None:
    from nasforge.exceptions import ValidationError

    with pytest.raises(ValidationError, match="The column 'b' of t.csv has no values"):
        table_from_cells(["a", "b"], [["1", ""], ["2", "NA"]], "t.csv")
