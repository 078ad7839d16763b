"""Ray: each evaluation a Ray task with its CPU (and GPU) resources; the strategy stays on the driver.

Without an address a local Ray is started for the user (and stopped at the end); with ``address`` the tasks go
to that cluster (``ray start --head`` on one machine, ``ray start --address=...`` on the others). The evaluator
is put into Ray's object store once; each worker process keeps its dataset loaded between tasks.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import warnings
from typing import Any

from nasforge.evaluators import Evaluator
from nasforge.exceptions import ValidationError
from nasforge.executors._base import Executor, Outcome, WorkResult, evaluate_safely
from nasforge.executors._process import default_threads
from nasforge.spaces import Architecture
from nasforge.trial import FrozenTrial

LOCAL_RAY_NOTICE = ("A local Ray is started on 127.0.0.1, but Ray's own gRPC servers (GCS, raylet, workers) listen "
                    "on every network interface; on a shared network prefer --executor process, or a Ray cluster "
                    "behind a firewall (--ray-address).")


def _ray_evaluate(evaluator: Evaluator, arch_json: str, budget: float | None, threads: int) -> WorkResult:
    import torch

    torch.set_num_threads(threads)
    return evaluate_safely(evaluator, Architecture.from_json(arch_json), budget)


def check_reachable(address: str, timeout_s: float = 5.0) -> None:
    """ValidationError unless ``address`` ('host:port' or 'ray://host:port'; 'auto' is left to Ray) accepts a
    TCP connection: Ray itself would wait for minutes on a wrong address."""
    if address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ValidationError(f"The 'ray_address' parameter must look like HOST:PORT, ray://HOST:PORT or auto. "
                              f"Got {address!r} instead.")
    try:
        socket.create_connection((host, int(port)), timeout=timeout_s).close()
    except OSError as exc:
        raise ValidationError(f"The 'ray_address' parameter {address!r} could not be reached: "
                              f"{exc.strerror or exc}.") from exc


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise ValidationError("The 'executor' parameter 'ray' needs Ray: pip install 'nasforge[ray]'.") from exc
    return ray


class RayExecutor(Executor):
    """Up to ``n_workers`` evaluations at once as Ray tasks of ``threads`` CPUs (and ``gpus`` GPUs) each."""

    def __init__(self, evaluator: Evaluator, n_workers: int, *, address: str | None = None,
                 threads: int | None = None, gpus: float = 0.0, trial_timeout_s: float | None = None) -> None:
        ray = self._ray = _import_ray()
        self.capacity = n_workers
        self.trial_timeout_s = trial_timeout_s
        self.threads = threads or (1 if address else default_threads(n_workers))
        self._owns = not ray.is_initialized()
        if self._owns:
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                       "logging_level": logging.ERROR, "configure_logging": False}
            if address:
                check_reachable(address)
            try:
                if address:
                    ray.init(address=address, **options)
                else:  # a local Ray: no dashboard, its node on the loopback address
                    warnings.warn(LOCAL_RAY_NOTICE, stacklevel=3)
                    ray.init(num_cpus=os.cpu_count() or 1, num_gpus=0 if not gpus else None,
                             _node_ip_address="127.0.0.1", **options)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ValidationError(f"The 'ray_address' parameter {address!r} could not be reached: "
                                      f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}.") from exc
        self._evaluator = ray.put(evaluator)
        self._task = ray.remote(_ray_evaluate).options(num_cpus=self.threads, num_gpus=gpus, max_retries=0)
        self._running: dict[Any, tuple[FrozenTrial, float]] = {}

    @property
    def n_running(self) -> int:
        return len(self._running)

    def submit(self, trial: FrozenTrial) -> None:
        ref = self._task.remote(self._evaluator, trial.arch.to_json(), trial.budget, self.threads)
        self._running[ref] = (trial, time.monotonic())

    def wait(self, timeout_s: float) -> list[Outcome]:
        ray = self._ray
        if not self._running:
            return []
        if self.trial_timeout_s is not None:
            now = time.monotonic()
            ends = [t0 + self.trial_timeout_s - now for _, t0 in self._running.values()]
            timeout_s = max(0.0, min([timeout_s, *ends]))
        ready, _ = ray.wait(list(self._running), num_returns=1, timeout=timeout_s)
        if ready:  # and whatever else finished meanwhile
            ready, _ = ray.wait(list(self._running), num_returns=len(self._running), timeout=0)
        outcomes = [self._collect(ref) for ref in ready]
        if self.trial_timeout_s is not None:
            now = time.monotonic()
            for ref, (trial, t0) in list(self._running.items()):
                if now - t0 >= self.trial_timeout_s:
                    ray.cancel(ref, force=True)
                    del self._running[ref]
                    outcomes.append(Outcome(trial, reason=(
                        f"TrialTimeout: still running after the trial timeout of {self.trial_timeout_s:g} s; "
                        "stopped")))
        return outcomes

    def _collect(self, ref: Any) -> Outcome:
        ray = self._ray
        trial, _ = self._running.pop(ref)
        try:
            result: WorkResult = ray.get(ref)
        except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError,
                ray.exceptions.LocalRayletDiedError) as exc:
            return Outcome(trial, lost=True, reason=f"its Ray worker died ({type(exc).__name__})")
        except ray.exceptions.OutOfMemoryError:
            return Outcome(trial, reason="MemoryError: Ray stopped the task, its node was running out of memory")
        except ray.exceptions.RayError as exc:
            return Outcome(trial, reason=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        return result.outcome(trial)

    def close(self) -> None:
        for ref in self._running:
            self._ray.cancel(ref, force=True)
        self._running.clear()
        if self._owns:
            self._ray.shutdown()
