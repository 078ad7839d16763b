"""``nasforge list`` and ``nasforge show``: what a storage holds, read without changing it.

Both open the storage read-only and read the stored spec and trials only (no evaluator, no strategy, no replay).
Every user string (study names, metric names, fail reasons) is printed literally: rich Text cells, markup off.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from nasforge.cli._options import DEFAULT_STORAGE, StorageOpt
from nasforge.cli._support import cli_errors, console, printable
from nasforge.exceptions import ValidationError
from nasforge.storages import StudySummary, get_storage
from nasforge.study import StudyView, read_study
from nasforge.trial import FrozenTrial


def _text(text: str, style: str = "") -> Text:
    """A table cell that shows ``text`` literally: no markup, no terminal control characters."""
    return Text(printable(text), style=style)


def _name(entry: Any) -> str:
    """The ``name`` of a stored component entry ('?' where the spec lacks it)."""
    return str(entry.get("name", "?")) if isinstance(entry, dict) else "?"


def _row(s: StudySummary) -> list[Text]:
    trials = ", ".join(f"{n} {state}" for state, n in sorted(s.n_trials.items())) or "none"
    created = s.created_at.strftime("%Y-%m-%d %H:%M:%S")
    if s.problem is not None:
        return [_text(s.name), _text(created), _text("unreadable spec", "red"), Text(""), Text(""), _text(trials)]
    objectives = s.spec.get("objectives")
    shown = " ".join(map(str, objectives)) if isinstance(objectives, list) else "?"
    return [_text(s.name), _text(created), _text(_name(s.spec.get("space"))), _text(_name(s.spec.get("strategy"))),
            _text(shown), _text(trials)]


def list_(storage: StorageOpt = DEFAULT_STORAGE) -> None:
    """List the studies in a storage (opened read-only: nothing is created or changed)."""
    with cli_errors():
        summaries = get_storage(storage, read_only=True).list_studies()
        table = Table("study", "created (UTC)", "space", "strategy", "objectives", "trials")
        for s in summaries:
            table.add_row(*_row(s))
        console.print(table)
        for s in summaries:
            if s.problem is not None:
                console.print(printable(f"study {s.name!r}: {s.problem}"), markup=False, highlight=False,
                              soft_wrap=True)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.5g}"


def _trial_table(view: StudyView, trials: list[FrozenTrial], names: list[str], title: str | None = None) -> Table:
    budgets = any(t.budget is not None for t in trials)  # multi-fidelity: show what each trial was given
    table = Table(title=_text(title) if title else None)
    for header in ["#", "architecture", *(["budget"] if budgets else []), *names]:
        table.add_column(_text(header))
    for t in trials:
        table.add_row(_text(str(t.number)), _text(view.space.describe(t.arch)),
                      *([_text(f"{t.budget:g}" if t.budget else "full")] if budgets else []),
                      *[_text(_number(t.metrics.get(n))) for n in names])
    return table


def _payload(view: StudyView, done: list[FrozenTrial], top: int) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "spec": view.spec, "summary": view.summary(),
        "top": [{"number": t.number, "arch": t.arch.to_dict(), "budget": t.budget, "metrics": dict(t.metrics)}
                for t in done[:top]],
        "fail_reasons": [{"reason": reason, "count": count} for reason, count in view.fail_reasons()]}
    if len(view.objectives) > 1:
        payload["pareto_front"] = [{"number": t.number, "arch": t.arch.to_dict(),
                                    "metrics": {o.name: t.metrics[o.name] for o in view.objectives}}
                                   for t in view.pareto_front()]
        payload["hypervolume"] = view.hypervolume()
    return payload


def show(
    study: Annotated[str, typer.Option(help="Name of the study.")],
    storage: StorageOpt = DEFAULT_STORAGE,
    top: Annotated[int, typer.Option(help="How many of the best trials to list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the study as JSON.")] = False,
) -> None:
    """Show a study: its spec, trial counts, best trials and why trials failed (read-only: nothing is changed, and
    neither the evaluator's data nor its code is needed)."""
    with cli_errors():
        if top < 1:
            raise ValidationError(f"The '--top' option must be an int >= 1. Got {top} instead.")
        view = read_study(study, storage)
        objective = view.objectives[0]
        done = [t for t in view.completed_trials() if objective.name in t.metrics]
        done.sort(key=lambda t: -objective.signed(t.metrics[objective.name]))
        if as_json:
            console.print_json(json.dumps(_payload(view, done, top)))
            return
        spec = view.spec
        console.print(printable(f"study {view.name}: space {_name(spec.get('space'))}, strategy "
                                f"{spec.get('strategy')}, objectives {[str(o) for o in view.objectives]}"),
                      markup=False, highlight=False, soft_wrap=True)
        if view.space_problem is not None:
            console.print(printable(f"(architectures shown as stored: the space cannot be built here: "
                                    f"{view.space_problem})"),
                          markup=False, highlight=False, soft_wrap=True)
        names = list(dict.fromkeys(n for t in done[:top] for n in t.metrics))
        console.print(_trial_table(view, done[:top], names))
        if len(view.objectives) > 1:
            front = sorted(view.pareto_front(), key=lambda t: -objective.signed(t.metrics[objective.name]))
            console.print(_trial_table(view, front, [o.name for o in view.objectives],
                                       f"Pareto front ({len(front)} trials)"))
        counts = view.summary()["trials"]
        console.print(printable(f"study {view.name}: " + (", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
                                                          or "no trials")),
                      markup=False, highlight=False, soft_wrap=True)
        reasons = view.fail_reasons()
        if reasons:
            console.print("fail reasons (first line, distinct):", markup=False, highlight=False)
            for reason, count in reasons:
                console.print(printable(f"  {count} x {reason}"), markup=False, highlight=False, soft_wrap=True)
        best = view.best_trial
        if best is None:
            console.print("no trial completed", markup=False)
        else:
            console.print(printable(f"best trial #{best.number}: {view.space.describe(best.arch)}"), markup=False,
                          highlight=False, soft_wrap=True)
            table = Table("metric", "value")
            for name, value in best.metrics.items():
                table.add_row(_text(name), _text(f"{value:.6g}"))
            console.print(table)
