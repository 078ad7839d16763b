"""A live dashboard of a storage's studies: ``nasforge dashboard --storage URL`` serves it on 127.0.0.1."""

from __future__ import annotations

from nasforge.dashboard._server import PLOTS, Dashboard, serve

__all__ = ["PLOTS", "Dashboard", "serve"]
