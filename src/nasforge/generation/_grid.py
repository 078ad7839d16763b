"""Image grids saved as PNG, for people to look at samples."""

from __future__ import annotations

import math
import os

import numpy as np


def image_grid(images: np.ndarray, nrow: int | None = None, pad: int = 1) -> np.ndarray:
    """Tile images (N, C, H, W) in [0, 1] into one (rows*H, cols*W[, C]) array with ``pad`` pixels of white."""
    n, c, h, w = images.shape
    cols = nrow or math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    grid = np.ones((rows * (h + pad) + pad, cols * (w + pad) + pad, c), dtype=np.float32)
    for k in range(n):
        r, q = divmod(k, cols)
        top, left = pad + r * (h + pad), pad + q * (w + pad)
        grid[top:top + h, left:left + w] = np.transpose(images[k], (1, 2, 0))
    return np.clip(grid[..., 0] if c == 1 else grid, 0.0, 1.0)


def save_grid(images: np.ndarray, path: str | os.PathLike[str], nrow: int | None = None, scale: int = 2) -> None:
    """Write a grid of images (N, C, H, W) in [0, 1] to a PNG file, each pixel ``scale`` x ``scale``."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import image as mpimg

    grid = image_grid(images, nrow)
    grid = np.repeat(np.repeat(grid, scale, axis=0), scale, axis=1)
    mpimg.imsave(os.fspath(path), grid, cmap="gray" if grid.ndim == 2 else None, vmin=0.0, vmax=1.0)
