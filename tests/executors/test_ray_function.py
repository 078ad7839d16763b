"""Your own objective on Ray: located by import path in the Ray workers (a module, or a script imported under a name
of its own), with learning curves sent back; a script that searches when imported stops the run in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

import nasforge
from nasforge.evaluators import ObjectiveError
from nasforge.study import TrialState
from tests.evaluators import function_objectives as fo

pytest.importorskip("ray")
SPACE = {"depth": nasforge.Int(1, 4), "width": [16, 32, 64], "act": ["relu", "gelu"],
         "lr": nasforge.Float(1e-4, 1e-1, log=True)}


def _study() -> nasforge.Study:
    return nasforge.create_study(space=nasforge.Space(SPACE), objectives="val_acc:max",
                                 strategy=nasforge.create_strategy("random", seed=0))


@pytest.mark.slow  # a local Ray starts: about a minute
def test_ray_imports_the_objective_by_path_and_stops_at_an_unguarded_script(tmp_path: Path) -> None:
    study = _study()
    study.optimize(fo.objective, n_trials=4, n_workers=2, executor="ray")
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 4
    assert all(sorted(t.intermediate) == [0, 1, 2] for t in study.trials)

    script = tmp_path / "user_script_17.py"
    script.write_text("def objective(arch):\n    return {'val_acc': float(arch['depth'])}\n\n"
                      "if __name__ == '__main__':\n    raise SystemExit('not run by workers')\n")
    by_script = _study()
    by_script.optimize(f"{script}:objective", n_trials=3, n_workers=2, executor="ray")
    assert [t.metrics["val_acc"] for t in by_script.trials] == [float(t.arch["depth"]) for t in by_script.trials]

    script.write_text("import nasforge\n\ndef objective(arch):\n    return 1.0\n\n"
                      "nasforge.create_study(space={'a': [1, 2]}, objectives='v:max')\n")
    unguarded = _study()
    with pytest.raises(ObjectiveError, match="runs a search when it is imported"):
        _run_in_workers_only(unguarded, f"{script}:objective")
    assert all(t.interrupted for t in unguarded.trials)  # evaluated again by a resumed run, once it can


def _run_in_workers_only(study: nasforge.Study, path: str) -> None:
    """As when the unguarded script is the running ``__main__``: this process has the function already (here a
    stand-in), the Ray workers import the script by its path."""
    from nasforge.evaluators import FunctionEvaluator

    evaluator = FunctionEvaluator(function=path, objective="val_acc")
    evaluator._function = fo.scalar
    study.evaluator = evaluator
    study.optimize(n_trials=3, n_workers=2, executor="ray")
