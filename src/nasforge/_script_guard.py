"""Catching a user script that runs a search when another process imports it.

Worker processes (spawned, or Ray's) import the user's script to find its objective function. A script whose
search is not under ``if __name__ == "__main__":`` would then start a search of its own in every worker, which
starts workers, which import the script again. While a worker imports a script, the variable ``WORKER_IMPORT`` names
it; creating or running a study then raises :class:`UnguardedScript` instead (a ``SystemExit``, so that a user's
``except Exception:`` cannot swallow it, and a spawned worker ends quietly with exit code ``EXIT_CODE``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

WORKER_IMPORT = "NASFORGE_WORKER_IMPORT"
EXIT_CODE = 3  # a spawned worker that ended this way: the driver says why in one line


class UnguardedScript(SystemExit):
    """A script imported by a worker started a search (its entry point lacks the ``__main__`` guard)."""

    def __init__(self, script: str) -> None:
        super().__init__(EXIT_CODE)
        self.script = script


def guard_message(script: str) -> str:
    """The one line that says what to change."""
    return (f"The script {script!r} runs a search when it is imported, and worker processes import it to find "
            "its objective function: put the search under 'if __name__ == \"__main__\":'.")


def refuse_while_imported() -> None:
    """Raise :class:`UnguardedScript` when called while a worker imports a script (a study is being created or
    run at the script's top level)."""
    script = os.environ.get(WORKER_IMPORT)
    if script:
        raise UnguardedScript(script)


@contextmanager
def importing(script: str) -> Iterator[None]:
    """Mark this process (and the processes it starts meanwhile) as importing ``script`` for a worker."""
    before = os.environ.get(WORKER_IMPORT)
    os.environ[WORKER_IMPORT] = script
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(WORKER_IMPORT, None)
        else:
            os.environ[WORKER_IMPORT] = before
