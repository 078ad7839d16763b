from __future__ import annotations

import numpy as np
import pytest

from nasforge.exceptions import ValidationError
from nasforge.spaces import TableSpace


def test_members_and_typed_values(table_csv: str) -> None:
    space = TableSpace(table=table_csv, arch_columns=["depth", "width", "act"])
    assert space.size == 9
    arch = space.make((4, 32, "gelu"))
    space.validate(arch)
    with pytest.raises(ValidationError, match="not in this space"):
        space.validate(space.make((8, 16, "relu")))


def test_sparse_rows_get_nearest_neighbours(table_csv: str) -> None:
    space = TableSpace(table=table_csv, arch_columns=["depth", "width", "act"])
    dense = space.neighbors(space.make((2, 16, "relu")))
    assert set(dense) == {space.make((2, 16, "gelu")), space.make((2, 32, "relu")), space.make((4, 16, "relu"))}
    isolated = space.neighbors(space.make((8, 64, "relu")))
    # no row differs in one decision: the ones differing in two
    assert isolated and all(sum(a != b for a, b in zip(n.values(), (8, 64, "relu"), strict=True)) == 2
                            for n in isolated)


def test_sample_is_uniform_over_rows(table_csv: str) -> None:
    space = TableSpace(table=table_csv, arch_columns=["depth", "width", "act"])
    rng = np.random.default_rng(0)
    seen = {space.sample(rng) for _ in range(300)}
    assert len(seen) == 9


@pytest.mark.parametrize(("columns", "message"), [(["depth", "nope"], "unknown"), ([], "at least one"),
                                                   (["depth", "depth"], "each column once")])
def test_bad_columns(table_csv: str, columns: list[str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        TableSpace(table=table_csv, arch_columns=columns)
