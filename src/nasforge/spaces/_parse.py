"""Declared spaces as plain data: ``Repeat``, the JSON/YAML form of each decision, and ``load_space_file``.

The data form (what ``Space.to_dict`` writes and a space file holds)::

    depth: {int: [1, 6]}                       # Int(1, 6); also step: 2, log: true
    lr: {float: [1.0e-4, 0.1], log: true}      # Float(1e-4, 0.1, log=True)
    act: [relu, gelu]                          # Choice(["relu", "gelu"])
    dropout: {choice: [0.0, 0.1], when: {depth: [4, 5, 6]}}
    layers: {repeat: {int: [1, 4]}, block: {width: [16, 32], act: [relu, gelu]}}
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nasforge.exceptions import ValidationError
from nasforge.spaces._decisions import Choice, Decision, Float, Int

if TYPE_CHECKING:
    from nasforge.spaces._declared import Space

MAX_REPEAT = 64  # the most blocks a Repeat may have: each one adds its decisions to every architecture
MAX_FILE_BYTES = 1 << 20
_KINDS = {"choice": ("when",), "int": ("step", "log", "when"), "float": ("log", "when"), "repeat": ("block",)}


class Repeat:
    """A block of decisions repeated ``count`` times, where ``count`` (an Int or a Choice of ints >= 0) is itself
    a decision: the depth. Block ``b`` (from 0) has the decisions ``<name>.<b>.<decision>``, active only when the
    count is more than ``b`` (and the block decision's own ``when`` holds).

    Inside a block, a ``when`` names a decision of the same block (``{"act": ["relu"]}`` means this block's act)
    or, when the block has none of that name, a decision of the space.

    Example:
        >>> Repeat(Int(1, 3), {"width": [16, 32]}).count.values()
        (1, 2, 3)
    """

    def __init__(self, count: Int | Choice | Sequence[int], block: Mapping[str, Any]) -> None:
        parsed = parse_decision("count", count, where="Repeat") if not isinstance(count, Int | Choice) else count
        if not isinstance(parsed, Int | Choice):
            raise ValidationError(f"The 'count' parameter of Repeat must be an Int or a Choice of ints. Got "
                                  f"{count!r} instead.")
        count = parsed
        too_many = isinstance(count, Int) and (count.low < 0 or count.high > MAX_REPEAT)  # before listing its values
        if too_many or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_REPEAT
                               for v in count.values()):
            raise ValidationError(f"The 'count' parameter of Repeat must take ints in [0, {MAX_REPEAT}]. Got "
                                  f"{count!r} instead.")
        if not isinstance(block, Mapping) or not block:
            raise ValidationError(f"The 'block' parameter of Repeat must be a non-empty mapping of decisions. Got "
                                  f"{block!r} instead.")
        self.count = count
        self.block: dict[str, Decision] = {}
        for name, value in block.items():
            check_name(name, "Repeat block")
            decision = parse_decision(name, value, where="Repeat block")
            if isinstance(decision, Repeat):
                raise ValidationError(f"Decision {name!r} of a Repeat block is a Repeat: blocks do not nest; "
                                      "declare the inner decisions in the block itself.")
            self.block[name] = decision

    def __repr__(self) -> str:
        return f"Repeat({self.count!r}, {self.block!r})"

    def to_data(self) -> dict[str, Any]:
        """The JSON form."""
        return {"repeat": self.count.to_data(), "block": {k: d.to_data() for k, d in self.block.items()}}


def check_name(name: object, where: str) -> str:
    """A decision name: a non-empty str without '.' (dots separate a Repeat's block names)."""
    if not isinstance(name, str) or not name or "." in name:
        raise ValidationError(f"Decision names of {where} must be non-empty strings without '.'. Got {name!r} "
                              "instead.")
    return name


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _from_mapping(name: str, data: Mapping[str, Any], where: str) -> Decision | Repeat:
    kinds = [k for k in data if k in _KINDS]
    if len(kinds) != 1:
        raise ValidationError(f"Decision {name!r} of {where} must be a mapping with one of the keys "
                              f"{', '.join(_KINDS)}. Got {dict(data)!r} instead.")
    kind = kinds[0]
    extra = set(data) - {kind, *_KINDS[kind]}
    if extra:
        raise ValidationError(f"Decision {name!r} of {where} ({kind}) takes only the keys "
                              f"{', '.join((kind, *_KINDS[kind]))}. Got {sorted(map(str, extra))} instead.")
    body = data[kind]
    if kind == "repeat":
        return Repeat(body, data.get("block", {}))
    if kind == "choice":
        return Choice(body, when=data.get("when"))
    if not isinstance(body, list | tuple) or len(body) != 2 or not all(_number(v) for v in body):
        raise ValidationError(f"Decision {name!r} of {where} ({kind}) must give [low, high] as two numbers. Got "
                              f"{body!r} instead.")
    if kind == "int":
        return Int(body[0], body[1], step=data.get("step", 1), log=data.get("log", False), when=data.get("when"))
    return Float(body[0], body[1], log=data.get("log", False), when=data.get("when"))


def parse_decision(name: str, value: Any, *, where: str = "Space") -> Decision | Repeat:
    """The decision a value declares: a Decision or Repeat as is, a list as a Choice, a mapping in the data form.

    Raises:
        ValidationError: one line naming the decision.
    """
    if isinstance(value, Decision | Repeat):
        return value
    try:
        if isinstance(value, list | tuple):
            return Choice(value)
        if isinstance(value, Mapping):
            return _from_mapping(name, value, where)
    except ValidationError as exc:
        message = str(exc)
        raise ValidationError(message if message.startswith("Decision ") else
                              f"Decision {name!r} of {where}: {message}") from None
    raise ValidationError(f"Decision {name!r} of {where} must be Int(...), Float(...), Choice(...), Repeat(...), a "
                          f"list of values or a mapping with one of the keys {', '.join(_KINDS)}. Got {value!r} "
                          "instead.")


def load_space_file(path: str | Path) -> Space:
    """The space declared in a YAML or JSON file (``.json``: JSON, anything else: YAML) in the data form.

    Raises:
        ValidationError: one line naming the file and what is wrong (unreadable, not a mapping, a bad decision).

    Example:
        >>> load_space_file("space.yaml")  # doctest: +SKIP
    """
    from nasforge.spaces._declared import Space

    source = str(path)
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ValidationError(f"The space file {source!r} cannot be read: {exc.strerror}.") from None
    if len(raw) > MAX_FILE_BYTES or b"\0" in raw:
        raise ValidationError(f"The space file {source!r} must be a YAML or JSON text of at most "
                              f"{MAX_FILE_BYTES >> 20} MiB.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(f"The space file {source!r} is not UTF-8 text.") from None
    if source.lower().endswith(".json"):
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise ValidationError(f"{source}: not valid JSON ({str(exc).splitlines()[0]}).") from None
    else:
        from nasforge.config._load import parse_yaml  # the config files' reader: bounds, YAML 1.2, no duplicates

        data = parse_yaml(text, source)
    if not isinstance(data, dict) or not data:
        raise ValidationError(f"The space file {source!r} must hold a mapping of decision names to decisions "
                              f"(depth: {{int: [1, 6]}}, act: [relu, gelu] ...). Got {type(data).__name__} instead.")
    try:
        return Space.from_dict(data)
    except ValidationError as exc:
        raise ValidationError(f"{source}: {exc}") from None
