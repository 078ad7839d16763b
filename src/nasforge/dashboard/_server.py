"""The live dashboard: a small HTTP server on 127.0.0.1 that reads a storage and serves a page, JSON and plots.

Read-only: it never writes to the storage, so it can watch studies that other processes are running. The page
polls ``/api/...`` every two seconds; a plot is drawn again only when its study has changed.
"""

from __future__ import annotations

import io
import json
import logging
import math
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from nasforge.dashboard._page import PAGE
from nasforge.exceptions import NasforgeError
from nasforge.storages import BaseStorage, get_storage
from nasforge.study import StudyView, read_study
from nasforge.trial import FrozenTrial

logger = logging.getLogger(__name__)
PLOTS = ("best_so_far", "best_so_far_time", "all_trials", "pareto_front", "importance", "learning_curves",
         "architecture")
_MAX_ROWS = 500  # trials listed in the table (the newest)
# Host names a request may carry. A web page on another site can make a browser send requests to 127.0.0.1 by
# pointing its own domain there (DNS rebinding); the browser then sends that domain as Host, so only loopback
# names (and the address the server is bound to) are answered.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _version(trials: list[FrozenTrial]) -> str:
    """A token that changes whenever a trial is added or finishes."""
    finished = sum(t.state.is_finished() for t in trials)
    last = max((t.finished_at for t in trials if t.finished_at is not None), default=None)
    return f"{len(trials)}-{finished}-{last.timestamp() if last else 0:.3f}"


class Dashboard:
    """What the server answers, independent of HTTP: study list, one study's trials, plots as SVG."""

    def __init__(self, storage: str | BaseStorage) -> None:
        # read-only: a missing file is an error here, before the server starts, and nothing is ever written
        self.storage = get_storage(storage, read_only=True)
        self._studies: dict[str, StudyView] = {}
        self._plots: dict[tuple[str, str], tuple[str, bytes | None]] = {}
        self._lock = threading.Lock()
        self._draw_lock = threading.Lock()

    def _study(self, name: str) -> StudyView:
        with self._lock:
            if name not in self._studies:
                self._studies[name] = read_study(name, self.storage)  # the stored spec and trials, no replay
            return self._studies[name]

    def studies(self) -> list[dict[str, Any]]:
        """Every study of the storage: name, creation time, space, strategy, objectives, trial counts (and the
        problem of a study whose spec cannot be read)."""
        def name(entry: Any) -> str | None:
            return str(entry.get("name")) if isinstance(entry, dict) else None

        return [{"name": s.name, "created": s.created_at.isoformat(timespec="seconds"),
                 "space": name(s.spec.get("space")), "strategy": name(s.spec.get("strategy")),
                 "objectives": s.spec.get("objectives"), "trials": s.n_trials, "problem": s.problem}
                for s in self.storage.list_studies()]

    def version(self, name: str) -> str:
        """Changes whenever a trial of the study is added or finishes."""
        return _version(self._study(name).trials)

    def study(self, name: str) -> dict[str, Any]:
        """One study: counts, best trial, version and its newest trials (at most 500), newest first."""
        study = self._study(name)
        trials = study.trials
        objective = study.objectives[0]
        best = study.best_trial
        rows = [{"number": t.number, "state": t.state.value, "value": _finite(t.metrics.get(objective.name, math.nan)),
                 "arch": study.space.describe(t.arch), "seconds": t.duration_s, "budget": t.budget,
                 "reason": t.fail_reason} for t in trials[-_MAX_ROWS:]]
        counts: dict[str, int] = {}
        for t in trials:
            counts[t.state.value] = counts.get(t.state.value, 0) + 1
        return {"name": name, "objective": str(objective), "objectives": [str(o) for o in study.objectives],
                "version": _version(trials), "n_trials": len(trials), "counts": counts,
                "best": None if best is None else {"number": best.number, "arch": study.space.describe(best.arch),
                                                   "metrics": {k: _finite(v) for k, v in best.metrics.items()}},
                "trials": rows[::-1], "plots": list(PLOTS)}

    def plot(self, name: str, kind: str) -> bytes | None:
        """The SVG of plot ``kind`` for study ``name`` (None when the plot does not apply yet)."""
        from nasforge import report
        from nasforge.report._html import literal_text

        study = self._study(name)
        version = self.version(name)
        cached = self._plots.get((name, kind))
        if cached is not None and cached[0] == version:
            return cached[1]
        svg = None
        # one figure at a time: matplotlib (and the rc settings literal_text changes) is not thread-safe
        with self._draw_lock, literal_text():  # names drawn as plain text, never as mathtext
            if kind == "architecture":
                best = study.best_trial
                fig = None if best is None else report.architecture(study.space, best.arch,
                                                                    f"best: trial {best.number}")
            elif kind == "best_so_far_time":
                fig = report.best_so_far(study, "time")
            else:
                fig = getattr(report, kind)(study)
            if fig is not None:
                buffer = io.BytesIO()
                fig.savefig(buffer, format="svg")
                svg = buffer.getvalue()
        self._plots[(name, kind)] = (version, svg)
        return svg


def host_allowed(header: str | None, allowed: frozenset[str] = LOOPBACK_HOSTS) -> bool:
    """Whether a request's ``Host`` header names one of ``allowed`` (with or without a port)."""
    match = re.fullmatch(r"(\[[^\]]*\]|[^:\[\]]*)(?::\d{1,5})?", (header or "").strip().lower())
    return match is not None and match.group(1) in allowed


class _Handler(BaseHTTPRequestHandler):
    dashboard: Dashboard  # set on the subclass made by serve()
    allowed_hosts: frozenset[str] = LOOPBACK_HOSTS

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug(format, *args)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, payload: Any, status: int = HTTPStatus.OK) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json")

    def do_GET(self) -> None:
        if not host_allowed(self.headers.get("Host"), self.allowed_hosts):
            self._json({"error": "this dashboard answers only requests addressed to 127.0.0.1 or localhost"},
                       HTTPStatus.MISDIRECTED_REQUEST)
            return
        parts = [unquote(p) for p in urlsplit(self.path).path.split("/") if p]
        try:
            if not parts:
                self._send(HTTPStatus.OK, PAGE.encode(), "text/html; charset=utf-8")
            elif parts == ["api", "studies"]:
                self._json(self.dashboard.studies())
            elif len(parts) == 3 and parts[:2] == ["api", "studies"]:
                self._json(self.dashboard.study(parts[2]))
            elif len(parts) == 5 and parts[:2] == ["api", "studies"] and parts[3] == "plots" \
                    and parts[4].removesuffix(".svg") in PLOTS:
                svg = self.dashboard.plot(parts[2], parts[4].removesuffix(".svg"))
                if svg is None:
                    self._send(HTTPStatus.NO_CONTENT, b"", "image/svg+xml")
                else:
                    self._send(HTTPStatus.OK, svg, "image/svg+xml")
            else:
                self._json({"error": f"no such page: {self.path}"}, HTTPStatus.NOT_FOUND)
        except NasforgeError as exc:
            self._json({"error": str(exc)}, HTTPStatus.NOT_FOUND)
        except Exception as exc:  # one bad request must not stop the server
            logger.exception("dashboard request %s failed", self.path)
            self._json({"error": f"{type(exc).__name__}: {exc}"}, HTTPStatus.INTERNAL_SERVER_ERROR)


def serve(storage: str | BaseStorage, *, port: int = 8050, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A dashboard server for ``storage`` bound to ``host:port`` (port 0: any free port); call
    ``serve_forever()`` on it (or run it in a thread) and ``shutdown()`` to stop."""
    bound = f"[{host}]" if ":" in host else host
    allowed = LOOPBACK_HOSTS | ({bound.lower()} if host not in ("0.0.0.0", "::", "") else set())
    handler = type("DashboardHandler", (_Handler,), {"dashboard": Dashboard(storage), "allowed_hosts": allowed})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
