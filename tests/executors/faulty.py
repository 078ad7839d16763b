"""An evaluator that misbehaves on chosen architectures, the way real trainings do: it raises, returns NaN,
hangs, takes more memory than a worker may have, or has its process killed (as the out-of-memory killer does).
Importable by spawned worker processes."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nasforge.evaluators import Evaluator, TableEvaluator
from nasforge.evaluators._base import Reporter
from nasforge.spaces import Architecture, SearchSpace

COLUMNS = ["op_1_0", "op_2_0", "op_2_1"]


class FaultyEvaluator(Evaluator):
    """The toy table's scores, except for ``faults``: {op_1_0 value: 'raise' | 'nan' | 'hang' | 'memory' |
    'kill' | 'kill_once'}. 'kill_once' kills the worker only while ``marker`` does not exist (then creates it)."""

    registry_name = "faulty-test"

    def __init__(self, *, table: str, faults: Mapping[str, str], marker: str = "") -> None:
        self.table = table
        self.faults = dict(faults)
        self.marker = marker
        self._inner = TableEvaluator(table=table, arch_columns=COLUMNS, objective="score:max")

    def get_params(self) -> dict[str, Any]:
        return {"table": self.table, "faults": self.faults, "marker": self.marker}

    def default_objective(self) -> str:
        return "score:max"

    def natural_space(self) -> SearchSpace | None:
        return self._inner.natural_space()

    def evaluate(self, arch: Architecture, *, budget: float | None = None,
                 report: Reporter | None = None) -> dict[str, float]:
        fault = self.faults.get(str(arch["op_1_0"]))
        if fault == "raise":
            raise RuntimeError("this architecture cannot be trained")
        if fault == "nan":
            return {"score": float("nan")}
        if fault == "hang":
            time.sleep(3600)
        if fault == "memory":
            block = np.ones(4 * 1024**3, dtype=np.uint8)  # 4 GiB, over the worker's limit
            return {"score": float(block[0])}
        if fault == "kill" or (fault == "kill_once" and not os.path.exists(self.marker)):
            if fault == "kill_once":
                open(self.marker, "w").close()
            os.kill(os.getpid(), signal.SIGKILL)
        return self._inner.evaluate(arch, budget=budget)


def fault_of(trials: Sequence[Any], value: str) -> list[Any]:
    """The trials whose first op is ``value``."""
    return [t for t in trials if t.arch["op_1_0"] == value]
