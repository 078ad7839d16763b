"""YAML configs of your own objective: ``evaluator: {function: ...}`` with a space file or the space inline, and the
one-line refusals of what cannot run (nothing stored)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nasforge.config import build_study, load_config
from nasforge.exceptions import ValidationError
from nasforge.storages import get_storage

SPACE = "depth: {int: [1, 4]}\nwidth: [16, 32, 64]\nact: [relu, gelu]\nlr: {float: [0.0001, 0.1], log: true}\n"
HEAD = "study: own\nobjectives: [val_acc:max]\nstrategy: {name: random}\nseed: 0\nbudget: {n_trials: 3}\n"
FUNCTION = "evaluator: {function: \"tests.evaluators.function_objectives:objective\"}\n"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "search.yaml"
    path.write_text(text + f"storage: sqlite:///{tmp_path / 's.db'}\n")
    return path


@pytest.mark.parametrize("space", ["space: {file: space.yaml}\n",
                                   "space:\n" + "".join(f"  {line}\n" for line in SPACE.splitlines())])
def test_a_function_searches_a_space_file_or_an_inline_space(tmp_path: Path, space: str) -> None:
    (tmp_path / "space.yaml").write_text(SPACE)  # found next to the config file
    path = _write(tmp_path, HEAD + FUNCTION + space)
    study = build_study(load_config(path), str(path))
    study.optimize()
    assert len(study.completed_trials()) == 3
    assert set(study.trials[0].arch) == {"depth", "width", "act", "lr"}
    assert sorted(study.trials[0].intermediate) == [0, 1, 2]
    params = study.storage.get_study_spec(study.study_id)["evaluator"]["params"]
    assert params["function"] == "tests.evaluators.function_objectives:objective"


@pytest.mark.parametrize(("text", "message"), [
    (HEAD + FUNCTION, "defines no search space"),
    (HEAD + "evaluator: {function: \"no_such_module_17:f\"}\nspace: {file: space.yaml}\n",
     "No module named 'no_such_module_17'"),
    (HEAD + "evaluator: {function: \"tests.evaluators.function_objectives:objective\", name: nb201}\n"
     "space: {file: space.yaml}\n", "give either function or name"),
    (HEAD.replace("objectives: [val_acc:max]\n", "") + FUNCTION + "space: {file: space.yaml}\n",
     "needs the objectives named"),
    (HEAD + FUNCTION + "space: {file: missing.yaml}\n", "cannot be read"),
    (HEAD + "evaluator: {name: nb201}\nspace: {file: space.yaml}\n", "for an evaluator that defines no space"),
])
def test_what_cannot_run_is_one_line_and_stores_nothing(tmp_path: Path, text: str, message: str,
                                                        nb201_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASFORGE_NB201", nb201_path)
    (tmp_path / "space.yaml").write_text(SPACE)
    with pytest.raises(ValidationError, match=message) as error:
        path = _write(tmp_path, text)
        build_study(load_config(path), str(path))
    assert "\n" not in str(error.value)
    assert not (tmp_path / "s.db").exists() or get_storage(f"sqlite:///{tmp_path / 's.db'}").list_studies() == []
