"""Data that works offline: tabular benchmark results and user tables of architectures."""

from __future__ import annotations

from nasforge.data._arch_table import ArchTable, load_arch_table
from nasforge.data._nb201 import NB201_ENV, NB201Table, load_nb201, resolve_nb201_path

__all__ = ["NB201_ENV", "ArchTable", "NB201Table", "load_arch_table", "load_nb201", "resolve_nb201_path"]
