"""Plots of a study (matplotlib ``Figure`` objects, no pyplot state: safe in a server thread).

Each function returns None when the study has nothing to show for it (no results yet, one objective for a
Pareto plot, no per-epoch reports for learning curves).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure

from nasforge._dominance import pareto_ranks
from nasforge.report._history import History, Importance, choice_effects, decision_importance
from nasforge.trial import TrialState

if TYPE_CHECKING:
    from nasforge.study import ReadableStudy

_STATE_COLOURS = {"COMPLETE": "#1f77b4", "PRUNED": "#ff7f0e", "FAIL": "#d62728"}


def _figure(width: float = 6.4, height: float = 4.0) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def save_figure(fig: Figure, base: str | Path) -> list[Path]:
    """Write ``fig`` as ``base.png`` (150 dpi) and ``base.svg``; returns the two paths."""
    paths = [Path(f"{base}.png"), Path(f"{base}.svg")]
    paths[0].parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(paths[0], dpi=150)
    fig.savefig(paths[1])
    return paths


def _zoom(ax: Any, values: np.ndarray, direction: str) -> None:
    """Limit the y axis to the values that matter for the best: the worst 5 % (diverged or collapsed trials) may
    fall outside, so that the differences near the top stay visible."""
    finite = values[np.isfinite(values)]
    if finite.size < 20:
        return
    low, high = np.percentile(finite, [5, 100] if direction == "max" else [0, 95])
    pad = 0.08 * (high - low) or 1.0
    ax.set_ylim(low - pad, high + pad)


def best_so_far(study: ReadableStudy, by: str = "trials") -> Figure | None:
    """The best objective value so far against the trial number (``by="trials"``), the wall-clock seconds since
    the first trial started (``"time"``) or the evaluator's cumulative cost (``"cost"``, e.g. simulated training
    seconds of a tabular benchmark)."""
    history = History.of(study)
    if np.isnan(history.values).all():
        return None
    if by == "trials":
        x, label = np.array([t.number for t in history.trials], dtype=float), "trial"
    elif by == "time":
        x, label = history.seconds, "wall-clock seconds since the first trial started"
    else:
        from nasforge.study import cost_metric_of

        cost = cost_metric_of(study)
        if cost is None or not any(cost in t.metrics for t in history.trials):
            return None
        x = np.cumsum([t.metrics.get(cost, 0.0) for t in history.trials])
        label = f"cumulative {cost}"
    fig = _figure()
    ax = fig.add_subplot()
    ax.scatter(x, history.values, s=10, alpha=0.35, color="#7f7f7f", label="trials")
    ax.step(x, history.best_so_far(), where="post", color="#1f77b4", linewidth=2, label="best so far")
    _zoom(ax, history.values, history.direction)
    ax.set_xlabel(label)
    ax.set_ylabel(f"{history.objective} ({history.direction})")
    ax.set_title(f"Best so far: {study.name}")
    ax.legend(loc="lower right" if history.direction == "max" else "upper right")
    ax.grid(alpha=0.3)
    return fig


def all_trials(study: ReadableStudy) -> Figure | None:
    """Every finished trial's objective by number, coloured by state; failed and pruned ones on the axis."""
    history = History.of(study)
    if not history.trials:
        return None
    fig = _figure()
    ax = fig.add_subplot()
    finite = history.values[~np.isnan(history.values)]
    floor = float(finite.min()) if finite.size else 0.0
    for state, colour in _STATE_COLOURS.items():
        rows = [i for i, t in enumerate(history.trials) if t.state.value == state]
        if not rows:
            continue
        y = [history.values[i] if not math.isnan(history.values[i]) else floor for i in rows]
        ax.scatter([history.trials[i].number for i in rows], y, s=14, color=colour, alpha=0.7,
                   marker="o" if state == "COMPLETE" else "x", label=f"{state} ({len(rows)})")
    ax.set_xlabel("trial")
    ax.set_ylabel(f"{history.objective} ({history.direction})")
    ax.set_title(f"All trials: {study.name}")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def pareto_front(study: ReadableStudy) -> Figure | None:
    """The first two objectives of every feasible trial, the Pareto front joined by a step line. A single-
    objective study is drawn against its size (``params``) when the trials recorded it."""
    trials = study.feasible_trials()
    objectives = [(o.name, o.direction) for o in study.objectives[:2]]
    if len(objectives) < 2:
        extra = next((m for m in ("params", "params_mb", "flops", "flops_m") if trials and m in trials[0].metrics),
                     None)
        if extra is None:
            return None
        objectives.append((extra, "min"))
    (a, da), (b, db) = objectives
    points = np.array([[t.metrics[a], t.metrics[b]] for t in trials if a in t.metrics and b in t.metrics])
    if len(points) < 2:
        return None
    signs = np.array([1.0 if da == "max" else -1.0, 1.0 if db == "max" else -1.0])
    front = np.flatnonzero(pareto_ranks(points * signs) == 0)
    front_points = points[front[np.argsort(points[front, 1])]]
    fig = _figure()
    ax = fig.add_subplot()
    ax.scatter(points[:, 1], points[:, 0], s=12, alpha=0.35, color="#7f7f7f", label=f"trials ({len(points)})")
    ax.step(front_points[:, 1], front_points[:, 0], where="post" if da == "max" else "pre", color="#d62728")
    ax.scatter(front_points[:, 1], front_points[:, 0], s=30, color="#d62728", label=f"Pareto front ({len(front)})")
    ax.set_xlabel(f"{b} ({db})")
    ax.set_ylabel(f"{a} ({da})")
    ax.set_title(f"Pareto front: {study.name}")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def importance(study: ReadableStudy, seed: int = 0, result: Importance | None = None) -> Figure | None:
    """Decision importance (random forest + permutation), most important first, with its spread (``result``: the
    importance already computed, to draw it without fitting again)."""
    result = result or decision_importance(study, seed=seed)
    if result is None:
        return None
    shown = min(len(result.names), 15)
    fig = _figure(6.4, 0.9 + 0.28 * shown)
    ax = fig.add_subplot()
    y = np.arange(shown)[::-1]
    ax.barh(y, result.importance[:shown], xerr=result.spread[:shown], color="#1f77b4", alpha=0.8)
    ax.set_yticks(y, result.names[:shown])
    ax.set_xlabel("share of the explained variation of the objective's rank")
    ax.set_title(f"Which decisions matter ({result.n_trials} trials, forest out-of-bag R² {result.r2:.2f})",
                 fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    return fig


def choices(study: ReadableStudy, top: int = 3, seed: int = 0, result: Importance | None = None) -> Figure | None:
    """For the ``top`` most important decisions: the mean objective of each value, with its standard error."""
    result = result or decision_importance(study, seed=seed)
    if result is None:
        return None
    names = result.names[:top]
    fig = _figure(3.2 * len(names), 3.2)
    axes = fig.subplots(1, len(names), squeeze=False)[0]
    objective = study.objectives[0].name
    for ax, name in zip(axes, names, strict=True):
        effects = choice_effects(study, name)
        labels = list(effects)
        means = [effects[k][0] for k in labels]
        errors = [effects[k][1] for k in labels]
        ax.errorbar(range(len(labels)), means, yerr=errors, fmt="o", capsize=3)
        ax.set_xticks(range(len(labels)), labels, rotation=30 if max(map(len, labels)) > 4 else 0, ha="right",
                      fontsize=8)
        ax.set_title(name, fontsize=10)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel(f"mean {objective}")
    return fig


def learning_curves(study: ReadableStudy, max_trials: int = 60) -> Figure | None:
    """Per-epoch reports of the objective (multi-fidelity and pruned runs): one line per trial, the completed
    ones solid, the pruned ones faded."""
    objective = study.objectives[0].name
    curves = [(t, sorted((step, values[objective]) for step, values in t.intermediate.items()
                         if objective in values)) for t in study.trials if t.intermediate]
    curves = [(t, c) for t, c in curves if c][-max_trials:]
    if not curves:
        return None
    fig = _figure()
    ax = fig.add_subplot()
    for trial, curve in curves:
        steps, values = zip(*curve, strict=True)
        done = trial.state is TrialState.COMPLETE
        ax.plot(steps, values, marker=".", linewidth=1, alpha=0.8 if done else 0.3,
                color="#1f77b4" if done else "#ff7f0e")
    ax.set_xlabel("epoch")
    ax.set_ylabel(objective)
    ax.set_title(f"Learning curves ({len(curves)} trials; orange: pruned or stopped early)", fontsize=10)
    ax.grid(alpha=0.3)
    return fig
