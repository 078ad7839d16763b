"""``nasforge report``: one self-contained HTML file (plots embedded as PNG) that explains a study."""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
from matplotlib.figure import Figure

from nasforge.report import _plots
from nasforge.report._diagram import architecture
from nasforge.report._history import History, Importance, decision_importance
from nasforge.report._plots import save_figure

if TYPE_CHECKING:
    from nasforge.study import ReadableStudy

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;color:#222;
padding:0 1em}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 7px;
text-align:left}th{background:#f4f4f4}.plots{display:flex;flex-wrap:wrap;gap:12px}
figure{margin:0;border:1px solid #eee;padding:6px;flex:1 1 460px;max-width:530px}
figure#architecture,figure#choices{max-width:1080px;flex-basis:100%}figcaption{font-size:.8em;color:#555}
img{max-width:100%}code{background:#f4f4f4;padding:1px 4px}
"""


def figures(study: ReadableStudy, importance: Importance | None = None) -> dict[str, tuple[str, Figure]]:
    """Every plot that applies to ``study``: key -> (caption, figure) (``importance``: already computed)."""
    importance = importance or decision_importance(study)
    makers: list[tuple[str, str, Callable[[], Figure | None]]] = [
        ("best_so_far", "Best objective so far against the trial number (the worst 5 % of trials may lie below "
         "the plot; 'all trials' shows every one).", lambda: _plots.best_so_far(study)),
        ("best_so_far_time", "Best objective so far against wall-clock time (the worst 5 % of trials may lie "
         "below the plot).",
         lambda: _plots.best_so_far(study, "time")),
        ("best_so_far_cost", "Best objective so far against the evaluator's cumulative cost (for a tabular "
         "benchmark: the simulated training time the search would have spent).",
         lambda: _plots.best_so_far(study, "cost")),
        ("all_trials", "Every finished trial; failed and pruned ones drawn at the lowest value.",
         lambda: _plots.all_trials(study)),
        ("pareto_front", "Trade-off between the objectives (or the objective and the network size); red: the "
         "trials no other trial beats on both.", lambda: _plots.pareto_front(study)),
        ("importance", "Which decisions explain the objective: a random forest fitted on the completed trials to "
         "predict each trial's rank, permutation importance. Read it with the forest's out-of-bag R² in the title: "
         "a low R² means the decisions explain little (noise, or too few trials).",
         lambda: _plots.importance(study, result=importance)),
        ("choices", "For the most important decisions: the mean objective of each value (± standard error).",
         lambda: _plots.choices(study, result=importance)),
        ("learning_curves", "The objective reported after each epoch (multi-fidelity or pruned runs).",
         lambda: _plots.learning_curves(study)),
    ]
    out: dict[str, tuple[str, Figure]] = {}
    with literal_text():
        for key, caption, make in makers:
            fig = make()
            if fig is not None:
                out[key] = (caption, fig)
        best = study.best_trial
        if best is not None:
            out["architecture"] = (f"The best architecture (trial {best.number}).",
                                   architecture(study.space, best.arch))
    return out


def literal_text() -> AbstractContextManager[None]:
    """Matplotlib settings under which the figures made draw names as plain text: a study, metric or decision
    named ``$\\frac{$`` would otherwise be parsed as mathtext (and fail to draw)."""
    return matplotlib.rc_context({"text.parse_math": False, "text.usetex": False})


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _component(entry: dict[str, object] | None) -> str:
    """``name {params}`` of a stored space, evaluator or strategy."""
    if not entry:
        return "none"
    return f"{entry.get('name')} {json.dumps(entry.get('params', {}))}"


def _number(value: float) -> str:
    return f"{value:.5g}"


def write_report(study: ReadableStudy, path: str | Path, *, plots_dir: str | Path | None = None, top: int = 15) -> Path:
    """Write the HTML report of ``study`` to ``path``; with ``plots_dir``, also every plot as PNG and SVG.

    Every name and value from the study (its name, objectives, metric and decision names, architectures, fail
    reasons) is HTML-escaped, and plots draw them as plain text.
    """
    with literal_text():  # tick labels are made when a figure is drawn, so drawing happens inside too
        return _write_report(study, path, plots_dir=plots_dir, top=top)


def _write_report(study: ReadableStudy, path: str | Path, *, plots_dir: str | Path | None, top: int) -> Path:
    importance = decision_importance(study)
    made = figures(study, importance)
    if plots_dir is not None:
        for key, (_, fig) in made.items():
            save_figure(fig, Path(plots_dir) / key)
    spec = study.storage.get_study_spec(study.study_id)
    summary = study.summary()
    history = History.of(study)
    objective = study.objectives[0]
    done = sorted(history.completed(), key=lambda t: -objective.signed(t.metrics[objective.name]))
    metric_names = list(done[0].metrics)[:8] if done else []
    parts = [f"<h1>Study {html.escape(study.name)}</h1>",
             f"<p>Report written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by <code>nasforge report</code>.</p>",
             _table(["", ""], [*[[kind, _component(spec.get(kind))] for kind in ("space", "evaluator", "strategy")],
                               ["objectives", " ".join(spec["objectives"])],
                               ["trials", ", ".join(f"{n} {s}" for s, n in sorted(summary["trials"].items()))]])]
    best = study.best_trial
    if best is not None:
        parts.append("<h2>Best trial</h2>")
        parts.append(f"<p>#{best.number}: <code>{html.escape(study.space.describe(best.arch))}</code></p>")
        parts.append(_table(["metric", "value"], [[k, _number(v)] for k, v in best.metrics.items()]))
    parts.append("<h2>Plots</h2><div class='plots'>")
    for key, (caption, fig) in made.items():
        parts.append(f"<figure id='{key}'><img alt='{key}' src='data:image/png;base64,{_png(fig)}'>"
                     f"<figcaption>{html.escape(caption)}</figcaption></figure>")
    parts.append("</div>")
    if importance is not None:
        parts.append("<h2>Decisions</h2>")
        parts.append(_table(["decision", "importance", "±"], [[n, f"{v:.3f}", f"{s:.3f}"] for n, v, s in zip(
            importance.names, importance.importance, importance.spread, strict=True)]))
    if len(study.objectives) > 1:
        front = study.pareto_front()
        names = [o.name for o in study.objectives]
        parts.append(f"<h2>Pareto front ({len(front)} trials)</h2>")
        parts.append(_table(["#", "architecture", *names], [[str(t.number), study.space.describe(t.arch),
                                                             *[_number(t.metrics[n]) for n in names]] for t in front]))
    parts.append(f"<h2>Top {min(top, len(done))} trials by {html.escape(str(objective))}</h2>")
    parts.append(_table(["#", "architecture", *metric_names], [
        [str(t.number), study.space.describe(t.arch), *[_number(t.metrics.get(n, float("nan"))) for n in metric_names]]
        for t in done[:top]]))
    failed = [t for t in history.trials if t.fail_reason]
    if failed:
        parts.append(f"<h2>Failed trials ({len(failed)})</h2>")
        parts.append(_table(["#", "state", "reason"], [[str(t.number), t.state.value, t.fail_reason or ""]
                                                       for t in failed[:50]]))
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>nasforge: {html.escape(study.name)}</title>"
            f"<style>{_CSS}</style></head><body>{''.join(parts)}</body></html>")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
