"""Write a stratified subset of Fashion-MNIST as an .npz (``--data npz``): the one-shot and proxy benchmarks of
issue 5 train hundreds of networks on a 2-core CPU, and a fixed smaller file keeps every run on the same examples.

    python benchmarks/fmnist_subset.py --train 10000 --test 5000 --out out/os/fmnist10k.npz
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from nasforge.data import load_dataset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", default=None, help="folder of the Fashion-MNIST IDX files (default: the Debian "
                        "package's)")
    parser.add_argument("--train", type=int, default=10_000)
    parser.add_argument("--test", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="out/os/fmnist10k.npz")
    args = parser.parse_args()
    data = load_dataset("fashion_mnist", **({"path": args.path} if args.path else {}))
    assert data.x_test is not None and data.y_test is not None
    train, _ = train_test_split(np.arange(len(data.y)), train_size=args.train, stratify=data.y, random_state=args.seed)
    test, _ = train_test_split(np.arange(len(data.y_test)), train_size=args.test, stratify=data.y_test,
                               random_state=args.seed)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, x=data.x[np.sort(train)], y=data.y[np.sort(train)], x_test=data.x_test[np.sort(test)],
                        y_test=data.y_test[np.sort(test)])
    print(f"{out}: {args.train} training and {args.test} test images, {data.input_shape}")


if __name__ == "__main__":
    main()
