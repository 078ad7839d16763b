"""In-memory data (arrays, tensors, dicts, torch Datasets) becomes one temporary .npz file that workers read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from nasforge.data import load_dataset, resolve_data
from nasforge.data._memory import TEMP_PREFIX
from nasforge.exceptions import ValidationError


class Pairs(torch.utils.data.Dataset[tuple[torch.Tensor, int]]):
    def __init__(self, n: int, bad_item: int | None = None) -> None:
        self.n, self.bad_item = n, bad_item

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        shape = (3,) if i == self.bad_item else (2,)
        return torch.full(shape, float(i)), i % 2


def test_arrays_tensors_and_dicts_give_one_file_by_content() -> None:
    x, y = np.arange(12.0).reshape(6, 2), np.array([0, 1] * 3)
    name, params = resolve_data("T", (x, y), None)
    assert name == "npz" and TEMP_PREFIX in params["path"] and params["task"] == "classification"
    assert resolve_data("T", (torch.from_numpy(x), torch.from_numpy(y)), {})[1] == params  # same content, same file
    assert resolve_data("T", {"x": x, "y": y}, None)[1] == params
    data = load_dataset(name, **params)
    assert np.array_equal(data.x, x.astype(np.float32)) and data.preprocessing == {"kind": "identity", "shape": [2]}
    named = resolve_data("T", {"x": x, "y": y, "class_names": ["even", "odd"], "x_test": x[:2], "y_test": y[:2]},
                         None)[1]
    assert named != params and load_dataset("npz", **named).class_names == ["even", "odd"]
    assert resolve_data("T", "digits", {"a": 1}) == ("digits", {"a": 1})


def test_a_map_style_torch_dataset_is_read_once() -> None:
    name, params = resolve_data("T", Pairs(6), None)
    data = load_dataset(name, **params)
    assert data.x.shape == (6, 2) and list(data.y) == [0, 1, 0, 1, 0, 1] and data.x[5, 0] == 5.0


@pytest.mark.parametrize(("data", "params", "message"), [
    ((np.zeros((3, 2)), np.zeros(4)), None, "one target per row"),
    ((np.zeros((3, 2, 2)), np.zeros(3)), None, "2-D .* or 4-D"),
    ({"x": np.zeros((2, 2))}, None, "must have the keys 'x' and 'y'"),
    ({"x": np.zeros((2, 2)), "y": [0, 1], "z": 1}, None, "must have the keys 'x' and 'y'"),
    ({"x": np.zeros((2, 2)), "y": [0, 1], "class_names": "ab"}, None, "list of strings"),
    ((np.zeros((2, 2)), [0, 1]), {"path": "x"}, "may only give 'task'"),
    ((np.array([["a", 1]], dtype=object), [0]), None, "must be numeric"),
    (Pairs(0), None, "holds no example"),
    (Pairs(4, bad_item=2), None, "Item 2 of the torch Dataset has input shape"),
    (42, None, "must be a data set's name"),
])
def test_bad_in_memory_data_is_one_line(data: object, params: dict[str, str] | None, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        resolve_data("T", data, params)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)


def test_the_file_is_removed_when_the_writing_process_exits(tmp_path: Path) -> None:
    code = ("import numpy as np; from nasforge.data import resolve_data; "
            "print(resolve_data('T', (np.zeros((4, 2)), np.array([0, 1, 0, 1])), None)[1]['path'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    path = Path(out.stdout.strip())
    assert TEMP_PREFIX in str(path) and not path.exists() and not path.parent.exists()
    with pytest.raises(ValidationError, match="written by a process that has ended; give the data again"):
        load_dataset("npz", path=str(path))
