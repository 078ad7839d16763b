from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from nasforge.data import (
    holdout_split,
    kfold_splits,
    load_csv,
    load_dataset,
    load_digits,
    load_idx_folder,
    make_dataset,
    read_idx,
)
from nasforge.exceptions import ValidationError


def _write_idx(path: Path, array: np.ndarray) -> None:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    data = header + array.astype(np.uint8).tobytes()
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)


def _idx_folder(root: Path, gz: bool = True) -> Path:
    rng = np.random.default_rng(0)
    ext = ".gz" if gz else ""
    _write_idx(root / f"train-images-idx3-ubyte{ext}", rng.integers(0, 256, (30, 5, 4)))
    _write_idx(root / f"train-labels-idx1-ubyte{ext}", np.arange(30) % 3)
    _write_idx(root / f"t10k-images-idx3-ubyte{ext}", rng.integers(0, 256, (9, 5, 4)))
    _write_idx(root / f"t10k-labels-idx1-ubyte{ext}", np.arange(9) % 3)
    return root


@pytest.mark.parametrize("gz", [True, False])
def test_idx_folder_round_trip(tmp_path: Path, gz: bool) -> None:
    data = load_idx_folder(_idx_folder(tmp_path, gz))
    assert data.x.shape == (30, 1, 5, 4) and data.x_test is not None and data.x_test.shape == (9, 1, 5, 4)
    assert data.x.max() <= 1.0 and data.n_classes == 3 and data.task == "classification"
    raw = read_idx(tmp_path / ("train-labels-idx1-ubyte" + (".gz" if gz else "")))
    np.testing.assert_array_equal(raw, np.arange(30) % 3)


def test_idx_errors(tmp_path: Path) -> None:
    folder = _idx_folder(tmp_path, gz=False)
    with pytest.raises(ValidationError, match="lacks"):
        load_idx_folder(tmp_path / "..")
    broken = folder / "train-images-idx3-ubyte"
    broken.write_bytes(broken.read_bytes()[:-7])
    with pytest.raises(ValidationError, match="truncated"):
        load_idx_folder(folder)
    broken.write_bytes(b"PK\x03\x04 not idx")
    with pytest.raises(ValidationError, match="not an IDX file"):
        read_idx(broken)
    with pytest.raises(ValidationError, match="not a folder"):
        load_idx_folder(tmp_path / "missing")


def test_digits_and_splits() -> None:
    data = load_digits()
    assert data.x.shape == (1797, 1, 8, 8) and data.n_classes == 10
    split = holdout_split(data, val_fraction=0.2, test_fraction=0.2, seed=0)
    assert split.test is not None
    sizes = len(split.train), len(split.val), len(split.test)
    assert sum(sizes) == 1797 and abs(sizes[1] - 360) <= 1 and abs(sizes[2] - 360) <= 1
    assert not set(split.train) & set(split.val) and not set(split.val) & set(split.test)
    again = holdout_split(data, seed=0)
    np.testing.assert_array_equal(split.train, again.train)
    # stratified: every class in every part
    assert all(len(set(data.y[part])) == 10 for part in (split.train, split.val, split.test))
    folds = list(kfold_splits(data, folds=5, seed=0))
    assert len(folds) == 5 and sorted(np.concatenate([f.val for f in folds]).tolist()) == list(range(1797))


def test_csv_and_npz(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b,label\n1,2,cat\n3,4,dog\n5,6,cat\n")
    data = load_csv(path, "label")
    assert data.x.shape == (3, 2) and list(data.y) == [0, 1, 0]
    numeric = tmp_path / "r.csv"
    numeric.write_text("a,b,y\n1,2,0.5\n3,4,1.5\n")
    reg = load_csv(numeric, "y", task="regression")
    assert reg.task == "regression" and reg.x.shape == (2, 2) and reg.y.dtype == np.float32
    by_b = load_csv(path, "b")  # the text column 'label' is now a one-hot feature
    assert by_b.x.shape == (3, 3) and by_b.feature_names == ["a", "label"]
    npz = tmp_path / "d.npz"
    np.savez(npz, x=np.zeros((4, 3)), y=np.array([0, 1, 0, 1]))
    assert load_dataset("npz", path=str(npz)).n_classes == 2
    with pytest.raises(ValidationError, match="'target' parameter"):
        load_csv(path, "nope")


@pytest.mark.parametrize(("x", "y", "task", "message"), [
    (np.zeros((3, 2)), np.zeros(4), "classification", "one target per row"),
    (np.zeros((3,)), np.zeros(3), "classification", "2-D"),
    (np.full((2, 2), np.nan), np.array([0, 1]), "classification", "finite"),
    (np.zeros((2, 2)), np.array([0.5, 1.0]), "classification", "integer class labels"),
    (np.zeros((2, 2)), np.array([-1, 1]), "classification", "labels >= 0"),
    (np.zeros((2, 2)), np.array([1, 1]), "classification", "two classes"),
    (np.zeros((2, 2)), np.array([1, 1]), "ranking", "'task' parameter"),
    (np.zeros((0, 2)), np.zeros(0), "regression", "at least one example"),
])
def test_bad_arrays(x: np.ndarray, y: np.ndarray, task: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        make_dataset("bad", x, y, task)


def test_unknown_dataset() -> None:
    with pytest.raises(ValidationError, match="'data' parameter must be one of"):
        load_dataset("imagenet")
