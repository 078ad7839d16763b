"""Plots and reports of studies: best-so-far, all trials, Pareto fronts, architecture diagrams, decision
importance, learning curves; ``write_report`` puts them in one self-contained HTML file."""

from __future__ import annotations

from nasforge.report._diagram import architecture
from nasforge.report._history import History, Importance, choice_effects, decision_importance
from nasforge.report._html import figures, write_report
from nasforge.report._plots import (
    all_trials,
    best_so_far,
    choices,
    importance,
    learning_curves,
    pareto_front,
    save_figure,
)

__all__ = [
    "History",
    "Importance",
    "all_trials",
    "architecture",
    "best_so_far",
    "choice_effects",
    "choices",
    "decision_importance",
    "figures",
    "importance",
    "learning_curves",
    "pareto_front",
    "save_figure",
    "write_report",
]
