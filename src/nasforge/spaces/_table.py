"""A space made of the rows of a user's table: every distinct combination of its architecture columns."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from nasforge.data import load_arch_table
from nasforge.spaces._architecture import Architecture, Scalar
from nasforge.spaces._categorical import CategoricalSpace
from nasforge.spaces._registry import register_space


@register_space("table")
class TableSpace(CategoricalSpace):
    """The architectures listed in a CSV table (``arch_columns`` are its categorical decisions).

    Only combinations present in the table are members. Neighbours are the members that differ in one
    decision; where a row has none (a sparse table), the members at the smallest Hamming distance.
    """

    def __init__(self, *, table: str, arch_columns: Sequence[str]) -> None:
        self.table = load_arch_table(table, tuple(arch_columns))
        super().__init__("table", self.table.choices())
        self._members = self.table.row_of
        self._matrix = np.array([[self._index[d][v] for d, v in enumerate(row)] for row in self.table.archs])

    def get_params(self) -> dict[str, Any]:
        return {"table": self.table.path, "arch_columns": list(self.table.arch_columns)}

    def _is_member(self, values: tuple[Scalar, ...]) -> bool:
        return values in self._members

    def sample(self, rng: np.random.Generator) -> Architecture:
        return self.make(self.table.archs[int(rng.integers(len(self.table.archs)))])

    def neighbors(self, arch: Architecture) -> list[Architecture]:
        row = np.array([self._index[d][v] for d, v in enumerate(arch.values())])
        distance = (self._matrix != row).sum(axis=1)
        distance[distance == 0] = len(row) + 1
        nearest = int(distance.min())
        if nearest > len(row):
            return []
        return [self.make(self.table.archs[r]) for r in np.flatnonzero(distance == nearest)]

    @property
    def size(self) -> int | None:
        return len(self.table.archs)

    def enumerate(self) -> Iterator[Architecture]:
        for values in self.table.archs:
            yield self.make(values)
