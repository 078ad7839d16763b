"""``nasforge show``: one study at a glance, read without changing it.

It opens the storage read-only and reads the stored spec and trials only (no evaluator, no strategy, no replay).
The text fits the terminal, 80 columns included, with no line longer than it; ``--json`` has every trial.
Every user string (study names, metric names, fail reasons) is printed literally: markup off, control characters
escaped.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from nasforge._suggest import check_names
from nasforge.cli._options import DEFAULT_STORAGE, StorageOpt
from nasforge.cli._support import cli_errors, console, printable, split_list
from nasforge.cli._trial_table import default_metrics, trial_table, wrap_at_separators
from nasforge.exceptions import ValidationError
from nasforge.study import StudyView, read_study
from nasforge.trial import FrozenTrial, TrialState


def _say(text: str) -> None:
    """One line of prose, wrapped at spaces to the terminal's width, user strings shown literally."""
    console.print(Text(printable(text)), overflow="fold", highlight=False)


def _name(entry: Any) -> str:
    """The ``name`` of a stored component entry ('none' for a study without one, '?' where the spec lacks it)."""
    if entry is None:
        return "none"  # e.g. no evaluator: a study driven by ask and tell
    return str(entry.get("name", "?")) if isinstance(entry, dict) else "?"


def _trial_record(view: StudyView, trial: FrozenTrial) -> dict[str, Any]:
    return {"number": trial.number, "state": trial.state.value, "arch": trial.arch.to_dict(),
            "description": view.space.describe(trial.arch), "budget": trial.budget, "metrics": dict(trial.metrics),
            "fail_reason": trial.fail_reason, "retry_of": trial.retry_of,
            "started_at": None if trial.started_at is None else trial.started_at.isoformat(),
            "finished_at": None if trial.finished_at is None else trial.finished_at.isoformat(),
            "duration_s": trial.duration_s}


def _payload(view: StudyView, trials: list[FrozenTrial], ranked: list[FrozenTrial], top: int) -> dict[str, Any]:
    spec = view.spec
    counts = view.summary()["trials"]
    payload: dict[str, Any] = {
        "study": {"name": view.name, "space": _name(spec.get("space")), "strategy": _name(spec.get("strategy")),
                  "evaluator": _name(spec.get("evaluator")), "objectives": [str(o) for o in view.objectives],
                  "constraints": spec.get("constraints") or [], "budget": spec.get("budget"), "trials": counts},
        "spec": spec, "summary": view.summary(),
        "top": [{"number": t.number, "arch": t.arch.to_dict(), "budget": t.budget, "metrics": dict(t.metrics)}
                for t in ranked[:top]],
        "trials": [_trial_record(view, t) for t in trials],
        "fail_reasons": [{"reason": reason, "count": count} for reason, count in view.fail_reasons()]}
    if len(view.objectives) > 1:
        payload["pareto_front"] = [{"number": t.number, "arch": t.arch.to_dict(),
                                    "metrics": {o.name: t.metrics[o.name] for o in view.objectives}}
                                   for t in view.pareto_front()]
        payload["hypervolume"] = view.hypervolume()
    return payload


def _columns(view: StudyView, trials: list[FrozenTrial], metrics: str | None) -> list[str]:
    """The metric columns: ``--metrics`` (each checked against the study's metrics) or two chosen ones."""
    wanted = split_list(metrics, "--metrics")
    known = list(dict.fromkeys(name for t in trials for name in t.metrics))
    if wanted and not known:
        raise ValidationError(f"The '--metrics' option names metrics, but study {view.name!r} has no trial with "
                              f"metrics yet. Got {metrics!r}.")
    check_names(wanted, known, "metric", "--metrics")
    return wanted or default_metrics(known, [o.name for o in view.objectives])


def _print_best(view: StudyView, best: FrozenTrial | None, width: int) -> None:
    if best is None:
        _say("no trial completed")
        return
    _say(f"best trial #{best.number}:")
    for line in wrap_at_separators(printable(view.space.describe(best.arch)), width - 2):
        console.print(Text("  " + line), overflow="fold", highlight=False)
    table = Table("metric", "value", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for name, value in best.metrics.items():
        table.add_row(Text(printable(name)), f"{value:.6g}")
    console.print(table)


def show(
    study: Annotated[str, typer.Option(help="Name of the study.")],
    storage: StorageOpt = DEFAULT_STORAGE,
    top: Annotated[int, typer.Option(help="How many of the best trials to list.")] = 10,
    metrics: Annotated[str | None, typer.Option(help="Metric columns after the objectives, comma-separated "
                                                     "(default: two costs such as params and train_time_s).")
                       ] = None,
    all_trials: Annotated[bool, typer.Option("--all", help="List every trial in the order they were asked, "
                                                           "whatever their state, instead of the --top best.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the study as JSON: its spec and every trial "
                                                         "with all its metrics and its fail reason.")] = False,
) -> None:
    """Show a study: its spec, trial counts, a table of the best trials (objectives and a few metrics), why trials
    failed and the best trial's metrics (read-only: nothing is changed, and neither the evaluator's data nor its
    code is needed)."""
    with cli_errors():
        if top < 1:
            raise ValidationError(f"The '--top' option must be an int >= 1. Got {top} instead.")
        view = read_study(study, storage)
        trials = view.trials
        columns = _columns(view, trials, metrics)
        objective = view.objectives[0]
        ranked = [t for t in trials if t.state is TrialState.COMPLETE and objective.name in t.metrics]
        ranked.sort(key=lambda t: -objective.signed(t.metrics[objective.name]))
        if as_json:
            console.print_json(json.dumps(_payload(view, trials, ranked, top)))
            return
        width = console.width
        spec = view.spec
        _say(f"study {view.name}: space {_name(spec.get('space'))}, strategy {_name(spec.get('strategy'))}, "
             f"evaluator {_name(spec.get('evaluator'))}")
        counts = ", ".join(f"{n} {s}" for s, n in sorted(view.summary()["trials"].items())) or "no trials"
        _say(f"objectives {' '.join(str(o) for o in view.objectives)}; {len(trials)} trials: {counts}")
        if view.space_problem is not None:
            _say(f"(architectures shown as stored: the space cannot be built here: {view.space_problem})")
        objectives = [o.name for o in view.objectives]
        rows = trials if all_trials else ranked[:top]
        title = (f"all {len(trials)} trials" if all_trials
                 else f"best {len(rows)} of {len(ranked)} completed trials, by {objective}")
        _say(title)  # above the table, not its title: a narrow table would wrap it
        table, left_out = trial_table(view.space, rows, objectives, columns, width)
        console.print(table)
        if left_out:
            _say(f"(left out at {width} columns: {', '.join(left_out)}; choose with --metrics, or see --json)")
        if len(objectives) > 1:
            front = sorted(view.pareto_front(), key=lambda t: -objective.signed(t.metrics[objective.name]))
            _say(f"Pareto front ({len(front)} trials)")
            console.print(trial_table(view.space, front, objectives, [], width)[0])
        reasons = view.fail_reasons()
        if reasons:
            _say("fail reasons (first line, distinct):")
            for reason, count in reasons:
                _say(f"  {count} x {reason}")
        _print_best(view, view.best_trial, width)
