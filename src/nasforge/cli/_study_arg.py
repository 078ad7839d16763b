"""One way to name a study and its storage in every command.

A command declares plain ``study`` and ``storage`` parameters (as an option or an argument, with its own help).
:func:`shared_arguments`, applied where the app registers its commands, gives every such command the same two
ways to name the study, positionally (``nasforge show my-study``) or with ``--study my-study``, and the same
default storage (``--storage``, else ``$NASFORGE_STORAGE``, else ``sqlite:///nasforge.db``), so that the rule
lives in this file instead of being repeated, and drifting, in each command.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import Annotated, Any

import typer
from typer.models import ParameterInfo

from nasforge.cli._options import STORAGE_HELP, resolve_storage
from nasforge.cli._support import cli_errors
from nasforge.exceptions import ValidationError

STUDY_METAVAR = "STUDY"
_POSITIONAL = "study_positional"  # the parameter that takes STUDY; ``study`` keeps the name of --study


def one_study(positional: str | None, option: str | None, *, required: bool) -> str | None:
    """The study named by the STUDY argument or the ``--study`` option (either, or both when they agree).

    Raises:
        ValidationError: both name different studies, or neither names one where the command needs one.
    """
    if positional is not None and option is not None and positional != option:
        raise ValidationError(f"The {STUDY_METAVAR} argument and the '--study' option name different studies: "
                              f"{positional!r} and {option!r}. Give the study once.")
    study = positional if positional is not None else option
    if study is None and required:
        raise ValidationError(f"The study must be named, as the {STUDY_METAVAR} argument or with the '--study' "
                              "option. Got neither.")
    return study


def _help_of(parameter: inspect.Parameter) -> str:
    """The help text a command gave its own ``study`` parameter."""
    for info in typing.get_args(parameter.annotation)[1:]:
        if isinstance(info, ParameterInfo) and info.help:
            return info.help.rstrip(".")
    return "Name of the study"


def _study_parameters(parameter: inspect.Parameter) -> list[inspect.Parameter]:
    """The STUDY argument and the ``--study`` option that replace a command's ``study`` parameter."""
    required = parameter.default is inspect.Parameter.empty
    need = " (one of the two is required)" if required else ""
    positional = Annotated[str | None, typer.Argument(metavar=STUDY_METAVAR, show_default=False,
                                                      help=f"{_help_of(parameter)}: here or with --study{need}.")]
    option = Annotated[str | None, typer.Option("--study", metavar="NAME", show_default=False,
                                                help="The study, as an option (the same as STUDY).")]
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    return [inspect.Parameter(_POSITIONAL, kind, default=None, annotation=positional),
            inspect.Parameter("study", kind, default=None, annotation=option)]


def shared_arguments(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` with its ``study`` parameter taken as STUDY or ``--study`` and its ``storage`` parameter
    defaulting to ``$NASFORGE_STORAGE``; a command with neither is returned unchanged.

    The study arrives resolved in ``study`` (None only where the command's own default was None) and the storage in
    ``storage``; a conflict, a missing study or a bad ``$NASFORGE_STORAGE`` is one line and exit code 2 before the
    command runs.
    """
    signature = inspect.signature(command, eval_str=True)
    takes = signature.parameters
    if "study" not in takes and "storage" not in takes:
        return command
    required = "study" in takes and takes["study"].default is inspect.Parameter.empty
    storage_option = Annotated[str | None, typer.Option("--storage", help=STORAGE_HELP, show_default=False)]
    parameters: list[inspect.Parameter] = []
    for parameter in takes.values():
        if parameter.name == "study":
            parameters += _study_parameters(parameter)
        elif parameter.name == "storage":
            parameters.append(parameter.replace(default=None, annotation=storage_option))
        else:
            parameters.append(parameter)

    @functools.wraps(command)
    def with_shared_arguments(**given: Any) -> None:
        with cli_errors():
            if "study" in takes:
                given["study"] = one_study(given.pop(_POSITIONAL), given["study"], required=required)
            if "storage" in takes:
                given["storage"] = resolve_storage(given["storage"])
        command(**given)

    # Typer reads the parameters from the signature and the annotations; neither follows __wrapped__ here.
    del with_shared_arguments.__wrapped__
    with_shared_arguments.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    with_shared_arguments.__annotations__ = {p.name: p.annotation for p in parameters}
    return with_shared_arguments
