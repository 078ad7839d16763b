"""A study of a declared space is stored as data: another process rebuilds and continues it without user code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nasforge import Choice, Float, Int, Repeat, Space, create_study, load_study
from nasforge.exceptions import ValidationError
from nasforge.spaces import Architecture, CategoricalSpace, ChainSpace, SearchSpace


def space() -> Space:
    return Space({"depth": Int(1, 6), "width": [16, 32, 64], "lr": Float(1e-4, 1e-1, log=True),
                  "dropout": Choice([0.0, 0.1, 0.3], when={"depth": [4, 5, 6]}),
                  "layers": Repeat(Int(1, 3), {"units": Int(8, 64, step=8)})})


def score(arch: Architecture) -> float:
    return float(arch["depth"]) - abs(np.log10(float(arch["lr"])) + 2.5)


READER = """
import json, sys
import nasforge
from nasforge.study import read_study
url, name = sys.argv[1], sys.argv[2]
view = read_study(name, url)
assert type(view.space).__name__ == "Space", view.space_problem
study = nasforge.load_study(name=name, storage=url)
study.space.validate(study.trials[0].arch)
trial = study.ask()
arch = trial.arch
study.tell(trial, {"score": float(arch["depth"])})
print(json.dumps({"space": view.space.to_dict(), "best": view.best_trial.arch.to_dict(), "n": len(study.trials)}))
"""


def test_another_process_reads_and_continues_a_declared_study(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    study = create_study(space=space(), strategy="evolution", objectives="score:max", storage=url, name="own")
    for _ in range(5):
        trial = study.ask()
        study.tell(trial, {"score": score(trial.arch)})
    assert study.best_trial is not None
    out = subprocess.run([sys.executable, "-c", READER, url, "own"], capture_output=True, text=True, check=False,
                         cwd=tmp_path)  # a folder without the tests: the reader imports only nasforge
    assert out.returncode == 0, out.stderr
    result: dict[str, Any] = json.loads(out.stdout)
    assert result["space"] == space().to_dict()
    assert result["best"] == study.best_trial.arch.to_dict()
    assert result["n"] == 6
    assert len(load_study(name="own", storage=url).trials) == 6


def test_a_mapping_is_read_as_a_declared_space() -> None:
    study = create_study(space={"act": ["relu", "gelu"], "depth": {"int": [1, 3]}}, strategy="grid",
                         objectives="score:max")
    assert isinstance(study.space, Space) and study.space.size == 6


class _Unregistered(SearchSpace):
    """A user's space that was never registered."""

    def get_params(self) -> dict[str, Any]:
        return {}

    def sample(self, rng: np.random.Generator) -> Architecture:
        return Architecture.of("mine", {"a": int(rng.integers(3))})

    def mutate(self, arch: Architecture, rng: np.random.Generator) -> Architecture:
        return Architecture.of("mine", {"a": (int(arch["a"]) + 1) % 3})

    def neighbors(self, arch: Architecture) -> list[Architecture]:
        return [self.mutate(arch, np.random.default_rng(0))]

    def crossover(self, a: Architecture, b: Architecture, rng: np.random.Generator) -> Architecture:
        return a

    def encode(self, arch: Architecture, kind: str = "onehot") -> np.ndarray:
        return np.array([float(arch["a"])])

    def validate(self, arch: Architecture) -> None:
        return None


class _Subclass(ChainSpace):
    """Inherits the name 'chain' but is not the class registered under it."""


@pytest.mark.parametrize(("given", "message"), [
    (CategoricalSpace("toy", {"a": [1, 2], "b": ["x", "y"]}),
     "is a CategoricalSpace, which a stored study cannot rebuild (it is not registered): declare the same decisions "
     "as data, nasforge.Space({'a': [1, 2], 'b': ['x', 'y']})"),
    (_Unregistered(), "is a _Unregistered, which is not registered"),
    (_Subclass(), "is a _Subclass, which is not registered"),
    ("chain", "must be a SearchSpace such as nasforge.Space({...}). Got 'chain' instead."),
])
def test_a_space_a_stored_study_cannot_rebuild_is_refused_in_one_line(given: object, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        create_study(space=given, objectives="score:max")  # type: ignore[arg-type]
    assert message in str(info.value) and "\n" not in str(info.value)


def test_categorical_strategies_are_refused_on_a_float_space_in_one_line() -> None:
    with pytest.raises(ValidationError) as info:
        create_study(space=space(), strategy="reinforce", objectives="score:max")
    message = str(info.value)
    assert "'reinforce', which needs a space of categorical decisions; the Space's decision 'lr' is a Float" in message
    assert "Use one of" in message and "evolution" in message and "\n" not in message
    with pytest.raises(ValidationError, match="'grid', which lists every architecture .* has an infinite number"):
        create_study(space=space(), strategy="grid", objectives="score:max")
