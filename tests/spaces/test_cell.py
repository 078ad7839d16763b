from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from nasforge.exceptions import ValidationError
from nasforge.spaces import CellSpace

BEST_C10 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"


def test_parse_format_round_trip() -> None:
    space = CellSpace()
    arch = space.parse(BEST_C10)
    assert space.format(arch) == BEST_C10
    assert arch["op_3_0"] == "skip_connect"


@pytest.mark.parametrize("bad", ["", "|nor_conv_3x3~0|", BEST_C10.replace("nor_conv_1x1", "conv9x9"),
                                 BEST_C10.replace("~2|", "~3|"), "|a~0|+|b~0|c~1|+|d~0|e~1|f~2|"])
def test_parse_rejects_bad_strings(bad: str) -> None:
    with pytest.raises(ValidationError, match="arch"):
        CellSpace().parse(bad)


def test_size_enumeration_and_neighbours() -> None:
    space = CellSpace()
    assert space.size == 15625
    assert len(set(space.enumerate())) == 15625
    neighbors = space.neighbors(space.parse(BEST_C10))
    assert len(neighbors) == 24  # 6 edges x 4 other ops
    assert all(sum(a != b for a, b in zip(n.values(), space.parse(BEST_C10).values(), strict=True)) == 1
               for n in neighbors)


def test_isomorphic_cells_share_a_key() -> None:
    space = CellSpace()
    # node 1 unused (its only exit is 'none'): the op on 0->1 does not matter
    a = space.parse("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|")
    b = space.parse("|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|")
    assert space.key(a) == space.key(b)
    # swapping the roles of nodes 1 and 2 is impossible, but a skip chain 0->1->3 equals 0->3
    c = space.parse("|skip_connect~0|+|none~0|none~1|+|none~0|nor_conv_1x1~1|none~2|")
    d = space.parse("|none~0|+|none~0|none~1|+|nor_conv_1x1~0|none~1|none~2|")
    assert space.key(c) == space.key(d)
    # different functions differ
    e = space.parse("|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|")
    assert space.key(d) != space.key(e)
    assert space.key(space.parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")) == "zero"


def test_key_agrees_with_the_benchmark_isomorphism(nb201_path: str) -> None:
    """Every pair of cells the table calls isomorphic shares our key (ours also merges pairs the table's
    string key separates only by term order, so it is coarser: 4,930 classes against 6,466)."""
    space = CellSpace()
    path = Path(nb201_path)
    path = path / "nb201_tss.csv.gz" if path.is_dir() else path
    ours: dict[str, set[str]] = defaultdict(set)
    keys = set()
    with gzip.open(path, "rt") as handle:
        for row in csv.DictReader(handle):
            key = space.key(space.parse(row["arch_str"]))
            ours[row["isomorph_key"]].add(key)
            keys.add(key)
    assert len(ours) == 6466
    assert all(len(v) == 1 for v in ours.values())
    assert len(keys) == 4930


def test_path_encoding() -> None:
    space = CellSpace()
    arch = space.parse(BEST_C10)
    path = space.encode(arch, "path")
    # routes 0->3, 0->1->3, 0->2->3, 0->1->2->3 over 4 non-zero ops: 4 + 16 + 16 + 64
    assert path.shape == (100,)
    assert path.sum() == 4  # every route of this cell is open
    empty = space.parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
    assert space.encode(empty, "path").sum() == 0
    assert space.encode(arch).shape == (30,)
    with pytest.raises(ValidationError, match="kind"):
        space.encode(arch, "graph")


def test_generic_cells() -> None:
    space = CellSpace(n_nodes=5, ops=("a", "b"), zero_op=None, identity_op=None)
    assert space.size == 2 ** 10
    arch = space.sample(np.random.default_rng(0))
    assert space.parse(space.format(arch)) == arch
    assert len(space.neighbors(arch)) == 10
    with pytest.raises(ValidationError, match="zero_op"):
        CellSpace(ops=("a", "b"), zero_op="none")
