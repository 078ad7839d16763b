"""Markdown tables from ``nasforge benchmark --json`` files, beside the published anchors (../shared/ANCHORS.md).

    python benchmarks/nb201_table.py out/nb201_all.json [more.json ...]
"""

from __future__ import annotations

import json
import sys

# Dong & Yang 2020 (NAS-Bench-201, searched on CIFAR-10-valid, 12,000 s simulated budget): mean test accuracy
PUBLISHED = {
    "random": {"cifar10": "93.70", "cifar100": "71.04", "ImageNet16-120": "44.57"},
    "evolution": {"cifar10": "93.92", "cifar100": "71.84", "ImageNet16-120": "45.54"},
    "reinforce": {"cifar10": "93.85", "cifar100": "71.71", "ImageNet16-120": "45.24"},
}
NAMES = {"cifar10": "CIFAR-10", "cifar100": "CIFAR-100", "ImageNet16-120": "ImageNet16-120"}


def main() -> None:
    merged: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    checkpoints: list[int] = []
    for path in sys.argv[1:]:
        with open(path) as handle:
            data = json.load(handle)
        checkpoints = data["checkpoints"]
        for dataset, rows in data["results"].items():
            merged.setdefault(dataset, []).extend(rows)
    head = ["dataset", "strategy", *[f"@{q}" for q in checkpoints], "q to 0.1", "q to 0.3", "published (Dong & Yang)"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for dataset, rows in merged.items():
        for row in rows:
            cells = [f"{row['at'][str(q)]['mean']:.2f} +- {row['at'][str(q)]['std']:.2f}" for q in checkpoints]
            published = PUBLISHED.get(row["strategy"], {}).get(dataset, "")
            print(f"| {NAMES.get(dataset, dataset)} | {row['strategy']} | " + " | ".join(cells)
                  + f" | {row['median_queries_within_0.1']} | {row['median_queries_within_0.3']} | {published} |")


if __name__ == "__main__":
    main()
