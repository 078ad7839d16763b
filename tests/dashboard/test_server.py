"""The dashboard's HTTP API without a browser: JSON, SVG plots, errors, and that it never writes."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from nasforge import create_study
from nasforge.dashboard import serve
from nasforge.evaluators import NB201Evaluator
from nasforge.strategies import create_strategy
from nasforge.study import Budget


@pytest.fixture()
def served(tmp_path: Path, nb201_path: str) -> Iterator[tuple[str, Path]]:
    db = tmp_path / "d.db"
    study = create_study(evaluator=NB201Evaluator(nb201_path=nb201_path), strategy=create_strategy("random", seed=0),
                         storage=f"sqlite:///{db}", name="s/1 ä", budget=Budget(n_trials=15))
    study.optimize()
    server = serve(f"sqlite:///{db}", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", db
    finally:
        server.shutdown()
        server.server_close()


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_api_answers_json_and_svg(served: tuple[str, Path]) -> None:
    base, db = served
    before = db.read_bytes()
    status, kind, body = _get(base + "/")
    assert status == 200 and kind.startswith("text/html") and b"nasforge dashboard" in body
    status, _, body = _get(base + "/api/studies")
    assert status == 200 and [s["name"] for s in json.loads(body)] == ["s/1 ä"]
    quoted = urllib.request.quote("s/1 ä", safe="")
    status, _, body = _get(f"{base}/api/studies/{quoted}")
    detail = json.loads(body)
    assert status == 200 and detail["n_trials"] == 15 and len(detail["trials"]) == 15
    assert detail["trials"][0]["number"] == 14  # newest first
    status, kind, body = _get(f"{base}/api/studies/{quoted}/plots/best_so_far.svg")
    assert status == 200 and kind == "image/svg+xml" and body.lstrip().startswith(b"<?xml")
    status, _, body = _get(f"{base}/api/studies/{quoted}/plots/learning_curves.svg")
    assert status == 204 and body == b""  # a table has no per-epoch reports
    assert db.read_bytes() == before  # read-only


def test_api_errors(served: tuple[str, Path]) -> None:
    base, _ = served
    status, kind, body = _get(base + "/api/studies/nope")
    assert status == 404 and kind == "application/json" and "No study named 'nope'" in json.loads(body)["error"]
    assert _get(base + "/api/studies/nope/plots/secret.svg")[0] == 404
    assert _get(base + "/../../etc/passwd")[0] == 404
