"""Plots and the HTML report: on a NAS-Bench-201 study, a real-training study and a table where the answer to
"which decision matters" is known."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from nasforge import create_study, load_study
from nasforge.cli import app
from nasforge.evaluators import NB201Evaluator, TableEvaluator
from nasforge.report import architecture, decision_importance, figures, write_report
from nasforge.spaces import create_space
from nasforge.storages import get_storage
from nasforge.strategies import create_strategy
from nasforge.study import Budget, Study

runner = CliRunner()


def _plots_in(page: str) -> list[str]:
    return re.findall(r"<img alt='(\w+)' src='data:image/png;base64,", page)


def test_report_of_a_nb201_study(tmp_path: Path, nb201_path: str) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    study = create_study(evaluator=NB201Evaluator(nb201_path=nb201_path), strategy=create_strategy("evolution", seed=0),
                         storage=url, name="nb", budget=Budget(n_trials=80))
    study.optimize()
    result = runner.invoke(app, ["report", "nb", "--storage", url, "--out", str(tmp_path / "nb.html"),
                                 "--plots", str(tmp_path / "plots")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "nb.html").read_text()
    plots = _plots_in(page)
    assert len(plots) >= 4
    assert {"best_so_far", "best_so_far_time", "best_so_far_cost", "all_trials", "pareto_front", "importance",
            "architecture"} <= set(plots)
    assert "learning_curves" not in plots  # a table has no per-epoch reports
    assert "http://" not in page and "https://" not in page  # self-contained
    for key in plots:
        assert (tmp_path / "plots" / f"{key}.png").stat().st_size > 1000
        assert (tmp_path / "plots" / f"{key}.svg").read_text().lstrip().startswith("<?xml")
    best = load_study(name="nb", storage=url).best_trial
    assert best is not None and f"#{best.number}:" in page


def test_report_of_a_real_training_study_has_learning_curves(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    searched = runner.invoke(app, ["search", "--data", "digits", "--space", "mlp", "--strategy", "random",
                                   "--epochs", "3", "--n-trials", "20", "--seed", "0", "--prune", "--train-param",
                                   "measure_latency=false", "--storage", url, "--study", "d"])
    assert searched.exit_code == 0, searched.output
    study = load_study(name="d", storage=url)
    made = figures(study)
    assert {"best_so_far", "all_trials", "pareto_front", "importance", "learning_curves", "architecture"} <= set(made)
    page = write_report(study, tmp_path / "d.html").read_text()
    assert len(_plots_in(page)) >= 4 and "learning_curves" in _plots_in(page)


def _table_study(tmp_path: Path, signal: float) -> Study:
    """36 architectures over depth, width, act; the score is ``signal`` x depth plus noise."""
    rng = np.random.default_rng(0)
    rows = ["depth,width,act,score"]
    for depth in (1, 2, 3, 4):
        for width in (8, 16, 32):
            for act in ("relu", "tanh", "gelu"):
                rows.append(f"{depth},{width},{act},{signal * depth + rng.normal(0, 0.5):.4f}")
    path = tmp_path / f"t{signal}.csv"
    path.write_text("\n".join(rows))
    evaluator = TableEvaluator(table=str(path), arch_columns=["depth", "width", "act"], objective="score:max")
    study = create_study(evaluator=evaluator, strategy=create_strategy("random", seed=0), name="t",
                         budget=Budget(n_trials=36))
    study.optimize()
    return study


def test_importance_finds_the_decision_that_matters(tmp_path: Path) -> None:
    result = decision_importance(_table_study(tmp_path, 10.0))
    assert result is not None and result.names[0] == "depth" and result.importance[0] > 0.9
    assert result.r2 > 0.6
    noise = decision_importance(_table_study(tmp_path, 0.0))  # nothing matters: the forest explains nothing
    assert noise is not None and noise.r2 < 0.2


@pytest.mark.parametrize(("name", "params"), [("chain", {}), ("mlp", {}), ("nb201", {}), ("joint", {"space": "chain"}),
                                              ("gan", {}), ("vae", {})])
def test_every_space_has_a_diagram(name: str, params: dict[str, str]) -> None:
    space = create_space(name, **params)
    fig = architecture(space, space.sample(np.random.default_rng(0)), "title")
    assert fig.axes and fig.get_suptitle() == "title"


def test_report_bad_input(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    get_storage(url).close()  # an empty storage: reading commands create none
    result = runner.invoke(app, ["report", "nope", "--storage", url])
    assert result.exit_code == 2 and "No study named 'nope'" in result.stderr
    result = runner.invoke(app, ["report", "nope", "--storage", url, "--top", "0"])
    assert result.exit_code == 2 and "'--top' option must be an int >= 1" in result.stderr


def test_default_report_file_stays_in_this_folder(tmp_path: Path, nb201_path: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A study name may hold '/' and '..': the default file name keeps only safe characters, in this folder."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    study = create_study(evaluator=NB201Evaluator(nb201_path=nb201_path), strategy=create_strategy("random", seed=0),
                         storage=url, name="../up/x y", budget=Budget(n_trials=5))
    study.optimize()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = runner.invoke(app, ["report", "../up/x y", "--storage", url])
    assert result.exit_code == 0, result.output
    assert [p.name for p in work.iterdir()] == ["_up_x_y.html"]
    assert not (tmp_path / "up").exists()
