"""Cell search spaces (NAS-Bench-201 style): one operation on every edge of a small DAG.

Dong & Yang, "NAS-Bench-201", ICLR 2020. A cell has ``n_nodes`` nodes; node 0 is the input, the last
node the output, and node j = sum over i < j of op(i -> j)(node i). The arch string lists the edges
node by node: ``|op(0->1)~0|+|op(0->2)~0|op(1->2)~1|+|...|``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from nasforge._validation import check_int
from nasforge.exceptions import ValidationError
from nasforge.spaces._architecture import Architecture
from nasforge.spaces._categorical import CategoricalSpace
from nasforge.spaces._registry import register_space

if TYPE_CHECKING:
    import torch

NB201_OPS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")


@register_space("nb201")
class CellSpace(CategoricalSpace):
    """A cell space; the defaults are NAS-Bench-201's (4 nodes, 6 edges, 5 ops, 15,625 cells).

    Args:
        n_nodes: nodes of the cell DAG, input and output included.
        ops: candidate operations on every edge.
        zero_op: the op that cuts an edge (its output is zero), or None if there is none.
        identity_op: the op that passes its input unchanged, or None if there is none.

    Example:
        >>> space = CellSpace()
        >>> arch = space.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+"
        ...                    "|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|")
        >>> len(space.neighbors(arch))
        24
    """

    def __init__(self, *, n_nodes: int = 4, ops: Sequence[str] = NB201_OPS,
                 zero_op: str | None = "none", identity_op: str | None = "skip_connect", channels: int = 16,
                 cells_per_stage: int = 5) -> None:
        owner = type(self).__name__
        self.channels = check_int(owner, "channels", channels, minimum=1)
        self.cells_per_stage = check_int(owner, "cells_per_stage", cells_per_stage, minimum=1)
        self.n_nodes = check_int(owner, "n_nodes", n_nodes, minimum=2)
        self.ops = tuple(ops)
        if not self.ops or not all(isinstance(op, str) and op for op in self.ops):
            raise ValidationError(f"The 'ops' parameter of {owner} must be a non-empty list of names. "
                                  f"Got {ops!r} instead.")
        for name, op in (("zero_op", zero_op), ("identity_op", identity_op)):
            if op is not None and op not in self.ops:
                raise ValidationError(f"The '{name}' parameter of {owner} must be None or one of "
                                      f"{list(self.ops)}. Got {op!r} instead.")
        self.zero_op = zero_op
        self.identity_op = identity_op
        self.edges = tuple((i, j) for j in range(1, self.n_nodes) for i in range(j))
        super().__init__("nb201", {f"op_{j}_{i}": self.ops for i, j in self.edges})
        self._routes = self._all_routes()
        self._path_ops = tuple(op for op in self.ops if op != self.zero_op)

    def get_params(self) -> dict[str, Any]:
        return {"n_nodes": self.n_nodes, "ops": list(self.ops), "zero_op": self.zero_op,
                "identity_op": self.identity_op, "channels": self.channels, "cells_per_stage": self.cells_per_stage}

    # -- networks ----------------------------------------------------------------------------------
    def build(self, arch: Architecture, input_shape: tuple[int, ...], n_outputs: int) -> torch.nn.Module:
        """The NAS-Bench-201 macro skeleton around this cell (``channels`` and ``cells_per_stage`` set its size;
        the benchmark's own are 16 and 5). Ops are built by name from :data:`nasforge.nn.CELL_OPS`."""
        from nasforge.nn import CELL_OPS, CellNetwork

        self.validate(arch)
        unknown = sorted(set(self.ops) - set(CELL_OPS))
        if unknown:
            raise ValidationError(f"CellSpace can build networks only from ops {sorted(CELL_OPS)}; "
                                  f"{unknown} have no PyTorch module.")
        if len(input_shape) != 3:
            raise ValidationError(f"A cell network needs image inputs (C, H, W). Got input shape {input_shape}.")
        ops = dict(arch.decisions)
        edges = [(i, j, str(ops[f"op_{j}_{i}"])) for i, j in self.edges]
        return CellNetwork(edges, self.n_nodes, input_shape[0], n_outputs, self.channels, self.cells_per_stage)

    def baseline(self) -> Architecture | None:
        """A ResNet-like cell where the ops allow it: 3x3 convs in a chain plus a skip from input to output."""
        conv = next((op for op in self.ops if "conv_3x3" in op), None)
        if conv is None or self.identity_op is None or self.zero_op is None:
            return None
        values = {}
        for i, j in self.edges:
            if (j == i + 1 and j < self.n_nodes - 1) or (i == self.n_nodes - 2 and j == self.n_nodes - 1):
                values[f"op_{j}_{i}"] = conv
            elif i == 0 and j == self.n_nodes - 1:
                values[f"op_{j}_{i}"] = self.identity_op
            else:
                values[f"op_{j}_{i}"] = self.zero_op
        return Architecture.of(self.space_name, values)

    # -- arch strings ------------------------------------------------------------------------------
    def format(self, arch: Architecture) -> str:
        """The arch string of ``arch``."""
        ops = dict(arch.decisions)
        nodes = []
        for j in range(1, self.n_nodes):
            nodes.append("|" + "|".join(f"{ops[f'op_{j}_{i}']}~{i}" for i in range(j)) + "|")
        return "+".join(nodes)

    def parse(self, arch_str: str) -> Architecture:
        """Parse an arch string such as ``|nor_conv_3x3~0|+|skip_connect~0|none~1|+...``."""
        allowed = "an arch string like '|op~0|+|op~0|op~1|+...' with ops from " + ", ".join(self.ops)
        nodes = arch_str.strip().split("+") if isinstance(arch_str, str) else []
        if len(nodes) != self.n_nodes - 1:
            raise ValidationError(f"The 'arch' parameter must be {allowed}. Got {arch_str!r} instead.")
        values: dict[str, str] = {}
        for j, node in enumerate(nodes, start=1):
            parts = [p for p in node.strip("|").split("|")]
            if len(parts) != j:
                raise ValidationError(f"The 'arch' parameter must be {allowed}. Got {arch_str!r} instead.")
            for part in parts:
                op, _, src = part.partition("~")
                if op not in self.ops or not src.isdigit() or int(src) >= j \
                        or f"op_{j}_{src}" in values:
                    raise ValidationError(
                        f"The 'arch' parameter must be {allowed}. Got {arch_str!r} instead.")
                values[f"op_{j}_{int(src)}"] = op
        return Architecture.of(self.space_name, {f"op_{j}_{i}": values[f"op_{j}_{i}"] for i, j in self.edges})

    def describe(self, arch: Architecture) -> str:
        return self.format(arch)

    # -- isomorphism -------------------------------------------------------------------------------
    def key(self, arch: Architecture) -> str:
        """Canonical key: cells that compute the same function share it.

        Each node is written as the sorted multiset of terms summed into it: a zero edge contributes
        nothing, an identity edge passes its source's terms through, and any other op wraps its
        source's expression. As in NAS-Bench-201, a node that receives nothing is zero and so is any
        op applied to it. Sorting makes the key invariant to the numbering of intermediate nodes, and
        flattening sums through identities merges cells that differ only in where a skip edge joins.
        On NAS-Bench-201 this gives 4,930 classes: every pair of cells that the benchmark's own
        ``isomorph_key`` (6,466 values) calls isomorphic shares a key, and so do pairs that string key
        separates only by the order of the terms it writes.
        """
        ops = dict(arch.decisions)
        nodes: list[list[str]] = [["x"]]
        for j in range(1, self.n_nodes):
            terms: list[str] = []
            for i in range(j):
                op = ops[f"op_{j}_{i}"]
                source = nodes[i]
                if op == self.zero_op or not source:
                    continue
                if op == self.identity_op:
                    terms.extend(source)
                else:
                    terms.append(f"{op}({'+'.join(source)})")
            nodes.append(sorted(terms))
        return "+".join(nodes[-1]) or "zero"

    # -- path encoding (White et al., BANANAS, AAAI 2021) -----------------------------------------
    def _all_routes(self) -> list[tuple[int, ...]]:
        routes: list[tuple[int, ...]] = []

        def extend(route: tuple[int, ...]) -> None:
            if route[-1] == self.n_nodes - 1:
                routes.append(route)
                return
            for nxt in range(route[-1] + 1, self.n_nodes):
                extend((*route, nxt))

        extend((0,))
        return routes

    def encodings(self) -> tuple[str, ...]:
        return ("onehot", "path")

    def encode(self, arch: Architecture, kind: str = "onehot") -> np.ndarray:
        """``onehot``: one block per edge. ``path``: one bit per (input-to-output route, op sequence)
        over the ops that are not the zero op; a bit is set when every edge of the route carries it."""
        if kind != "path":
            return super().encode(arch, kind)
        ops = dict(arch.decisions)
        k = len(self._path_ops)
        index = {op: n for n, op in enumerate(self._path_ops)}
        sizes = [k ** (len(route) - 1) for route in self._routes]
        out = np.zeros(sum(sizes))
        offset = 0
        for route, size in zip(self._routes, sizes, strict=True):
            seq = [str(ops[f"op_{b}_{a}"]) for a, b in itertools.pairwise(route)]
            if all(op in index for op in seq):
                code = 0
                for op in seq:
                    code = code * k + index[op]
                out[offset + code] = 1.0
            offset += size
        return out
