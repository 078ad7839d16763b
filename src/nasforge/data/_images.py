"""A folder of images in class subfolders (``cats/1.png``, ``dogs/7.jpg`` ...), read with Pillow."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from nasforge.data._dataset import Dataset, make_dataset
from nasforge.data._preprocess import apply_preprocessing
from nasforge.exceptions import ValidationError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
_GRAY_MODES = ("1", "L", "LA", "I", "I;16", "F")  # Pillow modes with one colour channel


def _image_files(root: Path) -> dict[str, list[Path]]:
    if not root.is_dir():
        raise ValidationError(f"The 'path' parameter of the 'images' data must be a folder of class subfolders. "
                              f"Got {str(root)!r}, which is not a folder.")
    classes = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if len(classes) < 2:
        raise ValidationError(f"The 'path' parameter of the 'images' data must be a folder with one subfolder of "
                              f"PNG/JPEG images per class (at least two). Got {str(root)!r} with "
                              f"{len(classes)} subfolder(s).")
    files = {}
    for folder in classes:
        images = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        if not images:
            raise ValidationError(f"The class folder {folder.name!r} of {str(root)!r} holds no PNG or JPEG image "
                                  "(.png, .jpg, .jpeg).")
        files[folder.name] = images
    return files


def _size(value: Any, sizes: list[tuple[int, int]]) -> tuple[int, int]:
    if value is None:
        # the most common (height, width); among equally common ones, the largest
        counts = Counter(sizes)
        return max(counts, key=lambda s: (counts[s], s[0] * s[1], s))
    pair = [value, value] if isinstance(value, int) and not isinstance(value, bool) else value
    if (not isinstance(pair, list | tuple) or len(pair) != 2
            or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 1 for d in pair)):
        raise ValidationError(f"The 'size' parameter of the 'images' data must be an int >= 1 or [height, width]. "
                              f"Got {value!r} instead.")
    return int(pair[0]), int(pair[1])


def load_image_folder(path: str | os.PathLike[str], size: int | list[int] | None = None,
                      mode: str | None = None) -> Dataset:
    """The images under ``path``, one subfolder per class (sorted folder names are the ``class_names``).

    Pixels are scaled to [0, 1], (N, C, H, W). ``mode`` ``"L"`` (grayscale, C = 1) or ``"RGB"`` (C = 3); by
    default grayscale when every image is, else RGB (an alpha channel is dropped, palettes expanded).
    Every image is resized (Pillow, bilinear) to ``size`` (an int or [height, width]); by default to the most
    common size among the images, so a folder of equal-sized images is read unchanged.
    """
    from PIL import Image, UnidentifiedImageError

    root = Path(path)
    if mode is not None and mode not in ("L", "RGB"):
        raise ValidationError(f"The 'mode' parameter of the 'images' data must be 'L' or 'RGB'. Got {mode!r} instead.")
    files = _image_files(root)
    images: list[Image.Image] = []
    labels: list[int] = []
    for label, paths in enumerate(files.values()):
        for file in paths:
            try:
                with Image.open(file) as opened:
                    opened.load()
                    images.append(opened.copy())
            except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as exc:
                raise ValidationError(f"The image {str(file.relative_to(root))!r} of {str(root)!r} cannot be read "
                                      f"as PNG or JPEG ({type(exc).__name__}).") from None
            labels.append(label)
    mode = mode or ("L" if all(image.mode in _GRAY_MODES for image in images) else "RGB")
    height, width = _size(size, [(image.height, image.width) for image in images])
    pixels = np.empty((len(images), height, width, 3 if mode == "RGB" else 1), dtype=np.uint8)
    for i, original in enumerate(images):
        image = original.convert(mode)
        if image.size != (width, height):
            image = image.resize((width, height), Image.Resampling.BILINEAR)
        pixels[i] = np.asarray(image).reshape(height, width, -1)
    channels = pixels.shape[-1]
    # raw form: np.asarray(image) of a converted, resized image, (H, W) or (H, W, C) -> channels_last
    spec = {"kind": "scale", "factor": 1 / 255, "shape": [channels, height, width], "channels_last": True,
            "mode": mode, "size": [height, width]}
    x = apply_preprocessing(spec, pixels)  # (N, C, H, W): bit for bit what an exported model.py computes
    return make_dataset(root.name or "images", x, np.array(labels), "classification", preprocessing=spec,
                        class_names=list(files))
