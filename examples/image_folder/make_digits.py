"""Write scikit-learn's 8x8 digits as grayscale PNG files in class folders (``OUT/0/0000.png`` ...): a small
image folder to search on, made offline in a second.

    python examples/image_folder/make_digits.py digits_png --n 300
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image
from sklearn.datasets import load_digits


def write_digits(out: str | Path, n: int = 300) -> Path:
    """The first ``n`` digits as PNG files under ``out/<label>/``, pixels 0..16 scaled to 0..255."""
    bunch = load_digits()
    root = Path(out)
    for i in range(min(n, len(bunch.target))):
        folder = root / str(bunch.target[i])
        folder.mkdir(parents=True, exist_ok=True)
        pixels = np.round(bunch.images[i] * 255 / 16).astype(np.uint8)  # (8, 8)
        Image.fromarray(pixels).save(folder / f"{i:04d}.png")
    return root


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="folder to write (class subfolders 0..9)")
    parser.add_argument("--n", type=int, default=300, help="how many digits (default 300)")
    args = parser.parse_args()
    print(f"wrote {args.n} digits under {write_digits(args.out, args.n)}")
