"""Executors by name."""

from __future__ import annotations

from nasforge.evaluators import Evaluator
from nasforge.exceptions import ValidationError
from nasforge.executors._base import Executor
from nasforge.executors._options import EXECUTORS
from nasforge.executors._process import ProcessExecutor
from nasforge.executors._ray import RayExecutor


def create_executor(name: str, evaluator: Evaluator, n_workers: int, *, trial_timeout_s: float | None = None,
                    ray_address: str | None = None, memory_limit_mb: int | None = None) -> Executor:
    """An executor by name: 'process' (worker processes on this machine) or 'ray'."""
    if name == "process":
        if ray_address is not None:
            raise ValidationError("The 'ray_address' parameter needs the 'ray' executor. Got executor 'process'.")
        return ProcessExecutor(evaluator, n_workers, trial_timeout_s=trial_timeout_s,
                               memory_limit_mb=memory_limit_mb)
    if name == "ray":
        if memory_limit_mb is not None:
            raise ValidationError("The 'memory_limit_mb' parameter is for the 'process' executor; Ray watches "
                                  "memory itself.")
        return RayExecutor(evaluator, n_workers, address=ray_address, trial_timeout_s=trial_timeout_s)
    raise ValidationError(f"The 'executor' parameter must be one of {', '.join(EXECUTORS)}. Got {name!r} instead.")
