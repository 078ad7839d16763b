"""The ``nasforge`` command: the Typer app and its commands, each from a module of its own."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import typer
from typer.core import TyperGroup, TyperOption

try:  # recent typer vendors click
    from typer._click.exceptions import ClickException, UsageError
except ImportError:  # pragma: no cover - typer versions that depend on click
    from click.exceptions import ClickException, UsageError  # type: ignore[no-redef,assignment,unused-ignore]

from nasforge.cli._options import STORAGE_HELP, storage_default_now
from nasforge.cli._study_arg import shared_arguments
from nasforge.cli._support import err_console, printable


class _OneLineErrors(TyperGroup):
    """Usage errors (unknown option, wrong type) as one line on stderr and exit code 2, like library errors."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        self._show_default_storage()
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except ClickException as exc:
            err_console.print(f"error: {exc.format_message()}", markup=False, highlight=False, soft_wrap=True)
            sys.exit(2 if isinstance(exc, UsageError) else exc.exit_code)
        except typer.Abort:
            sys.exit(130)
        if standalone_mode:
            sys.exit(code if isinstance(code, int) else 0)
        return code

    def _show_default_storage(self) -> None:
        """Say in each ``--storage`` help which default applies in this environment: the app is built when the
        module is imported, the environment is read when a command line runs."""
        now = printable(storage_default_now())
        for command in self.commands.values():
            for param in command.params:
                if param.name == "storage" and isinstance(param, TyperOption):
                    param.help = f"{STORAGE_HELP} Now: {now}."


app = typer.Typer(cls=_OneLineErrors, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Neural architecture search: search spaces, strategies, evaluators, persistent studies.")


def _register() -> None:
    from nasforge.cli._benchmark import benchmark
    from nasforge.cli._config import run
    from nasforge.cli._dashboard import dashboard
    from nasforge.cli._export import export
    from nasforge.cli._oneshot import oneshot
    from nasforge.cli._read import list_
    from nasforge.cli._report import report
    from nasforge.cli._search import resume, search
    from nasforge.cli._show import show
    from nasforge.cli._train_best import train_best

    commands: list[tuple[str, Callable[..., None]]] = [
        ("search", search), ("resume", resume), ("list", list_), ("show", show), ("oneshot", oneshot),
        ("train-best", train_best), ("benchmark", benchmark), ("export", export), ("report", report),
        ("dashboard", dashboard), ("run", run)]
    for name, command in commands:
        # every command that takes a study takes it as STUDY or --study, and $NASFORGE_STORAGE as its storage
        app.command(name=name)(shared_arguments(command))


_register()


def main() -> None:
    """Entry point of the ``nasforge`` script."""
    app()
