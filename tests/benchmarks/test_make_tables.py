"""The NAS-Bench-201 tables in docs/benchmarks.md are what benchmarks/make_tables.py makes of the committed results."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tests.benchmarks._scripts import load_script

ROOT = Path(__file__).parents[2]




def test_the_doc_tables_match_the_committed_results() -> None:
    script = load_script("make_tables")
    doc = (ROOT / "docs" / "benchmarks.md").read_text()
    assert script.render(doc, script.tables()) == doc, "run: python benchmarks/make_tables.py"


def _same_summaries(recomputed: dict[str, Any], stored: dict[str, Any]) -> None:
    # the per-seed values are stored to 4 decimals, so a recomputed mean or bound may move in the 4th
    for q, at in stored["at"].items():
        assert recomputed["at"][q]["mean"] == pytest.approx(at["mean"], abs=2e-4)
        assert recomputed["at"][q]["ci"] == pytest.approx(at["ci"], abs=2e-4)
    for key in ("median_queries_within_0.1", "median_queries_within_0.3"):
        assert recomputed[key] == stored[key] and recomputed[f"{key}_ci"] == stored[f"{key}_ci"]


@pytest.mark.slow
def test_every_committed_summary_is_what_its_per_seed_values_give() -> None:
    script = load_script("make_tables")
    for path in sorted((ROOT / "benchmarks" / "results").glob("nb201-heldout*.json*")):
        data = script.load(path)
        merged = script.merge([data], recompute=True)
        for dataset, rows in data["results"].items():
            for row in rows:
                _same_summaries(merged[dataset][row["strategy"]], row)


def _split(data: dict[str, Any], half: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The same runs as two files of seed blocks."""
    first, second = copy.deepcopy(data), copy.deepcopy(data)
    for part, cut in ((first, slice(None, half)), (second, slice(half, None))):
        for rows in part["results"].values():
            for row in rows:
                row["seed_ids"] = row["seed_ids"][cut]
                row["per_seed"] = {key: ({q: v[cut] for q, v in value.items()} if key == "at" else value[cut])
                                   for key, value in row["per_seed"].items()}
    return first, second


def test_seed_blocks_merge_into_the_whole_run() -> None:
    script = load_script("make_tables")
    data = script.load(ROOT / "benchmarks" / "results" / "nb201-heldout-baselines.json")
    data["results"] = {"cifar10": [r for r in data["results"]["cifar10"] if r["strategy"] == "local_search"]}
    whole = script.merge([data], recompute=True)["cifar10"]["local_search"]
    first, second = _split(data, 40)
    joined = script.merge([second, first])["cifar10"]["local_search"]  # blocks in any order
    assert joined["seed_ids"] == whole["seed_ids"] == list(range(100, 200))
    assert joined["at"] == whole["at"] and joined["median_queries_within_0.1"] == whole["median_queries_within_0.1"]
    row = data["results"]["cifar10"][0]
    _same_summaries(whole, row)  # as the CLI wrote it
    with pytest.raises(ValueError, match="a seed appears in two blocks"):
        script.merge([data, first])
