"""``nasforge list``: the studies a storage holds, read without changing it.

It opens the storage read-only and reads the stored specs and trial counts only (no evaluator, no strategy, no replay).
Every user string (study names, component names, problems) is printed literally: rich Text cells, markup off.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from nasforge.cli._options import DEFAULT_STORAGE, StorageOpt
from nasforge.cli._support import cli_errors, console, printable
from nasforge.storages import StudySummary, get_storage


def _text(text: str, style: str = "") -> Text:
    """A table cell that shows ``text`` literally: no markup, no terminal control characters."""
    return Text(printable(text), style=style)


def _name(entry: Any) -> str:
    """The ``name`` of a stored component entry ('?' where the spec lacks it)."""
    return str(entry.get("name", "?")) if isinstance(entry, dict) else "?"


def _row(s: StudySummary) -> list[Text]:
    trials = ", ".join(f"{n} {state}" for state, n in sorted(s.n_trials.items())) or "none"
    created = s.created_at.strftime("%Y-%m-%d %H:%M")
    if s.problem is not None:
        return [_text(s.name), _text(created), _text("unreadable spec", "red"), Text(""), Text(""), _text(trials)]
    objectives = s.spec.get("objectives")
    # one objective per line, each shown literally
    shown = Text("\n".join(printable(str(o)) for o in objectives) if isinstance(objectives, list) else "?")
    return [_text(s.name), _text(created), _text(_name(s.spec.get("space"))), _text(_name(s.spec.get("strategy"))),
            shown, _text(trials)]


def list_(storage: StorageOpt = DEFAULT_STORAGE) -> None:
    """List the studies in a storage (opened read-only: nothing is created or changed)."""
    with cli_errors():
        summaries = get_storage(storage, read_only=True).list_studies()
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
        for header in ("study", "created (UTC)", "space", "strategy", "objectives", "trials"):
            table.add_column(header, no_wrap=header == "created (UTC)")
        for s in summaries:
            table.add_row(*_row(s))
        console.print(table)
        for s in summaries:
            if s.problem is not None:
                console.print(printable(f"study {s.name!r}: {s.problem}"), markup=False, highlight=False,
                              soft_wrap=True)
