"""The one check of how a search runs (workers, executor, timeouts, memory, failures, pruning).

``Study.optimize``, the config files (``run:`` section) and the command line all call
:func:`check_run_options`, so a value is refused with the same message wherever it is given.
"""

from __future__ import annotations

from nasforge._validation import check_choice, check_float, check_int
from nasforge.exceptions import ValidationError

OWNER = "Study.optimize"
EXECUTORS = ("process", "ray")


def check_run_options(*, n_workers: int = 1, executor: str = "process", ray_address: str | None = None,
                      trial_timeout_s: float | None = None, memory_limit_mb: int | None = None,
                      max_failures: int | None = None, pruning: bool = False, reach: bool = False) -> None:
    """Raise ValidationError for a bad run option or a combination that cannot work.

    Args:
        n_workers: evaluations at once (>= 1).
        executor: 'process' or 'ray'.
        ray_address: a Ray cluster's address; only with the 'ray' executor.
        trial_timeout_s: seconds a trial may run (> 0).
        memory_limit_mb: MiB a worker process may take (>= 64; the 'process' executor only).
        max_failures: stop after this many consecutive failed trials (>= 1).
        pruning: a pruner is set; it reads per-epoch reports in this process, so it needs one in-process worker.
        reach: also open a TCP connection to ``ray_address`` (Ray itself waits for minutes on a wrong one).
    """
    check_int(OWNER, "n_workers", n_workers, minimum=1)
    check_choice(OWNER, "executor", executor, EXECUTORS)
    if trial_timeout_s is not None:
        check_float(OWNER, "trial_timeout_s", trial_timeout_s, minimum=0, strict_minimum=True)
    if memory_limit_mb is not None:
        check_int(OWNER, "memory_limit_mb", memory_limit_mb, minimum=64)
        if executor != "process":
            raise ValidationError(f"The 'memory_limit_mb' parameter of {OWNER} is for the 'process' executor; "
                                  "Ray watches memory itself.")
    if max_failures is not None:
        check_int(OWNER, "max_failures", max_failures, minimum=1)
    if ray_address is not None and executor != "ray":
        raise ValidationError(f"The 'ray_address' parameter of {OWNER} needs the 'ray' executor (--executor ray). "
                              f"Got executor {executor!r}.")
    elsewhere = n_workers > 1 or executor != "process" or trial_timeout_s is not None or memory_limit_mb is not None
    if pruning and elsewhere:
        raise ValidationError("Pruning reads each trial's per-epoch reports in this process: use --workers 1 "
                              "(n_workers=1), the process executor and no trial timeout or memory limit.")
    if reach and ray_address is not None:
        from nasforge.executors._ray import check_reachable

        check_reachable(ray_address)
