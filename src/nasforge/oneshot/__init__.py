"""One-shot search: weight-sharing supernets trained once, architectures derived from them (DARTS, GDAS, ENAS,
single-path one-shot)."""

from __future__ import annotations

from nasforge.oneshot._base import (
    OneShotMethod,
    OneShotResult,
    SearchData,
    create_oneshot,
    list_oneshot,
    register_oneshot,
)
from nasforge.oneshot._darts import DARTS
from nasforge.oneshot._enas import ENAS, Controller
from nasforge.oneshot._gdas import GDAS
from nasforge.oneshot._record import record
from nasforge.oneshot._spos import SinglePathOneShot

__all__ = [
    "DARTS",
    "ENAS",
    "GDAS",
    "Controller",
    "OneShotMethod",
    "OneShotResult",
    "SearchData",
    "SinglePathOneShot",
    "create_oneshot",
    "list_oneshot",
    "record",
    "register_oneshot",
]
