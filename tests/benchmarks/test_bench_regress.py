"""``make bench-regress``: the figures it compares are in the docs, and a figure past its bar fails the target."""

from __future__ import annotations

from tests.benchmarks._scripts import load_script


def test_documented_figures_meet_their_bars_and_a_regression_is_flagged() -> None:
    script = load_script("bench_regress")
    docs = script.documented()
    assert set(script.BARS) <= set(docs)  # every bar has its figure in docs/benchmarks.md
    assert script.regressions(docs) == []
    slow = {**docs, "memory: speed-up over Optuna": "x0.17", "sqlite: cost at 5000 / cost at 500": "x3.20"}
    assert script.regressions(slow) == [
        "REGRESSION: memory: speed-up over Optuna is x0.17, the bar is >= 5",
        "REGRESSION: sqlite: cost at 5000 / cost at 500 is x3.20, the bar is <= 1.5"]
