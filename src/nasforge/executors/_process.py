"""Worker processes on this machine, one trial at a time each.

Each worker is a spawned (for a function objective: forked) process with a pipe to the driver: the evaluator is
sent once, as JSON (its class and parameters; its dataset then stays loaded between trials), then one architecture
(JSON) per trial. The
driver watches each worker's pipe and its process handle, so it knows which trial a worker held when it died
(killed, out of memory) and can stop a trial that runs past its timeout by killing that worker and starting
a fresh one; the other workers go on.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from nasforge._script_guard import EXIT_CODE, WORKER_IMPORT, guard_message, importing
from nasforge.evaluators import Evaluator, FunctionEvaluator, ObjectiveError
from nasforge.exceptions import NasforgeError
from nasforge.executors._base import Executor, Outcome, evaluate_safely
from nasforge.spaces import Architecture
from nasforge.trial import FrozenTrial


class WorkerStartError(NasforgeError):
    """Worker processes cannot start (the same cause in every one): the run stops with the reason."""


def default_threads(n_workers: int) -> int:
    """Torch threads per worker so that workers x threads fit the cores."""
    return max(1, (os.cpu_count() or 1) // n_workers)


def describe_exit(code: int | None) -> str:
    """A worker's exit code in words."""
    if code is None:
        return "it stopped answering"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = ", perhaps by the out-of-memory killer" if -code == signal.SIGKILL else ""
        return f"killed by {name}{hint}"
    return f"exit code {code}"


def evaluator_spec(evaluator: Evaluator) -> str:
    """The evaluator as JSON: its class and its constructor parameters (nothing is pickled)."""
    cls = type(evaluator)
    return json.dumps({"module": cls.__module__, "class": cls.__qualname__, "params": evaluator.get_params()})


def evaluator_from_spec(spec: str) -> Evaluator:
    """Rebuild an evaluator from ``evaluator_spec``'s JSON."""
    data = json.loads(spec)
    cls = getattr(importlib.import_module(data["module"]), data["class"])
    if not (isinstance(cls, type) and issubclass(cls, Evaluator)):
        raise TypeError(f"{data['module']}.{data['class']} is not an Evaluator")
    return cls(**data["params"])


def _worker_main(conn: Connection, evaluator_json: str, threads: int, memory_limit_mb: int | None,
                 inherited: tuple[Connection, ...] = ()) -> None:
    """A worker: evaluate each (trial id, architecture JSON, budget) received until told to stop. A forked worker
    first closes the driver's ends of the pipes it inherited (``inherited``), so that it sees the driver go."""
    for other in inherited:
        other.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    os.environ.pop(WORKER_IMPORT, None)  # the main script is imported: a study made from here on is the user's
    if memory_limit_mb is not None:
        import resource

        limit = memory_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import torch

    torch.set_num_threads(threads)
    try:
        evaluator = evaluator_from_spec(evaluator_json)
        if isinstance(evaluator, FunctionEvaluator):
            evaluator.load()
    except ObjectiveError as exc:  # its own line says what to change
        conn.send(("broken", str(exc), True))
        return
    except Exception as exc:  # the same in every worker: the driver stops the run with the reason
        conn.send(("broken", f"{type(exc).__name__}: {exc}", False))
        return
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        trial_id, arch_json, budget = message
        conn.send(("start", trial_id))  # the trial's timeout counts from here, not from this worker's start-up
        conn.send(("done", trial_id, evaluate_safely(evaluator, Architecture.from_json(arch_json), budget)))


def default_start_method(evaluator: Evaluator, memory_limit_mb: int | None) -> str:
    """'fork' for a function objective on a platform that has it, else 'spawn'.

    A user's function usually sits in the script that runs the search, next to its imports of torch and the data:
    a spawned worker imports all of that again (seconds per worker) and runs the script's top level as
    ``__mp_main__``; a forked one starts at once with the function already loaded, as Optuna's worker processes
    do. The built-in evaluators keep 'spawn': they load their data in the worker and may run torch in this process
    first (a forked copy of a running torch thread pool or CUDA context is unsafe). A memory limit needs 'spawn'
    too: a forked worker would start with this process's whole address space counted against it.
    """
    forkable = "fork" in multiprocessing.get_all_start_methods()
    cuda = "torch" in sys.modules and sys.modules["torch"].cuda.is_initialized()
    if isinstance(evaluator, FunctionEvaluator) and forkable and memory_limit_mb is None and not cuda:
        return "fork"
    return "spawn"


@dataclass
class _Worker:
    process: Any
    conn: Connection
    trial: FrozenTrial | None = None
    started: float | None = None  # when the worker began evaluating its trial
    ready: bool = False  # the worker has loaded the evaluator


class ProcessExecutor(Executor):
    """``n_workers`` spawned processes on this machine (torch threads each: ``threads``, default cores / N).

    ``memory_limit_mb`` caps each worker's address space: an evaluation that needs more fails with a
    MemoryError as its reason instead of drawing the out-of-memory killer onto the machine.

    ``start_method``: how workers start (see :func:`default_start_method`): 'spawn' (a fresh interpreter, which
    imports torch and the evaluator's code again) or 'fork' (a copy of this process, started at once).
    """

    def __init__(self, evaluator: Evaluator, n_workers: int, *, threads: int | None = None,
                 trial_timeout_s: float | None = None, memory_limit_mb: int | None = None,
                 start_method: str | None = None) -> None:
        self.capacity = n_workers
        self.trial_timeout_s = trial_timeout_s
        self.threads = threads or default_threads(n_workers)
        self.memory_limit_mb = memory_limit_mb
        self.start_method = start_method or default_start_method(evaluator, memory_limit_mb)
        self._context: Any = multiprocessing.get_context(self.start_method)  # spawn or fork: one Process API
        self._spec = evaluator_spec(evaluator)
        self._workers: list[_Worker] = []
        for _ in range(n_workers):
            self._workers.append(self._start())

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        inherited = (parent, *(w.conn for w in self._workers)) if self.start_method == "fork" else ()
        process = self._context.Process(target=_worker_main, name="nasforge-worker", daemon=True,
                                        args=(child, self._spec, self.threads, self.memory_limit_mb, inherited))
        script = getattr(sys.modules.get("__main__"), "__file__", None) if self.start_method == "spawn" else None
        with importing(str(script)) if script else contextlib.nullcontext():
            process.start()  # a spawned worker imports the main script first: it must not start a search there
        child.close()
        return _Worker(process, parent)

    @property
    def n_running(self) -> int:
        return sum(1 for w in self._workers if w.trial is not None)

    def submit(self, trial: FrozenTrial) -> None:
        worker = next(w for w in self._workers if w.trial is None)
        worker.trial, worker.started = trial, None
        with contextlib.suppress(OSError):  # died while idle: its death is reported by the next wait()
            worker.conn.send((trial.trial_id, trial.arch.to_json(), trial.budget))

    def _replace(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        self._workers[self._workers.index(worker)] = self._start()

    def wait(self, timeout_s: float) -> list[Outcome]:
        busy = [w for w in self._workers if w.trial is not None]
        if not busy:
            return []
        if self.trial_timeout_s is not None:
            now = time.monotonic()
            timeout_s = max(0.0, min([timeout_s, *(w.started + self.trial_timeout_s - now for w in busy
                                                    if w.started is not None)]))
        wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout_s)
        outcomes = []
        for worker in busy:
            trial = worker.trial
            assert trial is not None
            done = None
            try:
                while done is None and worker.conn.poll():
                    message = worker.conn.recv()
                    if message[0] == "ready":
                        worker.ready = True
                    elif message[0] == "broken":
                        raise WorkerStartError(message[1] if message[2] else
                                               f"A worker process could not load the evaluator: {message[1]}")
                    elif message[0] == "start":
                        worker.started = time.monotonic()
                    else:
                        done = message
            except (EOFError, OSError):
                pass
            if done is not None:
                worker.trial = None
                outcomes.append(done[2].outcome(trial))
                continue
            if not worker.process.is_alive():
                worker.process.join()
                if not worker.ready and worker.process.exitcode == EXIT_CODE:
                    script = getattr(sys.modules.get("__main__"), "__file__", None) or "the main script"
                    raise WorkerStartError(guard_message(str(script)))
                if not worker.ready and (worker.process.exitcode or 0) > 0:
                    raise WorkerStartError(
                        f"A worker process exited during start-up ({describe_exit(worker.process.exitcode)}), "
                        "before it loaded the evaluator. Worker processes are spawned and import the main script "
                        "again: a script that runs a study with workers must guard its entry point with "
                        "'if __name__ == \"__main__\":' (and cannot be read from standard input); a memory limit "
                        "too small to import torch does the same.")
                outcomes.append(Outcome(trial, lost=True, reason=(
                    f"its worker process died ({describe_exit(worker.process.exitcode)})")))
                self._replace(worker)
            elif (self.trial_timeout_s is not None and worker.started is not None
                  and time.monotonic() - worker.started >= self.trial_timeout_s):
                outcomes.append(Outcome(trial, reason=(
                    f"TrialTimeout: still running after the trial timeout of {self.trial_timeout_s:g} s; stopped")))
                self._replace(worker)
        return outcomes

    def close(self) -> None:
        for worker in self._workers:
            if worker.trial is None and worker.process.is_alive():
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
        deadline = time.monotonic() + 5
        for worker in self._workers:
            if worker.trial is not None:
                worker.process.kill()
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
