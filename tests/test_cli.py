"""The command line: a search end to end, listing and showing studies, bad input, SIGKILL and resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nasforge.cli import app
from nasforge.storages import get_storage
from nasforge.trial import TrialState

runner = CliRunner()


def test_search_list_show_resume(tmp_path: Path, nb201_path: str) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(app, ["search", "--nb201-path", nb201_path, "--strategy", "local_search", "--n-trials",
                                 "30", "--seed", "3", "--storage", url, "--study", "one"])
    assert result.exit_code == 0, result.output
    assert "best trial" in result.output and "test_acc" in result.output and url in result.output
    listed = runner.invoke(app, ["list", "--storage", url])
    assert listed.exit_code == 0 and "one" in listed.output and "30 COMPLETE" in listed.output
    shown = runner.invoke(app, ["show", "--study", "one", "--storage", url, "--json", "--top", "3"])
    payload = json.loads(shown.output)
    assert shown.exit_code == 0 and len(payload["top"]) == 3
    assert payload["spec"]["strategy"]["name"] == "local_search"
    assert payload["spec"]["strategy"]["params"]["seed"] == 3
    assert payload["spec"]["strategy"]["params"]["n_init"] == 10
    more = runner.invoke(app, ["resume", "--study", "one", "--storage", url, "--n-trials", "40"])
    assert more.exit_code == 0, more.output
    assert len(get_storage(url).get_trials(1)) == 40


def test_search_on_a_user_table(tmp_path: Path, table_csv: str) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    result = runner.invoke(app, ["search", "--table", table_csv, "--arch-columns", "depth,width,act", "--objective",
                                 "val:max", "--strategy", "grid", "--n-trials", "50", "--storage", url])
    assert result.exit_code == 0, result.output
    assert "9 COMPLETE" in result.output and "depth=4, width=32, act=gelu" in result.output


def test_search_with_real_training_and_train_best(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'train.db'}"
    result = runner.invoke(app, ["search", "--data", "digits", "--space", "mlp", "--epochs", "2", "--n-trials", "3",
                                 "--seed", "0", "--train-param", "train_subset=200", "--train-param",
                                 "measure_latency=false", "--storage", url, "--study", "t"])
    assert result.exit_code == 0, result.output
    assert "test_accuracy" in result.output and "3 COMPLETE" in result.output
    out = tmp_path / "best.json"
    best = runner.invoke(app, ["train-best", "--study", "t", "--storage", url, "--epochs", "2", "--json", str(out)])
    assert best.exit_code == 0, best.output
    payload = json.loads(out.read_text())
    assert set(payload) == {"best", "baseline"} and 0 <= payload["best"]["metrics"]["test_accuracy"] <= 1


def test_generation_search_and_train_best_with_sample_grids(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gen.db'}"
    result = runner.invoke(app, ["search", "--task", "generation", "--data", "digits", "--space", "vae", "--epochs",
                                 "2", "--n-trials", "2", "--seed", "0", "--train-param", "n_samples=200",
                                 "--train-param", "threads=1", "--train-param", "min_diversity=0", "--storage", url,
                                 "--study", "v"])
    assert result.exit_code == 0, result.output
    assert "val_elbo" in result.output and "2 COMPLETE" in result.output
    out = tmp_path / "models"
    best = runner.invoke(app, ["train-best", "--study", "v", "--storage", url, "--epochs", "2", "--out", str(out),
                               "--json", str(tmp_path / "best.json")], env={"COLUMNS": "200"})
    assert best.exit_code == 0, best.output
    assert "test_elbo" in best.output and "test_fid" in best.output
    payload = json.loads((tmp_path / "best.json").read_text())
    assert set(payload) == {"best", "baseline"} and payload["best"]["metrics"]["test_elbo"] < 0
    for label in ("best", "baseline"):
        assert {p.name for p in (out / label).iterdir()} == {"samples.png", "vae.pt", "arch.json"}


def test_zero_cost_search_and_proxy_warm_start(tmp_path: Path, nb201_path: str) -> None:
    url = f"sqlite:///{tmp_path / 'zc.db'}"
    result = runner.invoke(app, ["search", "--data", "digits", "--space", "mlp", "--proxy", "synflow", "--proxy",
                                 "naswot", "--n-trials", "4", "--seed", "0", "--storage", url, "--study", "zc"])
    assert result.exit_code == 0, result.output
    trials = get_storage(url).get_trials(1)
    assert len(trials) == 4 and all({"synflow", "naswot", "params"} <= set(t.metrics) for t in trials)
    assert "train_time_s" not in trials[0].metrics  # nothing was trained
    warm = runner.invoke(app, ["search", "--nb201-path", nb201_path, "--warm-start-proxy", "synflow",
                               "--warm-start-pool", "12", "--warm-start-top", "3", "--n-trials", "5", "--seed", "0",
                               "--storage", url, "--study", "warm"])
    assert warm.exit_code == 0, warm.output
    spec = json.loads(runner.invoke(app, ["show", "--study", "warm", "--storage", url, "--json"]).output)["spec"]
    started = [t.arch.to_dict() for t in get_storage(url).get_trials(2)[:3]]
    assert len(spec["warm_start"]) == 3 and started == spec["warm_start"]


def test_oneshot_records_its_cell_for_train_best(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'os.db'}"
    result = runner.invoke(app, ["oneshot", "--method", "gdas", "--space-param", "channels=4", "--space-param",
                                 "cells_per_stage=1", "--epochs", "2", "--final-epochs", "1", "--train-param",
                                 "train_subset=300", "--storage", url, "--study", "os", "--json",
                                 str(tmp_path / "os.json")])
    assert result.exit_code == 0, result.output
    payload = json.loads((tmp_path / "os.json").read_text())
    assert len(payload["history"]) == 2 and payload["arch"].startswith("|")
    trials = get_storage(url).get_trials(1)
    assert len(trials) == 1 and trials[0].state is TrialState.COMPLETE
    best = runner.invoke(app, ["train-best", "--study", "os", "--storage", url, "--json", str(tmp_path / "tb.json")])
    assert best.exit_code == 0, best.output
    retrained = json.loads((tmp_path / "tb.json").read_text())["best"]
    assert retrained["arch"] == trials[0].arch.to_dict() and 0 <= retrained["metrics"]["test_accuracy"] <= 1


def test_multi_fidelity_search_takes_epochs_as_its_largest_budget(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mf.db'}"
    result = runner.invoke(app, ["search", "--data", "digits", "--space", "mlp", "--epochs", "3", "--n-trials", "5",
                                 "--strategy", "asha", "--seed", "0", "--train-param", "train_subset=200",
                                 "--train-param", "measure_latency=false", "--storage", url, "--study", "mf"])
    assert result.exit_code == 0, result.output
    from nasforge import load_study
    study = load_study(name="mf", storage=url)
    assert study.strategy.get_params()["max_budget"] == 3.0
    assert [t.budget for t in study.trials] == [1.0, 1.0, 1.0, 3.0, 1.0]


BAD_INPUTS = [
    (["search", "--data", "digits", "--pruner", "early"], "'pruner' parameter must be one of"),
    (["search", "--constraint", "latency_ms<fast"], "'constraint' parameter must look like"),
    (["search", "--data", "mnist"], "'data' parameter must be one of"),
    (["search", "--data", "csv"], "--target COLUMN"),
    (["search", "--data", "idx"], "needs --data-path"),
    (["search", "--data", "idx", "--data-path", "/no/such/folder"], "not a folder"),
    (["search", "--data", "digits", "--space", "table"], "Bad parameters for search space 'table'"),
    (["search", "--data", "digits", "--epochs", "0"], "'epochs'"),
    (["search", "--data", "digits", "--train-param", "optimizer=lbfgs"], "'optimizer'"),
    (["search", "--data", "digits", "--space-param", "widths=[0]"], "'widths'"),
    (["train-best", "--study", "nope"], "No study named 'nope'"),
    (["search", "--strategy", "annealing"], "Unknown strategy 'annealing'"),
    (["search", "--dataset", "mnist"], "'dataset' parameter"),
    (["search", "--n-trials", "0"], "'n_trials' parameter of Budget must be an int >= 1"),
    (["search", "--n-trials", "-5"], "'n_trials'"),
    (["search", "--timeout", "-1", "--n-trials", "3"], "'timeout_s'"),
    (["search", "--param", "population_size"], "NAME=VALUE"),
    (["search", "--param", "population_size=1"], "'population_size' parameter of RegularizedEvolution"),
    (["search", "--param", "colour=red"], "Bad parameters for strategy 'evolution'"),
    (["search", "--objective", "val_acc:maximise"], "NAME:max or NAME:min"),
    (["search", "--seed", "-3"], "'seed' parameter"),
    (["search", "--latency-device", "toaster"], "'latency_device'"),
    (["search", "--benchmark", "nb101"], "'--benchmark' option"),
    (["search", "--storage", "results.txt"], "'storage' parameter"),
    (["search", "--storage", "sqlite:////no/such/folder/x.db"], "does not exist"),
    (["search", "--table", "/no/such.csv", "--arch-columns", "a"], "'table' parameter"),
    (["search", "--table", "{table}"], "'--arch-columns' option is required"),
    (["search", "--table", "{table}", "--arch-columns", "depth,size"], "'arch_columns' parameter"),
    (["search", "--table", "{table}", "--arch-columns", "depth", "--objective", "acc:max"], "'objective'"),
    (["show", "--study", "nope"], "No study named 'nope'"),
    (["resume", "--study", "nope"], "No study named 'nope'"),
    (["show", "--study", "nope", "--top", "0"], "'--top' option"),
    (["benchmark", "--strategies", "random,,grid"], "comma-separated"),
    (["benchmark", "--strategies", "bogus"], "Unknown strategy 'bogus'"),
    (["benchmark", "--checkpoints", "10,abc"], "'--checkpoints' option"),
    (["benchmark", "--seeds", "0"], "'--seeds' option"),
    (["search", "--n-trials", "ten"], "Invalid value for '--n-trials'"),
    (["search", "--no-such-option"], "No such option: --no-such-option"),
    (["frobnicate"], "No such command 'frobnicate'"),
    (["benchmark", "--datasets", "svhn"], "'dataset' parameter"),
    (["benchmark", "--noisy", "--datasets", "cifar100"], "'noisy' parameter"),
    (["search", "--nb201-path", "/no/such/dir"], "'nb201_path' parameter"),
    (["search", "--nb201-path", "{corrupt}"], "cannot be read"),
    (["search", "--storage", "{corrupt_db}"], "failed"),
    (["search", "--proxy", "synflow"], "'--proxy' option needs '--data'"),
    (["search", "--task", "generation"], "'--task generation' option needs '--data'"),
    (["search", "--workers", "0"], "'n_workers' parameter of Study.optimize must be an int >= 1"),
    (["search", "--workers", "2", "--prune"], "use --workers 1"),
    (["search", "--executor", "dask"], "'--executor' option must be one of process, ray"),
    (["search", "--ray-address", "10.0.0.1:6379"], "'--ray-address' option needs '--executor ray'"),
    (["search", "--executor", "ray", "--ray-address", "127.0.0.1:9"], "'ray_address' parameter '127.0.0.1:9' could"),
    (["search", "--executor", "ray", "--ray-address", "headnode"], "must look like HOST:PORT"),
    (["search", "--trial-timeout", "0"], "'trial_timeout_s' parameter of Study.optimize must be"),
    (["search", "--memory-limit-mb", "10"], "'memory_limit_mb' parameter of Study.optimize must be an int >= 64"),
    (["search", "--trial-timeout", "60", "--pruner", "median"], "use --workers 1"),
    (["resume", "--study", "nope", "--workers", "-1"], "'n_workers' parameter of Study.optimize"),
    (["search", "--storage", "postgresql+psycopg://nobody@127.0.0.1:9/nasforge"], "failed"),
    (["search", "--task", "generate", "--data", "digits"], "'--task' option must be one of"),
    (["search", "--task", "generation", "--data", "digits", "--space", "chain"],
     "'space' parameter of GenerationEvaluator must be 'gan' or 'vae'"),
    (["search", "--task", "generation", "--data", "diabetes"], "labelled images"),
    (["search", "--task", "generation", "--data", "digits", "--train-param", "loss=wgan"],
     "'loss' parameter of GenerationEvaluator"),
    (["search", "--task", "generation", "--data", "digits", "--proxy", "synflow"], "does not apply to"),
    (["search", "--task", "generation", "--data", "digits", "--space", "vae", "--space-param", "kernels=[4]"],
     "'kernels' parameter of VAESpace"),
    (["oneshot", "--method", "dart"], "Unknown one-shot method 'dart'"),
    (["oneshot", "--param", "order=3"], "'order' parameter of DARTS"),
    (["oneshot", "--data", "diabetes"], "supports classification"),
    (["oneshot", "--space", "chain", "--method", "gdas"], "GDAS searches a CellSpace one-shot"),
    (["search", "--data", "digits", "--proxy", "synflw"], "Unknown proxy 'synflw'"),
    (["search", "--warm-start-proxy", "synflow", "--warm-start", "x"], "either '--warm-start' or"),
    (["search", "--table", "{table}", "--arch-columns", "depth,width,act", "--objective", "val:max",
      "--warm-start-proxy", "synflow"], "'--warm-start-proxy' option needs '--data' or the nb201"),
    (["export", "nope"], "No study named 'nope'"),
    (["export", "nope", "--format", "json,pickle"], "'--format' option must list some of"),
    (["export", "nope", "--epochs", "0"], "'--epochs' option must be an int >= 1"),
    (["export", "nope", "--weights", "/no/such/model.pt"], "'--weights' option must be a file"),
    (["report", "nope"], "No study named 'nope'"),
    (["dashboard", "--port", "70000"], "'--port' option must be an int in 0 .. 65535"),
    (["dashboard", "--storage", "results.txt"], "'storage' parameter"),
    # -- checks before any work: objectives, metrics, strategies against evaluators --
    # -- CLI options, configs and inputs --
    # -- reading: list, show, report, dashboard, export on storages --
    # -- hostile names and output --
    # -- benchmark --
    (["benchmark", "--json", "."], "'--json' option must be a writable file path"),  # a folder: before the run
    (["benchmark", "--json", "{corrupt}/b.json"], "'--json' option must be a writable file path"),
    (["benchmark", "--seed-start", "-1"], "'--seed-start' option"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS)
def test_bad_input_is_one_line_and_exit_code_2(tmp_path: Path, nb201_path: str, table_csv: str, args: list[str],
                                               message: str) -> None:
    corrupt = tmp_path / "nb201_tss.csv.gz"
    corrupt.write_bytes(b"garbage")
    corrupt_db = tmp_path / "bad.db"
    corrupt_db.write_bytes(b"not a database" * 200)
    filled = [a.format(table=table_csv, corrupt=corrupt, corrupt_db=f"sqlite:///{corrupt_db}") for a in args]
    if "--storage" not in filled:
        filled += ["--storage", f"sqlite:///{tmp_path / 'ok.db'}"] if filled[0] != "benchmark" else []
    if "--nb201-path" not in filled and filled[0] in ("search", "benchmark"):
        filled += ["--nb201-path", nb201_path]
    result = runner.invoke(app, filled, env={"COLUMNS": "200"})
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.output
    if (tmp_path / "ok.db").exists():  # nothing half-written: no study was created
        assert get_storage(f"sqlite:///{tmp_path / 'ok.db'}").list_studies() == []
    assert corrupt_db.read_bytes() == b"not a database" * 200


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "nasforge.cli", *args]


def test_sigkill_then_resume_keeps_every_trial_once(tmp_path: Path, nb201_path: str) -> None:
    """A search killed with SIGKILL mid-run and resumed: the budget is met, nothing lost or evaluated twice,
    and the results equal those of an uninterrupted run with the same seed."""
    env = {**os.environ, "NASFORGE_NB201": nb201_path}
    common = ["--strategy", "evolution", "--seed", "5", "--n-trials", "400"]
    killed_url = f"sqlite:///{tmp_path / 'killed.db'}"
    proc = subprocess.Popen(_cli("search", *common, "--storage", killed_url, "--study", "k"), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    count = 0
    while time.monotonic() < deadline:
        time.sleep(0.05)
        if (tmp_path / "killed.db").exists():
            try:
                count = len(get_storage(killed_url).get_trials(1))
            except Exception:  # the study may not exist yet
                count = 0
            if count >= 40:
                break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 40 <= count < 400, "the run should be killed part-way"
    resumed = subprocess.run(_cli("resume", "--study", "k", "--storage", killed_url), env=env, capture_output=True,
                             text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    straight_url = f"sqlite:///{tmp_path / 'straight.db'}"
    straight = subprocess.run(_cli("search", *common, "--storage", straight_url, "--study", "s"), env=env,
                              capture_output=True, text=True, timeout=120)
    assert straight.returncode == 0, straight.stderr
    killed = get_storage(killed_url).get_trials(1)
    reference = get_storage(straight_url).get_trials(1)
    done = [t for t in killed if t.counted]
    assert len(done) == 400 and all(t.state is TrialState.COMPLETE for t in done)
    assert len({t.arch_key for t in done}) == 400  # none evaluated twice
    assert [(t.arch_key, dict(t.metrics)) for t in done] == [(t.arch_key, dict(t.metrics)) for t in reference]
    assert all(t.interrupted for t in killed if not t.counted)


def test_benchmark_all_strategies_writes_json(tmp_path: Path, nb201_path: str) -> None:
    from nasforge.strategies import list_strategies

    out = tmp_path / "b.json"
    result = runner.invoke(app, ["benchmark", "--nb201-path", nb201_path, "--strategies", "all", "--seeds", "2",
                                 "--seed-start", "7", "--datasets", "cifar10", "--checkpoints", "5,20",
                                 "--json", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["seeds"] == [7, 8]  # the seeds used are on record
    rows = data["results"]["cifar10"]
    assert all(r["seed_ids"] == [7, 8] and len(r["per_seed"]["at"]["20"]) == 2 for r in rows)
    assert all(r["at"]["20"]["ci"][0] <= r["at"]["20"]["mean"] <= r["at"]["20"]["ci"][1] for r in rows)
    from nasforge.strategies import get_strategy_class
    assert [r["strategy"] for r in rows] == [n for n in list_strategies() if not get_strategy_class(n).multi_fidelity]
    assert {"bo", "bananas", "bo_local_search", "qlearning", "nsga2", "genetic", "reinforce"} <= {
        r["strategy"] for r in rows}
    assert all(set(r["at"]) == {"5", "20"} and r["seeds"] == 2 for r in rows)
