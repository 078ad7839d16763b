"""A study of your own function, made on the command line (``--objective-fn``): read by processes that cannot import
the function (``list``, ``show``, ``report``, the dashboard; reading never imports it), refused in one line by a
``resume`` that cannot, and continued exactly by a ``resume`` that can, from another directory."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from nasforge.cli import app
from nasforge.dashboard import Dashboard
from nasforge.study import read_study

MODULE = "user_objective_17"
SOURCE = '''
import os, pathlib
pathlib.Path(__file__).with_name(f"imported-{os.getpid()}.txt").write_text("imported")  # who imported it

def objective(arch, report):
    score = arch["depth"] + arch["width"] / 100 - abs(arch["lr"] - 0.01)
    report(0, {"val_acc": score / 2})
    return {"val_acc": score, "loss": 1 / (1 + score)}
'''
SPACE = "depth: {int: [1, 4]}\nwidth: [16, 32, 64]\nact: [relu, gelu]\nlr: {float: [0.0001, 0.1], log: true}\n"
runner = CliRunner()


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    code = "import sys; from nasforge.cli import app; sys.argv = ['nasforge'] + sys.argv[1:]; app()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, timeout=300,
                          check=False)


def _search(work: Path, url: str, study: str, n_trials: int) -> None:
    made = _cli("search", "--objective-fn", f"{MODULE}:objective", "--space-file", "space.yaml", "--objective",
                "val_acc:max", "--strategy", "evolution", "--param", "population_size=3", "--param", "sample_size=2",
                "--seed", "3", "--n-trials", str(n_trials), "--storage", url, "--study", study, cwd=work)
    assert made.returncode == 0, made.stderr


def _digest(db: Path) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal")) if p.exists())).hexdigest()


def test_read_without_the_module_and_resume_exactly_with_it(tmp_path: Path) -> None:
    work, elsewhere, moved = tmp_path / "work", tmp_path / "elsewhere", tmp_path / "moved"
    work.mkdir()
    elsewhere.mkdir()
    (work / f"{MODULE}.py").write_text(SOURCE)
    (work / "space.yaml").write_text(SPACE)
    db = tmp_path / "s.db"
    url = f"sqlite:///{db}"
    _search(work, url, "ref", 8)
    _search(work, url, "part", 4)

    # Readers: the module moved away; none of them imports it (no new marker), all of them work.
    shutil.move(str(work), str(moved))
    markers = set(moved.glob("imported-*.txt"))
    listed = runner.invoke(app, ["list", "--storage", url], env={"COLUMNS": "200"})
    assert listed.exit_code == 0 and "part" in listed.stdout, listed.output
    shown = runner.invoke(app, ["show", "--study", "ref", "--storage", url], env={"COLUMNS": "200"})
    assert shown.exit_code == 0 and "val_acc" in shown.stdout, shown.output
    report = runner.invoke(app, ["report", "ref", "--storage", url, "--out", str(tmp_path / "r.html")])
    assert report.exit_code == 0 and (tmp_path / "r.html").is_file(), report.output
    dashboard = Dashboard(url)
    assert {s["name"] for s in dashboard.studies()} == {"ref", "part"}
    assert dashboard.study("ref")["counts"]["COMPLETE"] == 8 and dashboard.plot("ref", "best_so_far") is not None
    view = read_study("ref", url)
    assert view.best_trial is not None and len(view.trials) == 8
    assert MODULE not in sys.modules and set(moved.glob("imported-*.txt")) == markers

    # resume where the module cannot be imported: one line, exit code 2, the storage untouched
    before = _digest(db)
    refused = _cli("resume", "--study", "part", "--n-trials", "8", "--storage", url, cwd=elsewhere)
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert refused.returncode == 2 and len(lines) == 1, refused.stderr
    assert "cannot resume here" in lines[0] and f"No module named '{MODULE}'" in lines[0]
    assert _digest(db) == before

    # resume where it can (found through the folder stored with the study, from another directory): exactly the
    # trials of the uninterrupted run
    shutil.move(str(moved), str(work))
    resumed = _cli("resume", "--study", "part", "--n-trials", "8", "--storage", url, cwd=elsewhere)
    assert resumed.returncode == 0, resumed.stderr
    ref, part = read_study("ref", url).trials, read_study("part", url).trials
    assert len(part) == 8
    assert [t.arch for t in part] == [t.arch for t in ref]
    assert [t.metrics for t in part] == [t.metrics for t in ref]
