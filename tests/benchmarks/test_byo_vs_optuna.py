"""The bring-your-own benchmark (``benchmarks/byo_vs_optuna.py``) and the function kind of
``benchmarks/overhead_vs_optuna.py``: line counts, and each script run on a tiny setting."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.benchmarks._scripts import load_script


def test_lines_of_code_skip_comments_docstrings_and_blanks(tmp_path: Path) -> None:
    byo = load_script("byo_vs_optuna")
    script = tmp_path / "s.py"
    script.write_text('"""Doc\n\nstring."""\n\n# comment\nimport os\n\n\ndef f():\n    """Doc."""\n    return os\n')
    assert byo.code_lines(script) == 3
    counts = {tool: byo.code_lines(path) for tool, path in byo.SCRIPTS.items()}
    assert 0 < counts["nasforge"] <= counts["optuna"]


def test_overhead_function_kind_runs_the_same_space_in_both_tools() -> None:
    overhead = load_script("overhead_vs_optuna")
    assert overhead.run_function_nasforge(40) > 0 and overhead.run_function_optuna(40) > 0


@pytest.mark.slow
def test_byo_vs_optuna_on_a_tiny_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    byo = load_script("byo_vs_optuna")
    monkeypatch.setenv("OWN_MODEL_EPOCHS", "1")
    monkeypatch.setenv("OWN_MODEL_SUBSET", "200")
    out = tmp_path / "byo.json"
    monkeypatch.setattr(sys, "argv", ["byo_vs_optuna.py", "--trials", "3", "--candidates", "random",
                                      "--select-seeds", "0", "--report-seeds", "1", "--json", str(out)])
    byo.main()
    results = json.loads(out.read_text())
    assert results["chosen_strategy"] == "random" and results["epochs"] == 1
    for tool in ("nasforge", "optuna"):
        (run,) = results["report"][tool]["runs"]
        assert run["seed"] == 1 and 0.0 < run["best_val_acc"] <= 1.0 and run["wall_s"] > 0
    assert results["report"]["wall_ratio"] > 0
