"""Seeded splits: train/validation/test and k-fold cross-validation (scikit-learn underneath)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from nasforge._validation import check_float, check_int
from nasforge.data._dataset import Dataset


@dataclass(frozen=True)
class Split:
    """Index arrays into ``dataset.x``; ``test`` is None when the dataset has its own test set."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray | None


def holdout_split(dataset: Dataset, *, val_fraction: float = 0.2, test_fraction: float = 0.2, seed: int = 0) -> Split:
    """Stratified (for classification) train/validation/test indices. A dataset with its own test set keeps it
    and only the validation part is carved from its training examples."""
    from sklearn.model_selection import train_test_split  # imported on use: keeps `import nasforge` light

    check_float("holdout_split", "val_fraction", val_fraction, minimum=0, strict_minimum=True, maximum=0.9)
    check_float("holdout_split", "test_fraction", test_fraction, minimum=0, maximum=0.9)
    idx = np.arange(len(dataset.y))
    stratify = dataset.y if dataset.task == "classification" else None
    test = None
    if dataset.x_test is None and test_fraction > 0:
        idx, test = train_test_split(idx, test_size=test_fraction, random_state=seed, stratify=stratify)
        stratify = dataset.y[idx] if stratify is not None else None
    train, val = train_test_split(idx, test_size=val_fraction / (1 - (test_fraction if test is not None else 0)),
                                  random_state=seed + 1, stratify=stratify)
    return Split(np.sort(train), np.sort(val), None if test is None else np.sort(test))


def subset_split(dataset: Dataset, *, val_fraction: float, test_fraction: float, seed: int,
                 train_subset: int | None) -> Split:
    """:func:`holdout_split`, with the train part cut to a seeded ``train_subset`` examples (a cheaper fidelity)."""
    split = holdout_split(dataset, val_fraction=val_fraction, test_fraction=test_fraction, seed=seed)
    if train_subset is not None and len(split.train) > train_subset:
        rng = np.random.default_rng(seed)
        split = Split(np.sort(rng.choice(split.train, train_subset, replace=False)), split.val, split.test)
    return split


def kfold_splits(dataset: Dataset, *, folds: int = 5, seed: int = 0) -> Iterator[Split]:
    """k folds over all examples (stratified for classification): each fold validates on one part."""
    from sklearn.model_selection import KFold, StratifiedKFold

    check_int("kfold_splits", "folds", folds, minimum=2)
    idx = np.arange(len(dataset.y))
    splitter = (StratifiedKFold(folds, shuffle=True, random_state=seed) if dataset.task == "classification"
                else KFold(folds, shuffle=True, random_state=seed))
    for train, val in splitter.split(idx, dataset.y if dataset.task == "classification" else None):
        yield Split(train, val, None)
