"""The search loop's figures now, beside those written in docs/benchmarks.md: a regression shows the day it lands.

Runs benchmarks/overhead_vs_optuna.py and benchmarks/scaling.py (same settings as the docs unless told otherwise),
reads the table under "Figures `make bench-regress` compares" in docs/benchmarks.md, and prints both side by side.

    python benchmarks/bench_regress.py [--trials 10000] [--repeats 3] [--nb201-path DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DOC = HERE.parent / "docs" / "benchmarks.md"
TABLE_HEADING = "### Figures `make bench-regress` compares"
SIZES = {"memory": (2000, 20000), "sqlite": (500, 5000)}
# The bars issue 16 set: a figure past one of them is a regression, and the target exits with code 1.
BARS = {"memory: speed-up over Optuna": (">=", 5.0), "sqlite: speed-up over Optuna": (">=", 10.0),
        "memory: cost at 20000 / cost at 2000": ("<=", 1.5), "sqlite: cost at 5000 / cost at 500": ("<=", 1.5)}


def regressions(now: dict[str, str]) -> list[str]:
    """The figures of ``now`` that miss their bar in BARS, one line each."""
    missed = []
    for name, (rule, bar) in BARS.items():
        value = float(now[name].lstrip("x"))
        if (value < bar) if rule == ">=" else (value > bar):
            missed.append(f"REGRESSION: {name} is {now[name]}, the bar is {rule} {bar:g}")
    return missed


def documented(doc: Path = DOC) -> dict[str, str]:
    """The figures of the table under TABLE_HEADING: name -> value as written."""
    text = doc.read_text(encoding="utf-8")
    if TABLE_HEADING not in text:
        raise SystemExit(f"{doc} has no section {TABLE_HEADING!r}")
    figures = {}
    for line in text.split(TABLE_HEADING, 1)[1].splitlines()[1:]:
        if line.startswith("#"):
            break
        match = re.match(r"\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|", line)
        if match and not set(match[1]) <= set("-: ") and match[1] != "figure":
            figures[match[1]] = match[2]
    return figures


def measured(overhead: dict[str, Any], scaling: dict[str, Any]) -> dict[str, str]:
    """The same figures from the JSON the two benchmarks wrote."""
    figures = {}
    for kind in ("memory", "sqlite"):
        row = overhead[kind]
        figures[f"{kind}: nasforge trials/s"] = f"{row['nasforge']['trials_per_s']:.0f}"
        figures[f"{kind}: Optuna trials/s"] = f"{row['optuna']['trials_per_s']:.0f}"
        figures[f"{kind}: speed-up over Optuna"] = f"x{row['speedup']:.2f}"
        by_size = {r["trials"]: r for r in scaling[kind]}
        small, large = SIZES[kind]
        for size in (small, large):
            figures[f"{kind}: CPU us/trial at {size} trials"] = f"{by_size[size]['marginal_cpu_us_per_trial']:.0f}"
        ratio = by_size[large]["marginal_cpu_us_per_trial"] / by_size[small]["marginal_cpu_us_per_trial"]
        figures[f"{kind}: cost at {large} / cost at {small}"] = f"x{ratio:.2f}"
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--nb201-path", default=None)
    args = parser.parse_args()
    where = ["--nb201-path", args.nb201_path] if args.nb201_path else []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, str(HERE / "scaling.py"), "--json", f"{tmp}/scaling.json", *where],
                       check=True)
        subprocess.run([sys.executable, str(HERE / "overhead_vs_optuna.py"), "--trials", str(args.trials),
                        "--repeats", str(args.repeats), "--json", f"{tmp}/overhead.json", *where], check=True)
        now = measured(json.loads(Path(f"{tmp}/overhead.json").read_text()),
                       json.loads(Path(f"{tmp}/scaling.json").read_text()))
    docs = documented()
    width = max(map(len, now))
    print(f"\n{'figure':{width}}  {'in docs':>10}  {'now':>10}   (overhead: {args.trials} trials, "
          f"{args.repeats} repeats; the docs say which machine)")
    for name, value in now.items():
        print(f"{name:{width}}  {docs.get(name, '-'):>10}  {value:>10}")
    missed = regressions(now)
    for line in missed:
        print(line)
    if missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
