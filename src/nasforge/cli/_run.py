"""The CLI's options for where and how trials run (workers, executor, timeouts), and the run with its progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from nasforge._validation import check_float, check_int
from nasforge.exceptions import ValidationError
from nasforge.executors import EXECUTORS
from nasforge.executors._ray import check_reachable
from nasforge.study import FrozenTrial, Study

WorkersOpt = Annotated[int, typer.Option(help="Evaluations running at once, each in a worker (pruning needs 1).")]
ExecutorOpt = Annotated[str, typer.Option(help="Where workers run: process (this machine) or ray.")]
RayAddressOpt = Annotated[str | None, typer.Option(help="With --executor ray: the cluster's address (default: a "
                                                        "local Ray started for this run).")]
TrialTimeoutOpt = Annotated[float | None, typer.Option(help="Seconds a trial may run; a longer one is stopped and "
                                                            "fails with that reason.")]
MemoryLimitOpt = Annotated[int | None, typer.Option(help="MiB of memory a worker process may take; an evaluation "
                                                         "that needs more fails with a MemoryError.")]


@dataclass(frozen=True)
class RunOptions:
    """How trials run: ``workers`` at once on ``executor``, with an optional timeout and memory limit."""

    workers: int = 1
    executor: str = "process"
    ray_address: str | None = None
    trial_timeout: float | None = None
    memory_limit_mb: int | None = None

    def check(self) -> RunOptions:
        """Raise ValidationError for a bad value or combination; return self."""
        check_int("Study.optimize", "n_workers", self.workers, minimum=1)
        if self.executor not in EXECUTORS:
            raise ValidationError(f"The '--executor' option must be one of {', '.join(EXECUTORS)}. "
                                  f"Got {self.executor!r} instead.")
        if self.ray_address is not None and self.executor != "ray":
            raise ValidationError("The '--ray-address' option needs '--executor ray'.")
        if self.ray_address is not None:
            check_reachable(self.ray_address)  # before any study is created
        if self.trial_timeout is not None:
            check_float("Study.optimize", "trial_timeout_s", self.trial_timeout, minimum=0, strict_minimum=True)
        if self.memory_limit_mb is not None:
            check_int("Study.optimize", "memory_limit_mb", self.memory_limit_mb, minimum=64)
        return self

    def check_pruning(self, pruning: bool) -> None:
        """Pruning needs the in-process loop: refuse it with workers, Ray, a timeout or a memory limit."""
        elsewhere = (self.workers > 1 or self.executor != "process" or self.trial_timeout is not None
                     or self.memory_limit_mb is not None)
        if elsewhere and pruning:
            raise ValidationError("Pruning reads each trial's per-epoch reports in this process: use --workers 1 "
                                  "(no --executor ray, --trial-timeout or --memory-limit-mb) with --prune or "
                                  "--pruner.")


def progress_bar(total: int | None, description: str) -> Progress:
    """A progress bar on stderr for a run of trials (``total`` None: a time or cost budget, no known end)."""
    from nasforge.cli._support import err_console

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("{task.fields[best]}"), console=err_console, transient=False)


def run_with_progress(study: Study, *, max_failures: int | None, options: RunOptions = RunOptions()) -> None:
    """``study.optimize()`` as ``options`` say, with a progress bar over the study's trial budget (trials of
    other processes sharing the study count too); a run that stops before its budget is spent says why, in one
    line on stderr."""
    from nasforge.cli._support import err_console

    with progress_bar(study.budget.n_trials, study.name) as progress:
        task = progress.add_task(study.name, total=study.budget.n_trials, completed=study.n_counted, best="")

        def advance(s: Study, trial: FrozenTrial) -> None:
            best = s.best_trial  # kept up to date by the study as trials finish: no pass over storage
            label = "" if best is None else f"best {s.objectives[0].name}={best.metrics[s.objectives[0].name]:.4g}"
            progress.update(task, completed=s.n_counted, best=label)

        study.optimize(callbacks=[advance], max_failures=max_failures, n_workers=options.workers,
                       executor=options.executor, ray_address=options.ray_address,
                       trial_timeout_s=options.trial_timeout, memory_limit_mb=options.memory_limit_mb)
    if study.stop_reason is not None:
        err_console.print(f"Stopped after {study.n_counted} trials: {study.stop_reason}", markup=False,
                          highlight=False, soft_wrap=True)
