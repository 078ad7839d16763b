"""Write a small synthetic customer table: unscaled numbers (age in years, income in dollars), text categories
(city, plan), about 5 % empty cells, and a text target (churn: yes / no). Seeded, offline.

    python examples/csv/make_data.py customers.csv --rows 600
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

COLUMNS = ["age", "income", "city", "plan", "visits", "churn"]
CITIES = ["Lyon", "Oslo", "Paris", "Rome"]
PLANS = ["basic", "plus", "pro"]


def write_customers(path: str | Path, rows: int = 600, missing: float = 0.05, seed: int = 0) -> Path:
    """``rows`` customers at ``path``; each feature cell is empty with probability ``missing``."""
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, rows)
    income = rng.normal(52_000, 18_000, rows).clip(9_000, None).round(-2)
    city = rng.choice(CITIES, rows)
    plan = rng.choice(PLANS, rows, p=[0.5, 0.3, 0.2])
    visits = rng.poisson(6, rows)
    # churn is likelier for young, low-income, basic-plan, rarely-visiting customers, and in Oslo
    score = (-0.04 * (age - 45) - 0.00004 * (income - 52_000) + 1.2 * (plan == "basic") - 0.8 * (plan == "pro")
             - 0.25 * (visits - 6) + 0.9 * (city == "Oslo") + rng.normal(0, 0.5, rows))
    churn = np.where(score > 0.3, "yes", "no")
    file = Path(path)
    with file.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in zip(age, income, city, plan, visits, churn, strict=True):
            cells = [str(v) for v in row]
            for j in range(len(cells) - 1):  # never the target
                if rng.random() < missing:
                    cells[j] = ""
            writer.writerow(cells)
    return file


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="the CSV file to write")
    parser.add_argument("--rows", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"wrote {write_customers(args.path, args.rows, seed=args.seed)}")
