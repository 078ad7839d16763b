"""A diagram of one architecture: a cell as its DAG, a layer-by-layer network as a chain of boxes, any other
space as the list of its decisions."""

from __future__ import annotations

import math
import textwrap

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from nasforge.spaces import Architecture, CellSpace, JointSpace, SearchSpace

_GAP = 2.2  # distance between cell nodes (data units; the node circles are about 0.5 wide)
_OP_COLOURS = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#ff7f0e"]


def architecture(space: SearchSpace, arch: Architecture, title: str = "") -> Figure:
    """The diagram of ``arch`` (a member of ``space``)."""
    caption = ""
    if isinstance(space, JointSpace):
        inner, hp = space.split(arch)
        caption = "training: " + ", ".join(f"{k[3:]}={v}" for k, v in hp.decisions)
        space, arch = space.inner, inner
    if isinstance(space, CellSpace):
        fig = _cell(space, arch)
    elif " > " in space.describe(arch) or space.describe(arch).startswith("mlp "):
        fig = _chain(space.describe(arch))
    else:
        fig = _decisions(arch)
    if caption:
        fig.text(0.5, 0.01, "\n".join(textwrap.wrap(caption, 110)), ha="center", va="bottom", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def _cell(space: CellSpace, arch: Architecture) -> Figure:
    """Nodes 0 .. n-1 on a line; each edge an arc labelled with its op (the zero op, which removes the edge,
    left out)."""
    n = space.n_nodes
    fig = Figure(figsize=(1.0 + 1.7 * n, 1.0 + 1.0 * (0.4 * (n - 1) * _GAP + 0.7)), layout="constrained")
    ax = fig.add_subplot()
    ops = dict(arch.decisions)
    colours = {op: _OP_COLOURS[i % len(_OP_COLOURS)] for i, op in enumerate(space.ops)}
    for i, j in space.edges:
        op = str(ops[f"op_{j}_{i}"])
        if op == space.zero_op:
            continue
        bend = 0.0 if j == i + 1 else 0.4 * (1 if (i + j) % 2 else -1)  # arcs above and below the line
        arrow = FancyArrowPatch((i * _GAP, 0), (j * _GAP, 0), connectionstyle=f"arc3,rad={bend}", arrowstyle="-|>",
                                mutation_scale=12, color=colours[op], linewidth=1.6, shrinkA=14, shrinkB=14)
        ax.add_patch(arrow)
        # the label at the arc's peak: half its control point's offset
        ax.text((i + j) * _GAP / 2, -bend * (j - i) * _GAP / 2, op, ha="center", va="center", fontsize=7,
                color=colours[op],
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.9})
    for node in range(n):
        label = "in" if node == 0 else "out" if node == n - 1 else str(node)
        ax.scatter([node * _GAP], [0], s=600, color="#f0f0f0", edgecolor="black", zorder=3)
        ax.text(node * _GAP, 0, label, ha="center", va="center", fontsize=9, zorder=4)
    span = 0.2 * (n - 1) * _GAP + 0.35
    ax.set_xlim(-0.5, (n - 1) * _GAP + 0.5)
    ax.set_ylim(-span, span)
    ax.set_aspect("equal")  # arc3 bends in display space: equal scales keep the labels on the arcs
    ax.axis("off")
    ax.set_title(f"cell: {space.describe(arch)}", fontsize=8)
    return fig


def _chain(described: str) -> Figure:
    """Boxes from input to output for a description like ``conv(16 k3 s1) > maxpool(k2 s2) | relu, ...``."""
    layers_text, _, settings = described.partition(" | ")
    if layers_text.startswith("mlp "):
        layers = [f"linear({w})" for w in layers_text[4:].split("-") if w]
    else:
        layers = [p.strip() for p in layers_text.split(" > ") if p.strip()]
    boxes = ["input", *layers, "head"]
    per_row = 6
    rows = math.ceil(len(boxes) / per_row)
    fig = Figure(figsize=(min(len(boxes), per_row) * 1.9 + 0.4, 1.3 * rows + 0.9), layout="constrained")
    ax = fig.add_subplot()
    positions = [(k % per_row * 1.9, -(k // per_row) * 1.3) for k in range(len(boxes))]
    for k, (text, (x, y)) in enumerate(zip(boxes, positions, strict=True)):
        colour = "#f0f0f0" if text in ("input", "head") else "#dbe9f6" if "pool" not in text else "#fde3c8"
        ax.add_patch(FancyBboxPatch((x - 0.75, y - 0.3), 1.5, 0.6, boxstyle="round,pad=0.05", facecolor=colour,
                                    edgecolor="black", linewidth=0.8))
        ax.text(x, y, "\n".join(textwrap.wrap(text, 16)), ha="center", va="center", fontsize=7)
        if k:
            (x0, y0) = positions[k - 1]
            ax.add_patch(FancyArrowPatch((x0 + 0.8, y0) if y0 == y else (x0, y0 - 0.35),
                                         (x - 0.8, y) if y0 == y else (x, y + 0.35), arrowstyle="-|>",
                                         mutation_scale=10, color="black",
                                         connectionstyle="arc3" if y0 == y else "angle3"))
    ax.set_xlim(-1.0, min(len(boxes), per_row) * 1.9 - 0.9)
    ax.set_ylim(-(rows - 1) * 1.3 - 0.6, 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    if settings:
        ax.set_title("\n".join(textwrap.wrap(settings, 110)), fontsize=8)
    return fig


def _decisions(arch: Architecture) -> Figure:
    """The decisions as a two-column table."""
    rows = [(name, str(value)) for name, value in arch.decisions]
    fig = Figure(figsize=(5.0, 0.6 + 0.25 * len(rows)), layout="constrained")
    ax = fig.add_subplot()
    ax.axis("off")
    table = ax.table(cellText=rows, colLabels=["decision", "value"], loc="center", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    return fig
