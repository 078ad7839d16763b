"""The command line: a search end to end, listing and showing studies, bad input, SIGKILL and resume."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
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
HOSTILE_INPUTS = Path(__file__).resolve().parent / "hostile_inputs"  # bad files for the bad-input table


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
                                 "measure_latency=false", "--storage", url, "--study", "t[/]"])
    assert result.exit_code == 0, result.output
    assert "test_accuracy" in result.output and "3 COMPLETE" in result.output
    out = tmp_path / "best.json"
    best = runner.invoke(app, ["train-best", "--study", "t[/]", "--storage", url, "--epochs", "2", "--json", str(out)],
                         env={"COLUMNS": "200"})
    assert best.exit_code == 0, best.output
    assert "train-best t[/]:" in best.output  # the study's name is the user's text, not rich markup
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
    (["show", "--study", "nope"], "No study named 'nope'. Studies: 'done'."),
    (["show", "--study", "nope", "--storage", "{tmp}/missing.db"], "No SQLite file at"),
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
    (["search", "--executor", "dask"], "'executor' parameter of Study.optimize must be one of 'process', 'ray'"),
    (["search", "--ray-address", "10.0.0.1:6379"], "'ray_address' parameter of Study.optimize needs the 'ray'"),
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
    (["export", "nope", "--storage", "{tmp}/missing.db"], "No SQLite file at"),
    (["export", "nope", "--format", "json,pickle"], "'--format' option must list some of"),
    (["export", "nope", "--epochs", "0"], "'--epochs' option must be an int >= 1"),
    (["export", "nope", "--weights", "/no/such/model.pt"], "'--weights' option must be a file"),
    (["report", "nope"], "No study named 'nope'"),
    (["report", "nope", "--storage", "{tmp}/missing.db"], "No SQLite file at"),
    (["dashboard", "--port", "70000"], "'--port' option must be an int in 0 .. 65535"),
    (["dashboard", "--storage", "results.txt"], "'storage' parameter"),
    # -- checks before any work: objectives, metrics, strategies against evaluators --
    (["search", "--data", "digits", "--objective", "val_acc:max"],
     "Got 'val_acc' instead. Did you mean 'val_accuracy'?"),
    (["search", "--objective", "nosuch:max"],
     "'objectives' parameter of create_study must name metrics of NB201Evaluator"),
    (["search", "--objective", "val_ac:max"], "Did you mean 'val_acc'?"),
    (["search", "--data", "diabetes", "--objective", "val_accuracy:max"], "must name metrics of TrainingEvaluator"),
    (["search", "--table", "{table}", "--arch-columns", "depth", "--objective", "vall:max"],
     "TableEvaluator must be one of the table's metric columns (width, val, test, seconds). Got 'vall'"),
    (["search", "--data", "digits", "--proxy", "synflow", "--objective", "synflw:max"], "Did you mean 'synflow'?"),
    (["search", "--constraint", "latncy_ms<=5"],
     "Got 'latncy_ms' in 'latncy_ms<=5' instead. Did you mean 'latency_ms'?"),
    (["search", "--table", "{table}", "--arch-columns", "depth", "--objective", "val:max", "--cost-metric", "second"],
     "'cost_metric' parameter of TableEvaluator must be one of the table's metric columns"),
    (["search", "--table", "{table}", "--arch-columns", "depth", "--objective", "val:max", "--max-cost", "100"],
     "'max_cost' budget of create_study needs"),
    (["search", "--param", "cost_metric=latncy_ms", "--strategy", "qlearning"],
     "'cost_metric' parameter of QLearning must name a metric of NB201Evaluator"),
    (["search", "--objective", "test_acc:max"], "names the test metric 'test_acc'"),
    (["search", "--data", "digits", "--objective", "test_accuracy:max"], "Select by 'val_accuracy' instead"),
    (["search", "--table", "{table}", "--arch-columns", "depth", "--objective", "test:max"], "Select by 'val' instead"),
    (["search", "--constraint", "test_acc>=90"], "'constraints' parameter of create_study names the test metric"),
    (["search", "--strategy", "asha"], "'asha', a multi-fidelity strategy"),
    (["search", "--table", "{table}", "--arch-columns", "depth", "--objective", "val:max", "--strategy", "hyperband"],
     "TableEvaluator takes no budget"),
    (["search", "--data", "digits", "--proxy", "synflow", "--strategy", "bohb"], "ZeroCostEvaluator takes no budget"),
    (["search", "--data", "digits", "--strategy", "grid"], "'grid', which lists every architecture"),
    (["search", "--data", "digits", "--space", "joint", "--strategy", "reinforce"], "needs a space of categorical"),
    # -- CLI options, configs and inputs --
    (["search", "--data", "digits", "--train-param", "learning_rate=0.01"],
     "Unknown training parameter 'learning_rate' (--train-param). Did you mean 'lr'? Valid names: batch_size,"),
    (["search", "--data", "digits", "--space", "mlp", "--space-param", "widht=[8]"],
     "Unknown parameter of search space 'mlp' 'widht' (--space-param). Did you mean 'widths'? Valid names:"),
    (["search", "--data", "digits", "--space-param", "nodes=3"], "Valid names: activations, dropouts, head_widths"),
    (["search", "--task", "generation", "--data", "digits", "--train-param", "lr_d=0.1"], "Did you mean 'd_lr'?"),
    (["search", "--data", "digits", "--proxy", "synflow", "--train-param", "optimizer=sgd"],
     "Unknown training parameter 'optimizer' (--train-param)."),
    (["search", "--data", "digits", "--train-param", "lr"], "'--train-param' option must look like NAME=VALUE"),
    (["search", "--data", "digits", "--space-param", "widths"], "'--space-param' option must look like NAME=VALUE"),
    (["search", "--max-failures", "0"], "'max_failures' parameter of Study.optimize must be an int >= 1. Got 0"),
    (["search", "--memory-limit-mb", "256", "--executor", "ray"], "'memory_limit_mb' parameter of Study.optimize is "
                                                                  "for the 'process' executor"),
    (["search", "--pruner", "median", "--executor", "ray"], "use --workers 1"),
    (["search", "--study", "done"], "A study named 'done' already exists"),
    (["search", "--warm-start", "nosuch"], "No study named 'nosuch'"),
    (["search", "--warm-start", "done", "--warm-start-top", "0"],
     "'warm_start_top' parameter of create_study must be an int >= 1"),
    (["search", "--table", "{table}", "--arch-columns", "depth,width,act", "--objective", "val:max", "--warm-start",
      "done"], "Architecture belongs to space 'nb201', not 'table'"),
    (["resume", "--study", "done", "--n-trials", "5"], "at least the 20 that study 'done' has already counted. Got 5"),
    (["resume", "--study", "done", "--n-trials", "0"], "'n_trials' parameter of Budget must be an int >= 1"),
    (["resume", "--study", "done", "--max-failures", "0"], "'max_failures' parameter of Study.optimize"),
    (["oneshot", "--study", "done"], "names the existing study 'done' of another search (evaluator 'nb201'"),
    (["oneshot", "--train-param", "learning_rate=0.1"], "Did you mean 'lr'?"),
    (["oneshot", "--space-param", "chanels=4"], "Did you mean 'channels'?"),
    (["search", "--data", "csv", "--data-path", "{tmp}/wide.csv", "--target", "y"], "Line 3 of the CSV"),
    (["search", "--data", "csv", "--data-path", "{tmp}/bom.csv", "--target", "z"], "column of bom.csv: a, b, y. Got"),
    (["search", "--table", "{tmp}/wide_table.csv", "--arch-columns", "depth,width"], "has 4 fields; its header has 3"),
    (["search", "--table", "{tmp}/bom_table.csv", "--arch-columns", "nope"], ": depth, width, val. Got unknown"),
    (["search", "--table", "{tmp}/dup_table.csv", "--arch-columns", "depth,width"], "has the column 'val' twice"),
    (["search", "--table", "{tmp}/inf_table.csv", "--arch-columns", "depth,width", "--objective", "val:max"],
     "must hold finite numbers. Got '+inf' on line 3 instead"),
    (["search", "--table", "{tmp}/nan_table.csv", "--arch-columns", "depth,width"], "Got 'nan' on line 2"),
    (["search", "--table", "{tmp}/blank_header.csv", "--arch-columns", "depth"], "has an empty column name (column 2"),
    (["run", "{tmp}/binary.yaml"], "is not a text file"),
    (["run", "{tmp}/train_typo.yaml"], "evaluator: Unknown parameter of evaluator 'train' 'learning_rate'. Did you "
                                      "mean 'lr'?"),
    (["run", "{tmp}/space_typo.yaml"], "Unknown parameter of search space 'mlp' 'widht'. Did you mean 'widths'?"),
    (["run", "{tmp}/data_typo.yaml"], "Unknown parameter of data set 'csv' 'targt'. Did you mean 'target'?"),
    (["run", "{tmp}/max_failures.yaml"], "run: The 'max_failures' parameter of Study.optimize must be an int >= 1"),
    (["run", "{tmp}/memory_ray.yaml"], "run: The 'memory_limit_mb' parameter of Study.optimize is for the"),
    (["run", "{tmp}/pruner.yaml"], "pruner: The 'pruner' parameter must be one of"),
    (["run", "{tmp}/warm_top.yaml"], "warm_start.top: The 'warm_start_top' parameter of create_study must be"),
    (["run", "{tmp}/existing.yaml"], "A study named 'done' already exists"),
    (["run", "{tmp}/bomb.yaml"], "expands to more than 100000 values"),
    (["search", "--cost-metric", "seconds"], "'--cost-metric' option needs '--table'"),
    (["search", "--data", "digits", "--arch-columns", "a,b"], "'--arch-columns' option needs '--table'"),
    (["search", "--table", "{table}", "--arch-columns", "depth", "--objective", "test:max", "--allow-test-objective",
      "--max-cost", "10"], "'max_cost' budget of create_study needs"),
    # -- reading: list, show, report, dashboard, export on storages --
    (["list", "--storage", "{tmp}/missing.db"], "No SQLite file at"),
    (["list", "--storage", "{corrupt_db}"], "cannot be read: file is not a database"),
    (["list", "--storage", "no/such/folder/x.db"], "No SQLite file at 'no/such/folder/x.db'"),
    (["show", "--study", "x", "--storage", "{corrupt_db}"], "cannot be read: file is not a database"),
    (["report", "x", "--storage", "{corrupt_db}"], "cannot be read: file is not a database"),
    (["report", "x", "--plots", "{corrupt}"], "'--plots' option must be a folder"),
    (["report", "x", "--top", "0", "--storage", "{corrupt_db}"], "'--top' option must be an int >= 1"),
    (["dashboard", "--storage", "{tmp}/missing.db"], "No SQLite file at"),
    (["dashboard", "--storage", "{corrupt_db}"], "cannot be read: file is not a database"),
    (["export", "x", "--storage", "{corrupt_db}", "--format", "json"], "cannot be read: file is not a database"),
    (["export", "x", "--format", "json", "--out", "{corrupt}"], "'--out' option must be a folder"),
    (["export", "x", "--weights", "{corrupt}"], "'weights' file"),
    (["export", "x", "--weights", "{table}"], "'weights' file"),
    (["report", "done", "--out", "/proc/nasforge/report.html"], "error: cannot use '/proc/nasforge"),
    (["export", "done", "--format", "json", "--out", "/proc/nasforge"], "error: cannot use '/proc/nasforge"),
    (["train-best", "--study", "done", "--storage", "{tmp}/missing.db"], "No SQLite file at"),
    (["resume", "--study", "done", "--storage", "{tmp}/missing.db"], "No SQLite file at"),
    (["train-best", "--study", "done"], "does not train networks; train-best needs a study searched with --data"),
    # -- hostile names and output --
    (["run", str(HOSTILE_INPUTS / "bomb.yaml")], "expands to more than 100000 values"),
    (["run", str(HOSTILE_INPUTS / "cycle.yaml")], "a YAML alias refers to the value that contains it"),
    (["run", str(HOSTILE_INPUTS / "binary.yaml")], "is not a text file"),
    (["run", str(HOSTILE_INPUTS / "latin1.yaml")], "is not UTF-8 text"),
    (["run", str(HOSTILE_INPUTS / "minimal.yaml"), "--set", "evaluator.params.x=[&a [1,1,1,1,1,1,1,1,1,1], "
      "&b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a], &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b], &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c], "
      "&e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d], &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]]"], "expands to more than"),
    (["search", "--study", "a\x1b[2Jb"], "must not contain control or invisible characters (found U+001B)"),
    (["search", "--study", "two\nlines"], "must not contain control or invisible characters (found U+000A)"),
    (["search", "--study", "invoice\u202efdp.exe"], "invisible characters (found U+202E)"),
    (["search", "--study", " \u3000 "], "'name' parameter of create_study must be a non-empty string"),
    (["search", "--study", "x" * 201], "must be at most 200 characters long"),
    (["report", "a\x1b[31mb"], "No study named 'a\\x1b[31mb'"),
    (["export", "two\nlines"], "No study named 'two\\nlines'"),
    # -- benchmark --
    (["benchmark", "--json", "."], "'--json' option must be a writable file path"),  # a folder: before the run
    (["benchmark", "--json", "{corrupt}/b.json"], "'--json' option must be a writable file path"),
    (["benchmark", "--seed-start", "-1"], "'--seed-start' option"),
    # issue 17: export
    (["export", "done", "--weights-dir", "{corrupt}"], "'--weights-dir' option must be a folder"),
    (["train-best", "--study", "done", "--weights-dir", "{corrupt}"], "'--weights-dir' option must be a folder"),
    (["export", "nope", "--weights-dir", "{corrupt}", "--format", "json"], "'--weights-dir' option must be a folder"),
    # issue 17: data
    (["search", "--data", "images"], "The 'images' data needs --data-path"),
    (["search", "--data", "images", "--data-path", "/no/such/folder"], "which is not a folder"),
    (["search", "--data", "images", "--data-path", "{tmp}"], "one subfolder of PNG/JPEG images per class"),
    (["search", "--task", "generation", "--data", "images", "--data-path", "{table}"], "which is not a folder"),
    # issue 17: cli (a leading NAME=VALUE item is an environment variable of that row, as in a shell)
    (["show", "done", "--study", "other"], "The STUDY argument and the '--study' option name different studies"),
    (["report", "done", "--study", "other"], "name different studies: 'done' and 'other'"),
    (["export", "x", "--study", "done", "--format", "json"], "name different studies"),
    (["search", "a", "--study", "b", "--n-trials", "2"], "name different studies: 'a' and 'b'"),
    (["resume", "done", "--study", "other"], "name different studies"),
    (["train-best", "done", "--study", "other"], "name different studies"),
    (["show"], "The study must be named, as the STUDY argument or with the '--study' option"),
    (["export", "--format", "json"], "The study must be named"),
    (["NASFORGE_STORAGE=results.txt", "list"], "The NASFORGE_STORAGE environment variable must be a database URL"),
    (["NASFORGE_STORAGE=results.txt", "search", "--n-trials", "2"], "NASFORGE_STORAGE environment variable"),
    (["NASFORGE_STORAGE= ", "show", "done"], "NASFORGE_STORAGE environment variable must be"),
    (["NASFORGE_STORAGE={tmp}/missing.db", "list"], "No SQLite file at"),
    (["NASFORGE_STORAGE={tmp}/missing.db", "show", "done"], "No SQLite file at"),
    (["show", "done", "--metrics", "val_ac"], "Unknown metric 'val_ac' (--metrics). Did you mean 'val_acc'?"),
    (["show", "done", "--metrics", "params_mb,,flops_m"], "'--metrics' option must be a comma-separated list"),
    (["show", "done", "--metrics", "params", "--json"], "Did you mean 'params_mb'?"),
    # issue 17: fn
    (["search", "--objective-fn", "no_such_module_17:objective", "--space-file", "{tmp}/fn_space.yaml", "--objective",
      "val_acc:max"], "cannot be imported: ModuleNotFoundError: No module named 'no_such_module_17'"),
    (["search", "--objective-fn", "json:no_such_function", "--space-file", "{tmp}/fn_space.yaml", "--objective",
      "val_acc:max"], "has no attribute 'no_such_function'"),
    (["search", "--objective-fn", "not a path", "--space-file", "{tmp}/fn_space.yaml", "--objective", "v:max"],
     "must be an import path 'package.module:function'"),
    (["search", "--objective-fn", "json:dumps", "--objective", "v:max"], "needs '--space-file'"),
    (["search", "--objective-fn", "json:dumps", "--space-file", "{tmp}/fn_space.yaml"], "needs '--objective NAME:max'"),
    (["search", "--space-file", "{tmp}/fn_space.yaml"], "'--space-file' option needs '--objective-fn'"),
    (["search", "--objective-fn", "json:dumps", "--space-file", "{tmp}/fn_missing.yaml", "--objective", "v:max"],
     "cannot be read"),
    (["search", "--objective-fn", "json:dumps", "--space-file", "{tmp}/fn_space.yaml", "--objective", "v:max",
      "--data", "digits"], "'--objective-fn' option is your own evaluation"),
    (["run", "{tmp}/fn_nospace.yaml"], "defines no search space"),
    (["run", "{tmp}/fn_nomodule.yaml"], "No module named 'no_such_module_17'"),
]


# Files the rows may name as {tmp}/NAME: written afresh for each row.
INPUT_FILES: dict[str, str | bytes] = {
    "wide.csv": "a,b,y\n1,2,0\n3,4,1,9\n",
    "bom.csv": "\ufeffa,b,y\n1,2,0\n3,4,1\n",
    "wide_table.csv": "depth,width,val\n2,16,0.8\n4,32,0.9,extra\n",
    "bom_table.csv": "\ufeffdepth,width,val\n2,16,0.8\n4,32,0.9\n",
    "dup_table.csv": "depth,width,val,val\n2,16,0.8,0.7\n4,32,0.9,0.8\n",
    "inf_table.csv": "depth,width,val\n2,16,0.8\n4,32,+inf\n",
    "nan_table.csv": "depth,width,val\n2,16,nan\n4,32,0.9\n",
    "blank_header.csv": "depth,,val\n2,16,0.8\n",
    "binary.yaml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe",
    "train_typo.yaml": "evaluator: {name: train, params: {data: digits, learning_rate: 0.01}}\nbudget: {n_trials: 2}\n",
    "space_typo.yaml": "evaluator: {name: train, params: {data: digits, space: mlp, space_params: {widht: [8]}}}\n"
                       "budget: {n_trials: 2}\n",
    "data_typo.yaml": "evaluator: {name: train, params: {data: csv, data_params: {path: x.csv, targt: y}}}\n"
                      "budget: {n_trials: 2}\n",
    "max_failures.yaml": "evaluator: {name: nb201}\nbudget: {n_trials: 2}\nrun: {max_failures: 0}\n",
    "memory_ray.yaml": "evaluator: {name: nb201}\nbudget: {n_trials: 2}\nrun: {executor: ray, memory_limit_mb: 512}\n",
    "pruner.yaml": "evaluator: {name: nb201}\nbudget: {n_trials: 2}\npruner: early\n",
    "warm_top.yaml": "evaluator: {name: nb201}\nbudget: {n_trials: 2}\nwarm_start: {study: done, top: 0}\n",
    "existing.yaml": "study: done\nevaluator: {name: nb201}\nbudget: {n_trials: 2}\n",
    "bomb.yaml": "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))
                 + "evaluator: {name: train, params: {lr: *i}}\nbudget: {n_trials: 2}\n",
    # issue 17: fn
    "fn_space.yaml": "depth: {int: [1, 4]}\nact: [relu, gelu]\n",
    "fn_nospace.yaml": "evaluator: {function: 'json:dumps'}\nobjectives: [v:max]\nbudget: {n_trials: 2}\n",
    "fn_nomodule.yaml": "evaluator: {function: 'no_such_module_17:f'}\nspace: {depth: {int: [1, 3]}}\n"
                        "objectives: [v:max]\nbudget: {n_trials: 2}\n",
}


@pytest.fixture(scope="module")
def finished_db(tmp_path_factory: pytest.TempPathFactory, nb201_path: str) -> Path:
    """A SQLite file holding the finished study 'done' (random search, 20 COMPLETE NAS-Bench-201 trials), written
    by another process and checkpointed: every byte is in the one file, which each bad-input row starts from."""
    path = tmp_path_factory.mktemp("finished") / "done.db"
    made = subprocess.run(_cli("search", "--nb201-path", nb201_path, "--strategy", "random", "--n-trials", "20",
                               "--seed", "0", "--storage", f"sqlite:///{path}", "--study", "done"),
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()  # the last connection: SQLite removes the WAL file
    assert not Path(f"{path}-wal").exists()
    return path


def _digest(db: Path) -> str:
    """sha256 of a SQLite file and its write-ahead log (where a write lands before a checkpoint)."""
    digest = hashlib.sha256()
    for part in (db, Path(f"{db}-wal")):
        digest.update(part.read_bytes() if part.exists() else b"")
        digest.update(b"|")
    return digest.hexdigest()


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS)
def test_bad_input_is_one_line_and_exit_code_2(tmp_path: Path, nb201_path: str, table_csv: str, finished_db: Path,
                                               args: list[str], message: str) -> None:
    corrupt = tmp_path / "nb201_tss.csv.gz"
    corrupt.write_bytes(b"garbage")
    corrupt_db = tmp_path / "bad.db"
    corrupt_db.write_bytes(b"not a database" * 200)
    for name, content in INPUT_FILES.items():
        (tmp_path / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    db = tmp_path / "ok.db"
    shutil.copyfile(finished_db, db)
    before = _digest(db)
    url = f"sqlite:///{db}"
    filled = [a.format(table=table_csv, corrupt=corrupt, corrupt_db=f"sqlite:///{corrupt_db}", tmp=tmp_path,
                       db=url) for a in args]
    env: dict[str, str | None] = {"COLUMNS": "200", "NASFORGE_NB201": nb201_path, "NASFORGE_STORAGE": None}
    while "=" in filled[0] and filled[0].split("=")[0].isupper():  # NAME=VALUE before the command: its environment
        name, _, value = filled.pop(0).partition("=")
        env[name] = value
    if filled[0] == "run" and not any(a.startswith("storage=") for a in filled):
        filled += ["--set", f"storage={url}"]
    elif "--storage" not in filled and filled[0] not in ("benchmark", "run") and env["NASFORGE_STORAGE"] is None:
        filled += ["--storage", url]
    if "--nb201-path" not in filled and filled[0] in ("search", "benchmark"):
        filled += ["--nb201-path", nb201_path]
    result = runner.invoke(app, filled, env=env)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.output
    assert _digest(db) == before, "the storage changed"  # nothing half-written, nothing migrated
    assert corrupt_db.read_bytes() == b"not a database" * 200


def test_a_run_whose_every_trial_failed_exits_1_with_its_reasons(tmp_path: Path) -> None:
    """Batch norm on batches of one sample fails every trial: exit code 1, the distinct reasons (at most 3, one
    line each), and the study's name (user text) printed as it is, not as rich markup."""
    url = f"sqlite:///{tmp_path / 'fail.db'}"
    result = runner.invoke(app, ["search", "--data", "digits", "--space", "mlp", "--space-param", 'norms=["batch"]',
                                 "--epochs", "1", "--train-param", "train_subset=40", "--train-param", "batch_size=1",
                                 "--train-param", "measure_latency=false", "--n-trials", "2", "--seed", "0",
                                 "--storage", url, "--study", "f[/]"], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("error: all 2 trials of this run failed"))
    reasons = lines[start + 1:]
    assert 1 <= len(reasons) <= 3 and all("Expected more than 1 value per channel" in r for r in reasons)
    assert "study f[/]: 2 FAIL" in result.stdout
    assert len(get_storage(url).get_trials(1)) == 2


def test_search_options_fill_the_same_config_as_a_yaml_file(tmp_path: Path) -> None:
    from nasforge.cli._search import search_config
    from nasforge.config import parse_config

    config = search_config(data="digits", space="mlp", space_param=["widths=[8]"], epochs=2,
                           train_param=["lr=0.01"], objective=["test_accuracy:max"], allow_test_objective=True,
                           pruner="median", max_failures=3, n_trials=7, seed=1, storage="sqlite:///x.db")
    assert config.allow_test_objective and config.pruner == "median" and config.run.max_failures == 3
    assert config.evaluator.name == "train" and config.evaluator.params["lr"] == 0.01
    assert config.budget.n_trials == 7 and config.seed == 1
    same = parse_config({"storage": "sqlite:///x.db", "seed": 1, "objectives": ["test_accuracy:max"],
                         "allow_test_objective": True, "pruner": "median", "budget": {"n_trials": 7},
                         "run": {"max_failures": 3}, "evaluator": {"name": "train", "params": {
                             "data": "digits", "data_params": {}, "space": "mlp", "space_params": {"widths": [8]},
                             "epochs": 2, "lr": 0.01}}})
    assert config == same
    assert not search_config().allow_test_objective
    table = search_config(table="t.csv", arch_columns="a,b", objective=["val:max"])
    assert table.evaluator.params["arch_columns"] == ["a", "b"] and table.evaluator.params["objective"] == "val:max"


def test_the_config_package_needs_no_command_line_libraries() -> None:
    """Library logic stays out of the CLI: building a study from a config imports neither typer nor rich."""
    code = ("import sys, nasforge.config, nasforge.config._build; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'rich', 'click') "
            "or m.startswith('nasforge.cli')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stdout + out.stderr


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


def test_allow_test_objective_lets_a_search_select_by_test_data(tmp_path: Path, nb201_path: str) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    refused = runner.invoke(app, ["search", "--objective", "test_acc:max", "--n-trials", "3", "--nb201-path",
                                  nb201_path, "--storage", url, "--study", "t"])
    assert refused.exit_code == 2 and "test metric" in refused.stderr
    result = runner.invoke(app, ["search", "--objective", "test_acc:max", "--allow-test-objective", "--n-trials", "3",
                                 "--nb201-path", nb201_path, "--storage", url, "--study", "t"])
    assert result.exit_code == 0, result.output
    store = get_storage(url)
    assert store.get_study_spec(store.get_study_id("t"))["allow_test_objective"] is True
    assert len(store.get_trials(store.get_study_id("t"))) == 3


# -- issue 17: cli (one study argument, NASFORGE_STORAGE, list creates nothing, show at 80 columns) --

STUDY_COMMANDS = ["search", "resume", "show", "oneshot", "train-best", "export", "report"]


def test_every_command_that_takes_a_study_takes_it_positionally_and_as_an_option() -> None:
    from typer.main import get_command

    group = get_command(app)
    takers = sorted(name for name, command in group.commands.items()  # type: ignore[attr-defined]
                    if any(p.name == "study" for p in command.params))
    assert takers == sorted(STUDY_COMMANDS)
    for name in takers:
        shown = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
        assert "[STUDY]" in shown.output and "--study" in shown.output, (name, shown.output)


def test_both_forms_name_the_same_study(tmp_path: Path, finished_db: Path, nb201_path: str) -> None:
    db = tmp_path / "s.db"
    shutil.copyfile(finished_db, db)
    url = f"sqlite:///{db}"
    env = {"COLUMNS": "100", "NASFORGE_STORAGE": None}
    outputs = {tuple(args): runner.invoke(app, ["show", *args, "--storage", url], env=env)
               for args in (["done"], ["--study", "done"], ["done", "--study", "done"])}
    assert all(r.exit_code == 0 for r in outputs.values()) and len({r.stdout for r in outputs.values()}) == 1
    report = runner.invoke(app, ["report", "--study", "done", "--storage", url, "--out", str(tmp_path / "r.html")])
    assert report.exit_code == 0 and (tmp_path / "r.html").is_file(), report.output
    exported = runner.invoke(app, ["export", "--study", "done", "--storage", url, "--format", "json", "--out",
                                   str(tmp_path / "x")])
    assert exported.exit_code == 0 and json.loads((tmp_path / "x" / "arch.json").read_text())["study"] == "done"
    searched = runner.invoke(app, ["search", "mine", "--n-trials", "2", "--storage", url, "--nb201-path", nb201_path],
                             env=env)
    assert searched.exit_code == 0, searched.output
    store = get_storage(url)
    assert len(store.get_trials(store.get_study_id("mine"))) == 2


def test_nasforge_storage_is_the_default_and_storage_wins(tmp_path: Path, finished_db: Path, nb201_path: str
                                                          ) -> None:
    db = tmp_path / "s.db"
    shutil.copyfile(finished_db, db)
    env = {"COLUMNS": "200", "NASFORGE_STORAGE": str(db), "NASFORGE_NB201": nb201_path}
    listed = runner.invoke(app, ["list"], env=env)
    assert listed.exit_code == 0 and "done" in listed.stdout, listed.output
    assert runner.invoke(app, ["show", "done"], env=env).exit_code == 0
    searched = runner.invoke(app, ["search", "second", "--n-trials", "2"], env=env)
    assert searched.exit_code == 0, searched.output
    store = get_storage(f"sqlite:///{db}", read_only=True)
    assert len(store.get_trials(store.get_study_id("second"))) == 2
    other = runner.invoke(app, ["show", "done", "--storage", str(tmp_path / "other.db")], env=env)
    assert other.exit_code == 2 and "other.db" in other.stderr  # --storage wins over the variable
    helped = runner.invoke(app, ["list", "--help"], env={**env, "NASFORGE_STORAGE": "postgresql://me:pw@h/db"})
    assert "postgresql://me:***@h/db" in helped.output and "pw@" not in helped.output
    assert "from NASFORGE_STORAGE" in helped.output
    plain = runner.invoke(app, ["show", "--help"], env={"COLUMNS": "200", "NASFORGE_STORAGE": None})
    assert "NASFORGE_STORAGE is not set" in plain.output and "sqlite:///nasforge.db" in plain.output


def test_reading_commands_create_no_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    calls = [(["list"], None), (["list"], "typo.db"), (["list", "--storage", "sqlite:///x.db"], None),
             (["show", "s"], None), (["report", "s"], "typo.db"), (["export", "s", "--format", "json"], None),
             (["train-best", "s"], None), (["resume", "s"], "typo.db")]
    for args, variable in calls:
        result = runner.invoke(app, args, env={"NASFORGE_STORAGE": variable, "COLUMNS": "200"})
        assert result.exit_code == 2 and "No SQLite file at" in result.stderr, (args, result.output)
        assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []  # no nasforge.db, typo.db, journal, -wal or -shm file


@pytest.fixture(scope="module")
def training_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real-training study 'real' (chain space on digits, 3 tiny trials) plus one FAIL trial with a long reason."""
    from nasforge import load_study

    path = tmp_path_factory.mktemp("training") / "real.db"
    url = f"sqlite:///{path}"
    made = runner.invoke(app, ["search", "real", "--data", "digits", "--n-trials", "3", "--epochs", "1", "--strategy",
                               "random", "--seed", "1", "--train-param", "train_subset=100", "--train-param",
                               "measure_latency=false", "--storage", url])
    assert made.exit_code == 0, made.output
    study = load_study(name="real", storage=url)
    failed = study.ask()
    study.tell(failed, state=TrialState.FAIL, fail_reason="RuntimeError: " + " ".join(["the network ran out of "
                                                                                         "memory"] * 8))
    study.storage.close()
    return path


def _lines_fit(text: str, width: int = 80) -> list[str]:
    lines = text.splitlines()
    too_long = [line for line in lines if len(line) > width]
    assert not too_long, too_long
    return lines


def test_show_fits_80_columns_on_a_training_study(training_db: Path) -> None:
    url = f"sqlite:///{training_db}"
    shown = runner.invoke(app, ["show", "real", "--storage", url], env={"COLUMNS": "80"})
    assert shown.exit_code == 0, shown.output
    lines = _lines_fit(shown.stdout)
    header = next(line for line in lines if "architecture" in line)
    assert header.split() == ["#", "state", "architecture", "val_accuracy", "params", "train_time_s"]
    rows = [line for line in lines if line.split()[1:2] == ["COMPLETE"]]
    assert len(rows) == 3 and all(len(row.split()) >= 6 for row in rows)
    assert any("…" in row for row in rows)  # chain architectures are longer than their column: cut, not wrapped
    reason = " ".join(line.strip() for line in lines if "1 x RuntimeError" in line or "memory" in line)
    assert ("the network ran out of memory " * 8).strip() in reason  # wrapped at spaces, nothing lost
    every = runner.invoke(app, ["show", "real", "--storage", url, "--all", "--metrics",
                                "params,flops,cpu_time_s,val_f1,val_auc,test_accuracy"], env={"COLUMNS": "80"})
    lines = _lines_fit(every.stdout)
    assert [line.split()[1] for line in lines if line.split()[1:2] in (["COMPLETE"], ["FAIL"])] == [
        "COMPLETE", "COMPLETE", "COMPLETE", "FAIL"]  # every trial, in number order
    assert any(line.startswith("(left out at 80 columns:") for line in lines)  # named, not squeezed
    listed = runner.invoke(app, ["list", "--storage", url], env={"COLUMNS": "80"})
    assert "val_accuracy:max" in _lines_fit(listed.stdout)[2]


def test_show_fits_80_columns_on_a_nb201_study(finished_db: Path) -> None:
    url = f"sqlite:///{finished_db}"
    shown = runner.invoke(app, ["show", "done", "--storage", url, "--top", "20", "--metrics", "test_acc,flops_m"],
                          env={"COLUMNS": "80"})
    assert shown.exit_code == 0, shown.output
    lines = _lines_fit(shown.stdout)
    header = next(line for line in lines if "architecture" in line)
    assert header.split() == ["#", "state", "architecture", "val_acc", "test_acc", "flops_m"]
    rows = [line.split() for line in lines if line.split()[1:2] == ["COMPLETE"]]
    values = [float(row[3]) for row in rows]
    assert len(rows) == 20 and values == sorted(values, reverse=True)  # best first, by the objective
    best = lines.index(next(line for line in lines if line.startswith("best trial #")))
    assert lines[best + 1].startswith("  |") and lines[best + 2].startswith("    ")  # the cell wrapped at '|'


def test_show_json_has_every_trial_with_metrics_and_fail_reason(training_db: Path) -> None:
    shown = runner.invoke(app, ["show", "real", "--storage", f"sqlite:///{training_db}", "--json"])
    payload = json.loads(shown.stdout)
    assert payload["study"]["objectives"] == ["val_accuracy:max"] and payload["study"]["evaluator"] == "train"
    trials = payload["trials"]
    assert [t["number"] for t in trials] == [0, 1, 2, 3]
    assert [t["state"] for t in trials] == ["COMPLETE"] * 3 + ["FAIL"]
    assert all({"val_accuracy", "test_accuracy", "params", "train_time_s"} <= set(t["metrics"]) for t in trials[:3])
    assert trials[3]["fail_reason"].startswith("RuntimeError: the network") and trials[3]["metrics"] == {}


def test_trial_table_cells_are_short_and_cut_or_wrapped_at_separators() -> None:
    from nasforge.cli._trial_table import format_number, shorten, wrap_at_separators

    assert [format_number(v) for v in (0.91374, 90.368, 43776.0, 527114.0, 2.1e-5, None)] == [
        "0.9137", "90.37", "43776", "527k", "2.1e-05", ""]
    assert shorten("conv(64 k3 s1) > maxpool(k3 s2) | relu", 20) == "conv(64 k3 s1) >…"
    assert shorten("|nor_conv_3x3~0|+|skip_connect~0|", 20) == "|nor_conv_3x3~0|+|…"
    assert shorten("|nor_conv_3x3~0|+|skip_connect~0|", 24) == "|nor_conv_3x3~0|+|skip_…"  # '|' too far back
    assert shorten("short", 20) == "short"
    lines = wrap_at_separators("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|", 36)
    assert lines == ["|nor_conv_3x3~0|+|skip_connect~0|", "  nor_conv_1x1~1|+|none~0|"]
    assert all(len(line) <= 10 for line in wrap_at_separators("x" * 25, 10))


def test_show_fits_80_columns_with_two_objectives_and_a_long_name(tmp_path: Path, nb201_path: str) -> None:
    url = f"sqlite:///{tmp_path / 'mo.db'}"
    name = "pareto-" + "x" * 120
    made = runner.invoke(app, ["search", name, "--objective", "val_acc:max", "--objective", "params_mb:min",
                               "--strategy", "random", "--n-trials", "12", "--storage", url, "--nb201-path",
                               nb201_path])
    assert made.exit_code == 0, made.output
    shown = runner.invoke(app, ["show", "--study", name, "--storage", url], env={"COLUMNS": "80"})
    lines = _lines_fit(shown.stdout)
    assert "".join(lines[:3]).startswith(f"study {name}: space nb201")  # folded, nothing lost
    front = lines.index(next(line for line in lines if line.startswith("Pareto front (")))
    assert lines[front + 1].split() == ["#", "state", "architecture", "val_acc", "params_mb"]
