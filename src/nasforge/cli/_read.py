"""``nasforge list`` and ``nasforge show``: what a storage holds."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from nasforge.cli._options import DEFAULT_STORAGE, StorageOpt
from nasforge.cli._support import (
    cli_errors,
    console,
    print_best,
)
from nasforge.exceptions import ValidationError
from nasforge.storages import get_storage
from nasforge.study import load_study


def list_(storage: StorageOpt = DEFAULT_STORAGE) -> None:
    """List the studies in a storage."""
    with cli_errors():
        summaries = get_storage(storage).list_studies()
        table = Table("study", "created (UTC)", "space", "strategy", "objectives", "trials")
        for s in summaries:
            trials = ", ".join(f"{n} {state}" for state, n in sorted(s.n_trials.items())) or "none"
            table.add_row(s.name, s.created_at.strftime("%Y-%m-%d %H:%M:%S"), s.spec["space"]["name"],
                          s.spec["strategy"]["name"], " ".join(s.spec["objectives"]), trials)
        console.print(table)


def show(
    study: Annotated[str, typer.Option(help="Name of the study.")],
    storage: StorageOpt = DEFAULT_STORAGE,
    top: Annotated[int, typer.Option(help="How many of the best trials to list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the study as JSON.")] = False,
) -> None:
    """Show a study: its spec, trial counts and best trials."""
    with cli_errors():
        if top < 1:
            raise ValidationError(f"The '--top' option must be an int >= 1. Got {top} instead.")
        store = get_storage(storage)
        loaded = load_study(name=study, storage=store)
        spec = store.get_study_spec(loaded.study_id)
        objective = loaded.objectives[0]
        done = [t for t in loaded.completed_trials() if objective.name in t.metrics]
        done.sort(key=lambda t: -objective.signed(t.metrics[objective.name]))
        front = loaded.pareto_front() if len(loaded.objectives) > 1 else []
        if as_json:
            payload: dict[str, Any] = {"spec": spec, "summary": loaded.summary(),
                       "top": [{"number": t.number, "arch": t.arch.to_dict(), "budget": t.budget,
                                "metrics": dict(t.metrics)}
                               for t in done[:top]]}
            if front:
                payload["pareto_front"] = [{"number": t.number, "arch": t.arch.to_dict(),
                                            "metrics": {o.name: t.metrics[o.name] for o in loaded.objectives}}
                                           for t in front]
                payload["hypervolume"] = loaded.hypervolume()
            console.print_json(json.dumps(payload))
            return
        console.print(f"study {loaded.name}: strategy {spec['strategy']}, objectives {spec['objectives']}",
                      markup=False)
        budgets = any(t.budget is not None for t in done)  # multi-fidelity: show what each trial was given
        table = Table("#", "architecture", *(["budget"] if budgets else []), *list(done[0].metrics) if done else [])
        for t in done[:top]:
            table.add_row(str(t.number), loaded.space.describe(t.arch), *([f"{t.budget:g}" if t.budget else "full"]
                                                                          if budgets else []),
                          *[f"{v:.5g}" for v in t.metrics.values()])
        console.print(table)
        if front:
            names = [o.name for o in loaded.objectives]
            pareto = Table("#", "architecture", *names, title=f"Pareto front ({len(front)} trials)")
            for t in sorted(front, key=lambda t: -loaded.objectives[0].signed(t.metrics[names[0]])):
                pareto.add_row(str(t.number), loaded.space.describe(t.arch), *[f"{t.metrics[n]:.5g}" for n in names])
            console.print(pareto)
        print_best(loaded, storage)
