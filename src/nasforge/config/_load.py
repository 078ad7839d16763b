"""Read a YAML search config, apply ``KEY=VALUE`` overrides and validate it (building the study it describes is
``config/_build.py``).

Every error is one line that names the file, the key (dotted path), what was wrong and what is allowed.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pydantic
import yaml

from nasforge.config._schema import SearchConfig
from nasforge.exceptions import NasforgeError, ValidationError


def _fields(model: type[pydantic.BaseModel], path: tuple[Any, ...]) -> list[str]:
    """The keys allowed at ``path`` (for 'did you mean' hints)."""
    for key in path:
        field = model.model_fields.get(str(key))
        annotation = getattr(field, "annotation", None)
        inner = [a for a in getattr(annotation, "__args__", (annotation,)) if isinstance(a, type)
                 and issubclass(a, pydantic.BaseModel)]
        if not inner:
            return []
        model = inner[0]
    return list(model.model_fields)


def _message(source: str | None, error: pydantic.ValidationError) -> str:
    """One line for the first error: ``SOURCE: KEY: what was wrong``. A check of the library (a budget, the run
    options) keeps its own message; with ``source`` None (the command line's options) it is the whole line."""
    first = error.errors()[0]
    location = tuple(first["loc"])
    where = ".".join(str(p) for p in location)
    cause = first.get("ctx", {}).get("error")
    prefix = "" if source is None else f"{source}: "
    if isinstance(cause, NasforgeError):
        text = str(cause) if source is None else prefix + (f"{where}: " if where else "") + str(cause)
    elif first["type"] == "extra_forbidden":
        allowed = _fields(SearchConfig, location[:-1])
        close = difflib.get_close_matches(str(location[-1]), allowed, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        text = f"{prefix}unknown key {where!r}.{hint} Allowed here: {', '.join(allowed)}."
    elif first["type"] == "missing":
        text = f"{prefix}the key {where!r} is required."
    else:
        got = first.get("input")
        shown = "" if isinstance(got, dict) else f" Got {_short(got)}."
        text = f"{prefix}{where or '(top level)'}: {first['msg'].removeprefix('Value error, ')}.{shown}"
    more = len(error.errors()) - 1
    return text + (f" ({more} more error{'s' if more > 1 else ''} after this one.)" if more else "")


def _short(value: Any, limit: int = 200) -> str:
    text = repr(value) if not _too_large(value, limit) else f"a {type(value).__name__} of more than {limit} values"
    return text if len(text) <= limit else text[:limit] + "..."


def parse_config(data: dict[str, Any], source: str | None = None) -> SearchConfig:
    """Validate ``data`` (a parsed YAML file, or the command line's options) as a :class:`SearchConfig`; errors
    are one line naming ``source`` and the key."""
    try:
        return SearchConfig.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ValidationError(_message(source, exc)) from None


def _override(data: dict[str, Any], assignment: str) -> None:
    """Apply ``a.b.c=VALUE`` (VALUE read as YAML: numbers, booleans, lists) to ``data``."""
    key, sep, raw = assignment.partition("=")
    if not sep or not key.strip():
        raise ValidationError(f"The '--set' option must look like KEY=VALUE (e.g. budget.n_trials=20). "
                              f"Got {assignment!r} instead.")
    parts = key.strip().split(".")
    node = data
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ValidationError(f"The '--set' option {assignment!r} goes inside {part!r}, which is not a "
                                  "section.")
        node = child
    try:
        node[parts[-1]] = yaml.safe_load(raw)
    except yaml.YAMLError:
        node[parts[-1]] = raw


MAX_VALUES = 100_000  # a search config holds tens of values; YAML aliases can expand a small file to billions


def _too_large(data: Any, limit: int = MAX_VALUES) -> bool:
    """True when ``data`` holds more than ``limit`` values once aliases are expanded (each shared node counts at
    every place it appears, as anything that copies or prints it would see it). Stops after ``limit`` steps."""
    count, stack = 0, [data]
    while stack:
        node = stack.pop()
        count += 1
        if count > limit:
            return True
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
    return False


def load_config(path: str | Path, overrides: Sequence[str] = ()) -> SearchConfig:
    """Read and validate the YAML search config at ``path``, after applying ``overrides`` (``KEY=VALUE``)."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"The config file {source!r} cannot be read: {exc.strerror}.") from None
    except UnicodeDecodeError as exc:
        raise ValidationError(f"The config file {source!r} must be UTF-8 text (YAML); byte {exc.start} is not "
                              "(a binary file?).") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ValidationError(f"{source}: {where}not valid YAML ({problem}).") from None
    if data is None:
        data = {}
    if _too_large(data):
        raise ValidationError(f"{source}: the file expands to more than {MAX_VALUES} values (repeated YAML "
                              "aliases?); a search config is far smaller.")
    if not isinstance(data, dict):
        raise ValidationError(f"{source}: the file must hold a mapping of keys (study, evaluator, strategy, "
                              f"budget ...). Got a {type(data).__name__}.")
    for assignment in overrides:
        _override(data, assignment)
    return parse_config(data, source)
