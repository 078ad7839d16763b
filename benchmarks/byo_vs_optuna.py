"""Bring your own model: nasforge against Optuna on the same user task, side by side.

The task: search depth, width, activation and learning rate of a user's PyTorch MLP on scikit-learn's digits with
the user's own training function (``examples/own_model/digits_mlp.py``, a few epochs of Adam), 2 worker processes,
SQLite, 30 trials. Each tool runs its user script (``examples/own_model/search_nasforge.py``,
``examples/own_model/search_optuna.py``) in a fresh Python process, as a user would; the wall time is that
process's, start to exit.

Reported:
  (a) lines of code of each script that are not the user's model or training function (non-blank, non-comment,
      docstrings excluded; both import the same ``digits_mlp.py``);
  (b) wall time, mean over the report seeds;
  (c) best validation accuracy at the last trial, mean over the report seeds. nasforge's strategy is picked on
      the selection seeds (best mean among ``--candidates``) and reported on other seeds, both tools on the same
      seeds in the same run; Optuna runs TPE (its default sampler) seeded per worker process. Seeds 0-9 have
      been used to pick the strategy of ``examples/own_model/search_nasforge.py``; fresh seeds (10-14) report it.

    python benchmarks/byo_vs_optuna.py --trials 30 --candidates local_search,bo,bananas --select-seeds 0-9 \\
        --report-seeds 10-14 --json benchmarks/results/byo-vs-optuna-seeds10-14.json
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "own_model"
SCRIPTS = {"nasforge": EXAMPLE / "search_nasforge.py", "optuna": EXAMPLE / "search_optuna.py"}
RUN = """import json, sys, time
sys.path.insert(0, {folder!r})
import {module} as user
start = time.perf_counter()
best = user.main(seed={seed}, n_trials={trials}, storage={storage!r}{extra})
print("RESULT " + json.dumps({{"best": best, "main_s": time.perf_counter() - start}}))
"""


def code_lines(path: Path) -> int:
    """Non-blank lines that are neither comments nor docstrings."""
    text = path.read_text()
    skip: set[int] = set()
    for node in ast.walk(ast.parse(text)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            skip.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    return sum(1 for number, line in enumerate(text.splitlines(), 1)
               if line.strip() and not line.strip().startswith("#") and number not in skip)


def run_script(tool: str, seed: int, trials: int, strategy: str | None, env: dict[str, str]) -> dict[str, Any]:
    """One search in a fresh process: its best validation accuracy and wall times."""
    with tempfile.TemporaryDirectory() as tmp:
        storage = f"sqlite:///{tmp}/{tool}.db"
        extra = f", strategy={strategy!r}" if strategy else ""
        code = RUN.format(folder=str(EXAMPLE), module=SCRIPTS[tool].stem, seed=seed, trials=trials, storage=storage,
                          extra=extra)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp, env=env,
                              check=False)
        wall = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{tool} seed {seed} failed ({done.returncode}): {done.stderr[-2000:]}")
    result = json.loads(lines[-1][len("RESULT "):])
    return {"seed": seed, "best_val_acc": result["best"], "wall_s": round(wall, 2),
            "main_s": round(result["main_s"], 2)}


def seeds(text: str) -> list[int]:
    """``0-4`` or ``5,6,7``."""
    if not text.strip():
        return []
    if "-" in text:
        low, high = text.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(s) for s in text.split(",") if s.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--candidates", default="local_search,bo,bananas")
    parser.add_argument("--select-seeds", default="0-9")  # looked at: selection only
    parser.add_argument("--report-seeds", default="10-14")  # fresh
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in [src, os.environ.get("PYTHONPATH", "")] if p)}
    import optuna

    import nasforge

    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"), "trials": args.trials, "workers": 2, "storage": "sqlite",
        "optuna": optuna.__version__, "nasforge": nasforge.__version__,
        "epochs": int(os.environ.get("OWN_MODEL_EPOCHS", "5")), "subset": int(os.environ.get("OWN_MODEL_SUBSET", "0")),
        "optuna_parallelism": "2 processes (multiprocessing, fork) on one SQLite study, TPE seeded per process",
        "lines_of_code": {tool: code_lines(path) for tool, path in SCRIPTS.items()}, "selection": {}}
    print(f"lines of code: {results['lines_of_code']}", flush=True)
    selection: dict[str, list[dict[str, Any]]] = {}
    for strategy in [c.strip() for c in args.candidates.split(",") if c.strip()]:
        selection[strategy] = []
        for seed in seeds(args.select_seeds):
            selection[strategy].append(run_script("nasforge", seed, args.trials, strategy, env))
            print(f"select {strategy:12s} seed {seed}: {selection[strategy][-1]}", flush=True)
        if selection[strategy]:
            mean = statistics.mean(r["best_val_acc"] for r in selection[strategy])
            results["selection"][strategy] = {"runs": selection[strategy], "mean_best_val_acc": round(mean, 4)}
            print(f"select {strategy:12s} mean best val_acc {mean:.4f}", flush=True)
            _save(args.json, results)
    if not seeds(args.report_seeds):  # a selection run only
        return
    if not any(selection.values()):  # chosen before (by an earlier selection run): the first candidate
        chosen = next(iter(selection))
    else:
        chosen = max(selection, key=lambda s: (results["selection"][s]["mean_best_val_acc"],
                                               -list(selection).index(s)))
    results["chosen_strategy"] = chosen
    report: dict[str, list[dict[str, Any]]] = {"nasforge": [], "optuna": []}
    for seed in seeds(args.report_seeds):  # alternating, so that a change of the machine's load hits both
        order = ["nasforge", "optuna"] if seed % 2 == 0 else ["optuna", "nasforge"]
        for tool in order:
            report[tool].append(run_script(tool, seed, args.trials, chosen if tool == "nasforge" else None, env))
            print(f"report {tool:8s} seed {seed}: {report[tool][-1]}", flush=True)
            _save(args.json, {**results, "report_runs": report})
    summary: dict[str, Any] = {
        tool: {"runs": runs, "mean_best_val_acc": round(statistics.mean(r["best_val_acc"] for r in runs), 4),
               "mean_wall_s": round(statistics.mean(r["wall_s"] for r in runs), 2)} for tool, runs in report.items()}
    summary["wall_ratio"] = round(summary["nasforge"]["mean_wall_s"] / summary["optuna"]["mean_wall_s"], 3)
    results["report"] = summary
    ours, theirs = summary["nasforge"], summary["optuna"]
    print(f"nasforge ({chosen}): best val_acc {ours['mean_best_val_acc']}, wall {ours['mean_wall_s']} s | optuna "
          f"(TPE): best val_acc {theirs['mean_best_val_acc']}, wall {theirs['mean_wall_s']} s | wall ratio "
          f"{summary['wall_ratio']}", flush=True)
    _save(args.json, results)


def _save(path: Path | None, results: dict[str, Any]) -> None:
    """Write what is measured so far (a long run leaves its figures even when stopped)."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
