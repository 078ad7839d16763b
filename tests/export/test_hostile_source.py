"""The generated ``model.py`` is imported (to check it) and later by the user: no study name, title or value may
become code in it."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn
from typer.testing import CliRunner

from nasforge.cli import app
from nasforge.export import ExportError, export_model, load_standalone, module_source
from nasforge.export._source import docstring_literal

INJECTION = 'x"""; import os; os.system("touch PWNED") #'
TEXTS = [INJECTION, 'a"', 'end with a quote"', '""""', "back\\slash \\", "\\N{oops} \\u12", "new\nline\r\n",
         "tab\tand \x1b[31mescape\x00", "bidi \u202e override", "''' single triple", "", "  "]


@pytest.mark.parametrize("text", TEXTS)
def test_any_text_is_one_docstring_literal(text: str) -> None:
    literal = docstring_literal(text)
    assert ast.literal_eval(literal) == text
    module = ast.parse(literal + "\nx = 1\n")
    assert ast.get_docstring(module, clean=False) == text and len(module.body) == 2
    assert "\u202e" not in literal and "\x1b" not in literal and "\r" not in literal  # nothing hidden


@pytest.mark.parametrize("title", TEXTS[:9])
def test_export_writes_the_title_as_text_and_runs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          title: str) -> None:
    monkeypatch.chdir(tmp_path)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    result = export_model(model, tmp_path / "out", input_shape=(3,), formats=["module"], title=title,
                          arch={"study": title})
    source = result.files["module"].read_text()
    assert ast.get_docstring(ast.parse(source), clean=False).startswith(title)  # type: ignore[union-attr]
    assert not (tmp_path / "PWNED").exists()
    net = load_standalone(result.files["module"], result.files["weights"])
    assert torch.allclose(net(torch.ones(1, 3)), model(torch.ones(1, 3)))


def test_attribute_and_constant_names_must_be_identifiers() -> None:
    class Odd(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x

    odd = Odd()
    setattr(odd, "a=1; import os; b", 2)
    with pytest.raises(ExportError, match="not a Python identifier"):
        module_source(odd)
    with pytest.raises(ExportError, match="not a Python identifier"):
        module_source(nn.ReLU(), constants={"X = 1; import os; Y": 1})


def test_cli_export_of_a_study_with_an_injected_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     nb201_path: str) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 's.db'}"
    runner = CliRunner()
    searched = runner.invoke(app, ["search", "--nb201-path", nb201_path, "--strategy", "random", "--n-trials", "3",
                                   "--storage", url, "--study", INJECTION])
    assert searched.exit_code == 0, searched.output
    out = tmp_path / "model"
    result = runner.invoke(app, ["export", INJECTION, "--storage", url, "--out", str(out), "--format", "module"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "PWNED").exists() and not (out / "PWNED").exists()
    doc = ast.get_docstring(ast.parse((out / "model.py").read_text()), clean=False)
    assert doc is not None and repr(INJECTION) in doc
    load_standalone(out / "model.py", out / "weights.pt")
    assert not (tmp_path / "PWNED").exists()


def test_column_and_class_names_are_written_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A CSV's column names and class labels reach model.py (FEATURE_NAMES, CLASS_NAMES, its docstring) as text."""
    from nasforge.export import ModelIO

    monkeypatch.chdir(tmp_path)
    names = [INJECTION, 'a"', "new\nline"]
    io = ModelIO("classification", {"kind": "identity", "shape": [3]}, class_names=names, feature_names=names)
    model = nn.Sequential(nn.Linear(3, 3))
    result = export_model(model, tmp_path / "out", input_shape=(3,), formats=["json", "module"], io=io)
    module = _import(result.files["module"])
    assert not (tmp_path / "PWNED").exists()
    assert names == module.FEATURE_NAMES and names == module.CLASS_NAMES
    assert set(module.predict([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])) <= set(names)


def _import(path: Path) -> Any:
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("hostile_model", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["hostile_model"] = module
    spec.loader.exec_module(module)
    return module
