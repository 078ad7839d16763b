"""Hostile config files: an anchor bomb, an alias cycle, deep nesting, binary and non-UTF-8 files and huge values
are refused in one short line, before pydantic (or anything else) walks the expanded document."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest
import yaml

from nasforge.config import load_config
from nasforge.config._load import MAX_ALIASES, MAX_NODES
from nasforge.exceptions import ValidationError

HOSTILE = Path(__file__).resolve().parents[1] / "hostile_inputs"


def _refused(path: Path | str, overrides: tuple[str, ...] = ()) -> str:
    with pytest.raises(ValidationError) as info:
        load_config(path, overrides)
    message = str(info.value)
    assert "\n" not in message and len(message) < 400, message[:500]
    return message


def test_an_anchor_bomb_is_refused_before_it_is_expanded() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    message = _refused(HOSTILE / "bomb.yaml")
    assert f"expands to more than {MAX_NODES} values" in message
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024  # ru_maxrss: KiB on Linux
    assert grown_mb < 50  # the expanded document (531,441 strings, then pydantic's copies) would take hundreds


def test_a_bomb_in_an_override_is_refused() -> None:
    bomb = "[&a [1,1,1,1,1,1,1,1,1,1], " + ", ".join(
        f"&{x} [{', '.join([f'*{y}'] * 10)}]" for x, y in zip("bcdef", "abcde", strict=True)) + "]"
    message = _refused(HOSTILE / "minimal.yaml", (f"evaluator.params.dataset={bomb}",))
    assert "'--set' option" in message and "expands to more than" in message


def test_many_aliases_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text("x: &x 1\nys: [" + ", ".join(["*x"] * (MAX_ALIASES + 1)) + "]\n")
    assert f"more than {MAX_ALIASES} aliases" in _refused(path)
    path.write_text("evaluator: {name: nb201, params: &p {dataset: cifar10}}\nstrategy: {name: random, params: *p}\n"
                    "budget: {n_trials: 1}\n")  # a few aliases are fine
    assert load_config(path).strategy.params == {"dataset": "cifar10"}


def test_an_alias_cycle_and_deep_nesting_are_refused(tmp_path: Path) -> None:
    assert "a cycle" in _refused(HOSTILE / "cycle.yaml")
    deep = tmp_path / "deep.yaml"
    deep.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested too deeply" in _refused(deep)


def test_binary_non_utf8_and_huge_files_are_one_line(tmp_path: Path) -> None:
    assert "is not a text file" in _refused(HOSTILE / "binary.yaml")
    assert "is not UTF-8 text (byte 0xe9" in _refused(HOSTILE / "latin1.yaml")
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * (1 << 20) + "\n")
    assert "larger than 1 MiB" in _refused(big)
    assert "cannot be read" in _refused(tmp_path)  # a folder


def test_long_values_are_cut_in_messages(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    evaluator = {"name": "nb201"}
    path.write_text(yaml.safe_dump({"evaluator": evaluator, "budget": {"n_trials": 1}, "k" * 10_000: 1}))
    message = _refused(path)
    assert "unknown key 'kkk" in message and "..." in message
    path.write_text(yaml.safe_dump({"evaluator": evaluator, "budget": {"n_trials": "y" * 100_000}}))
    message = _refused(path)
    assert "Got 'yyy" in message and "..." in message
    assert len(_refused(HOSTILE / "minimal.yaml", ("z" * 10_000,))) < 400  # an override without '='
