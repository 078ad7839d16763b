"""The ``nasforge`` command line (``nasforge --help``); one module per command or group of commands."""

from __future__ import annotations

from nasforge.cli._app import app, main

__all__ = ["app", "main"]
