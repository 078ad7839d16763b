"""Who runs a trial, and whether it still does: owners, heartbeats and stale RUNNING trials.

Every trial records its owner (``host:pid:token``). A process keeps the trials it runs alive with a heartbeat.
A RUNNING trial is stale when its owner is a process on this host that no longer exists (seen at once, for
example after a SIGKILL) or when its heartbeat is older than ``stale_after_s`` (an owner on another machine).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from nasforge.trial import FrozenTrial, TrialState

HEARTBEAT_S = 10.0  # how often a running process renews its trials' heartbeats
STALE_AFTER_S = 60.0  # a heartbeat older than this marks a trial of another machine as stale


def process_owner() -> str:
    """A name for this process, unique across machines and restarts: ``host:pid:token``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def process_seed(seed: int | None, owner: str) -> int:
    """A strategy seed for one of several processes sharing a study: the study's seed mixed with the process."""
    digest = hashlib.sha256(f"{seed}:{owner}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 2**31


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    try:  # a zombie (killed, not yet reaped by its parent) runs no more
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rfind(")") + 2:][:1] != "Z"


def owner_is_dead(owner: str | None) -> bool:
    """True when ``owner`` is a process of this host that has ended, or was never recorded."""
    if not owner:
        return True  # written before owners were recorded: no live process can hold it
    parts = owner.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    return not _pid_alive(int(parts[1]))


def is_stale(trial: FrozenTrial, me: str, stale_after_s: float, now: datetime | None = None) -> bool:
    """True for a RUNNING trial of another process that has died or stopped beating."""
    if trial.state is not TrialState.RUNNING or trial.owner == me:
        return False
    if owner_is_dead(trial.owner):
        return True
    last = trial.heartbeat_at or trial.started_at
    if last is None:
        return True
    return ((now or datetime.now(UTC)) - last).total_seconds() > stale_after_s


class Heartbeat:
    """A daemon thread that renews the heartbeats of the trials ``running()`` names, every ``period_s``."""

    def __init__(self, beat: Callable[[list[int]], None], running: Callable[[], Iterable[int]],
                 period_s: float = HEARTBEAT_S) -> None:
        self._beat = beat
        self._running = running
        self._period_s = period_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="nasforge-heartbeat", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self._period_s):
            ids = list(self._running())
            if ids:  # a missed beat is retried next period; a storage that stays down shows in the main thread
                with contextlib.suppress(Exception):
                    self._beat(ids)

    def stop(self, wait_s: float = 5.0) -> None:
        """End the thread; wait up to ``wait_s`` for it (a beat in progress finishes first)."""
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(wait_s)

    @property
    def alive(self) -> bool:
        """True until the thread has ended."""
        return self._thread.is_alive()
