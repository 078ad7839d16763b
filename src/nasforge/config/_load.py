"""Read a YAML search config, apply ``KEY=VALUE`` overrides and validate it (building the study it describes is
``config/_build.py``).

Every error is one line that names the file, the key (dotted path), what was wrong and what is allowed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import pydantic
import yaml

from nasforge.config._schema import SearchConfig
from nasforge.exceptions import NasforgeError, ValidationError

# A config is a few dozen keys. These bounds stop a hostile file before it costs memory: YAML aliases can make a
# few hundred bytes expand to billions of values (the "billion laughs"), which pydantic would then walk and copy.
MAX_BYTES = 1 << 20
MAX_ALIASES = 100
MAX_NODES = 100_000
_SHOWN = 80  # characters of a user's value quoted in an error message


def _cut(text: str) -> str:
    """``text`` cut to 80 characters: an error message stays one readable line whatever the input."""
    return text if len(text) <= _SHOWN else text[:_SHOWN - 3] + "..."


def _shown(value: object) -> str:
    """``repr(value)``, cut to 80 characters."""
    return _cut(repr(value))


def _check_expansion(root: yaml.Node, source: str) -> None:
    """Refuse a document with more than MAX_ALIASES aliases, more than MAX_NODES values once aliases are expanded,
    or an alias inside its own anchor (a cycle), before anything is built from it."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    aliases = 0

    def size(node: yaml.Node) -> int:
        nonlocal aliases
        key = id(node)
        if key in open_nodes:
            raise ValidationError(f"{source}: a YAML alias refers to the value that contains it (a cycle); "
                                  "aliases must point to values defined before them.")
        if key in sizes:  # the composer gives every alias of an anchor the same node
            aliases += 1
            if aliases > MAX_ALIASES:
                raise ValidationError(f"{source}: the YAML document uses more than {MAX_ALIASES} aliases (*name); "
                                      "write the values out instead.")
            return sizes[key]
        open_nodes.add(key)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        total = 1 + sum(size(child) for child in children)
        if total > MAX_NODES:
            raise ValidationError(f"{source}: the YAML document expands to more than {MAX_NODES} values (through "
                                  "aliases or sheer size); a config holds far fewer.")
        open_nodes.discard(key)
        sizes[key] = total
        return total

    size(root)


_BOOL, _FLOAT = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:float"
Resolvers = dict[str, list[tuple[str, re.Pattern[str]]]]


def _yaml12_resolvers() -> Resolvers:
    """SafeLoader's implicit resolvers with YAML 1.2 booleans (true / false only) and floats (``1e-4``). The lists
    are copies: PyYAML's add_implicit_resolver would append to SafeLoader's own, for every caller."""
    out: Resolvers = {first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
                      for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    for first in "tTfF":
        out.setdefault(first, []).append((_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")))
    for first in "-+0123456789.":
        out.setdefault(first, []).append(
            (_FLOAT, re.compile(r"^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$")))
    return out


class Yaml12Loader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML has no type hints
    """PyYAML's safe loader with YAML 1.2 scalars and no silent duplicate keys.

    PyYAML follows YAML 1.1: ``1e-4`` (no dot) is a string and yes / no / on / off are booleans; ranges are often
    written ``1e-4`` and 'on' or 'no' may well be a choice's value. A key given twice would lose its first value
    without a word; here it is an error naming the line.
    """

    yaml_implicit_resolvers: ClassVar[Resolvers] = _yaml12_resolvers()

    def __init__(self, text: str, source: str) -> None:
        super().__init__(text)
        self.source = source

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: PyYAML's own error says so
                continue
            if duplicate:
                raise ValidationError(f"{self.source}: line {key_node.start_mark.line + 1}: the key {key!r} is "
                                      "given twice.")
        return super().construct_mapping(node, deep)


def _load_yaml(text: str, source: str) -> Any:
    """``yaml.safe_load`` with the bounds above, YAML 1.2 scalars and no duplicate keys (YAMLError passes)."""
    loader = Yaml12Loader(text, source)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, source)
        return loader.construct_document(node)
    except RecursionError:
        raise ValidationError(f"{source}: the YAML document is nested too deeply.") from None
    finally:
        loader.dispose()


def parse_yaml(text: str, source: str) -> Any:
    """:func:`_load_yaml` with every problem one ValidationError line naming ``source`` (config and space files)."""
    try:
        return _load_yaml(text, source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ValidationError(f"{source}: {where}not valid YAML ({problem}).") from None


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
        text = f"{prefix}unknown key {_shown(where)}.{hint} Allowed here: {', '.join(allowed)}."
    elif first["type"] == "missing":
        text = f"{prefix}the key {_shown(where)} is required."
    else:
        got = first.get("input")
        shown = "" if isinstance(got, dict) else f" Got {_shown(got)}."
        text = f"{prefix}{_cut(where or '(top level)')}: {_cut(first['msg'].removeprefix('Value error, '))}.{shown}"
    more = len(error.errors()) - 1
    return text + (f" ({more} more error{'s' if more > 1 else ''} after this one.)" if more else "")


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
                              f"Got {_shown(assignment)} instead.")
    parts = key.strip().split(".")
    node = data
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ValidationError(f"The '--set' option {assignment!r} goes inside {part!r}, which is not a "
                                  "section.")
        node = child
    try:
        node[parts[-1]] = _load_yaml(raw, f"The '--set' option {_shown(assignment)}")
    except yaml.YAMLError:
        node[parts[-1]] = raw


def _read_text(path: str | Path) -> str:
    """The config file's text: at most MAX_BYTES of UTF-8 without NUL bytes (a binary file is refused in one line)."""
    source = str(path)
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ValidationError(f"The config file {source!r} cannot be read: {exc.strerror}.") from None
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The config file {source!r} is larger than {MAX_BYTES >> 20} MiB; a config is a "
                              "short YAML text.")
    if b"\0" in data:
        raise ValidationError(f"The config file {source!r} is not a text file (it holds NUL bytes); give a YAML "
                              "file.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"The config file {source!r} is not UTF-8 text (byte 0x{data[exc.start]:02x} at "
                              f"offset {exc.start}); give a YAML file.") from None


def load_config(path: str | Path, overrides: Sequence[str] = ()) -> SearchConfig:
    """Read and validate the YAML search config at ``path``, after applying ``overrides`` (``KEY=VALUE``)."""
    source = str(path)
    text = _read_text(path)
    data = parse_yaml(text, source)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationError(f"{source}: the file must hold a mapping of keys (study, evaluator, strategy, "
                              f"budget ...). Got a {type(data).__name__}.")
    for assignment in overrides:
        _override(data, assignment)
    return parse_config(data, source)
