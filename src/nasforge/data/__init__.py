"""Data that works offline: datasets for training (digits, Fashion-MNIST, CSV, arrays, image folders, in-memory
arrays and torch Datasets), their preprocessing specs, splits, and tabular
benchmark tables (NAS-Bench-201 and user tables of architectures)."""

from __future__ import annotations

from nasforge.data._arch_table import ArchTable, load_arch_table
from nasforge.data._dataset import Dataset, make_dataset
from nasforge.data._idx import read_idx
from nasforge.data._images import load_image_folder
from nasforge.data._memory import DataArg, resolve_data
from nasforge.data._nb201 import NB201_ENV, NB201Table, load_nb201, resolve_nb201_path
from nasforge.data._preprocess import apply_preprocessing
from nasforge.data._sources import (
    DATASETS,
    load_arrays,
    load_csv,
    load_dataset,
    load_diabetes,
    load_digits,
    load_fashion_mnist,
    load_idx_folder,
)
from nasforge.data._splits import Split, holdout_split, kfold_splits, subset_split

__all__ = [
    "DATASETS",
    "NB201_ENV",
    "ArchTable",
    "DataArg",
    "Dataset",
    "NB201Table",
    "Split",
    "apply_preprocessing",
    "holdout_split",
    "kfold_splits",
    "load_arch_table",
    "load_arrays",
    "load_csv",
    "load_dataset",
    "load_diabetes",
    "load_digits",
    "load_fashion_mnist",
    "load_idx_folder",
    "load_image_folder",
    "load_nb201",
    "make_dataset",
    "read_idx",
    "resolve_data",
    "resolve_nb201_path",
    "subset_split",
]
