"""Image folders: class subfolders of PNG / JPEG read with Pillow, grayscale or RGB, resized to one size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nasforge.data import apply_preprocessing, load_dataset, load_image_folder
from nasforge.exceptions import ValidationError


def _write(folder: Path, name: str, pixels: np.ndarray) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    Image.fromarray(pixels).save(path)
    return path


def test_grayscale_pngs_are_read_scaled_and_labelled_by_folder(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (6, 5, 4), dtype=np.uint8)
    for i, image in enumerate(pixels):
        _write(tmp_path / ("cat" if i < 3 else "dog"), f"{i}.png", image)
    data = load_dataset("images", path=str(tmp_path))
    assert data.x.shape == (6, 1, 5, 4) and data.class_names == ["cat", "dog"] and list(data.y) == [0, 0, 0, 1, 1, 1]
    assert np.allclose(data.x[:, 0], pixels / 255.0, atol=1e-7)
    assert data.preprocessing is not None and data.preprocessing["shape"] == [1, 5, 4]
    raw = np.stack([np.asarray(Image.open(p)) for p in sorted(tmp_path.glob("*/*.png"))])
    assert np.array_equal(apply_preprocessing(data.preprocessing, raw), data.x)  # bit for bit


def test_rgb_and_jpeg_and_sizes(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    _write(tmp_path / "a", "1.png", rng.integers(0, 256, (8, 6), dtype=np.uint8))  # grayscale among colour
    _write(tmp_path / "a", "2.jpg", rng.integers(0, 256, (8, 6, 3), dtype=np.uint8))
    _write(tmp_path / "b", "3.PNG", rng.integers(0, 256, (16, 12, 4), dtype=np.uint8))  # RGBA, larger
    (tmp_path / "b" / "notes.txt").write_text("not an image")  # other files are ignored
    data = load_image_folder(tmp_path)
    assert data.x.shape == (3, 3, 8, 6)  # RGB, the most common size (8 x 6); the 16 x 12 one resized
    assert data.preprocessing is not None and data.preprocessing["mode"] == "RGB"
    assert load_image_folder(tmp_path, size=4, mode="L").x.shape == (3, 1, 4, 4)


@pytest.mark.parametrize(("layout", "message"), [
    ({}, "with 0 subfolder"),
    ({"a/1.png": True}, "with 1 subfolder"),
    ({"a/1.png": True, "b/readme.txt": False}, "class folder 'b' .* holds no PNG or JPEG"),
    ({"a/1.png": True, "b/2.png": False}, "The image 'b/2.png' .* cannot be read"),
])
def test_bad_folders_are_refused_with_one_line(tmp_path: Path, layout: dict[str, bool], message: str) -> None:
    for name, valid in layout.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if valid:
            Image.fromarray(np.zeros((4, 4), dtype=np.uint8)).save(path)
        else:
            path.write_bytes(b"\x89PNG broken")
    with pytest.raises(ValidationError, match=message) as info:
        load_image_folder(tmp_path)
    assert "\n" not in str(info.value)


def test_a_missing_folder_and_bad_options(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="not a folder"):
        load_image_folder(tmp_path / "nope")
    with pytest.raises(ValidationError, match="'mode' parameter"):
        load_image_folder(tmp_path, mode="CMYK")
    for name in ("a/1.png", "b/2.png"):
        _write(tmp_path / Path(name).parent, Path(name).name, np.zeros((4, 4), dtype=np.uint8))
    with pytest.raises(ValidationError, match="'size' parameter"):
        load_image_folder(tmp_path, size=[0, 3])
