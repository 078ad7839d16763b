"""The CLI's options for where and how trials run (workers, executor, timeouts), and the run with its progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from nasforge.executors import check_run_options
from nasforge.study import FrozenTrial, Study

if TYPE_CHECKING:
    from nasforge.config import RunConfig

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
    """How trials run: ``workers`` at once on ``executor``, with an optional timeout and memory limit (checked by
    :func:`nasforge.executors.check_run_options`, the one check of run options)."""

    workers: int = 1
    executor: str = "process"
    ray_address: str | None = None
    trial_timeout: float | None = None
    memory_limit_mb: int | None = None

    @classmethod
    def from_config(cls, run: RunConfig) -> RunOptions:
        """The options of a config's ``run`` section."""
        return cls(run.workers, run.executor, run.ray_address, run.trial_timeout_s, run.memory_limit_mb)

    def check(self, *, max_failures: int | None = None, pruning: bool = False) -> RunOptions:
        """Raise ValidationError for a bad value or combination (a Ray address must answer); return self."""
        check_run_options(n_workers=self.workers, executor=self.executor, ray_address=self.ray_address,
                          trial_timeout_s=self.trial_timeout, memory_limit_mb=self.memory_limit_mb,
                          max_failures=max_failures, pruning=pruning, reach=True)
        return self


def progress_bar(total: int | None, description: str) -> Progress:
    """A progress bar on stderr for a run of trials (``total`` None: a time or cost budget, no known end)."""
    from nasforge.cli._support import err_console

    # markup=False: the description is a study name, which is the user's text (a name like 'x[/]' is not markup)
    return Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TextColumn("{task.fields[best]}", markup=False), console=err_console,
                    transient=False)


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
