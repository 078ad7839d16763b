"""Unknown names: one message that lists the valid ones and suggests the closest ("did you mean 'lr'?")."""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from nasforge.exceptions import ValidationError


def keyword_names(function: Callable[..., Any]) -> list[str] | None:
    """The keyword parameters of ``function`` (a class: its constructor), sorted; None when it takes ``**kwargs``
    (then any name may be valid)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # builtins without a signature
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return sorted(p.name for p in parameters
                  if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD))


def _initials(name: str) -> str:
    return "".join(word[:1] for word in name.split("_") if word)


def closest(name: str, valid: Sequence[str]) -> str | None:
    """The valid name ``name`` most likely meant: the same words in another order ('lr_d' -> 'd_lr'), an
    abbreviation ('learning_rate' -> 'lr'), or the closest spelling ('widht' -> 'widths')."""
    words = sorted(name.lower().split("_"))
    for candidate in valid:
        if sorted(candidate.lower().split("_")) == words:
            return candidate
    for candidate in valid:
        if "_" in name and _initials(name.lower()) == candidate.lower():
            return candidate
        if "_" in candidate and _initials(candidate.lower()) == name.lower():
            return candidate
    close = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
    return close[0] if close else None


def check_names(given: Iterable[str], valid: Sequence[str] | None, what: str, option: str | None = None) -> None:
    """Raise ValidationError for the first name of ``given`` that is not in ``valid`` (None: anything goes).

    ``what`` names the kind of name, e.g. "training parameter" or "parameter of search space 'mlp'"; ``option``
    the command-line option that gave it, if any.
    """
    if valid is None:
        return
    for name in given:
        if name not in valid:
            close = closest(str(name), valid)
            hint = f" Did you mean {close!r}?" if close else ""
            given_by = f" ({option})" if option else ""
            raise ValidationError(f"Unknown {what} {name!r}{given_by}.{hint} Valid names: {', '.join(valid)}.")
