"""DNS rebinding: the dashboard answers only requests whose Host header is a loopback name (raw HTTP requests)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from nasforge import create_study
from nasforge.dashboard import serve
from nasforge.dashboard._server import host_allowed
from nasforge.storages import get_storage
from tests.conftest import toy_space

NAME = "secret-study"


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    url = f"sqlite:///{tmp_path_factory.mktemp('host') / 'd.db'}"
    create_study(space=toy_space(), storage=url, name=NAME, objectives="score:max", strategy="random")
    server = serve(url, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def _raw(port: int, path: str, host: str | None) -> tuple[int, bytes]:
    """Send one HTTP/1.0 request with exactly this Host header (or none); the status and the body."""
    lines = [f"GET {path} HTTP/1.0"] + ([f"Host: {host}"] if host is not None else [])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:{port}", "localhost", "localhost:{port}", "LocalHost",
                                  "[::1]", "[::1]:{port}"])
def test_loopback_names_are_answered(port: int, host: str) -> None:
    status, body = _raw(port, "/api/studies", host.format(port=port))
    assert status == 200 and NAME.encode() in body


@pytest.mark.parametrize("host", [None, "", "evil.example", "evil.example:{port}", "127.0.0.1.evil.example",
                                  "localhost.evil.example:{port}", "localhost.", "evil.example:{port}@localhost",
                                  "127.0.0.1:abc", "127.0.0.1:", "[::1].evil.example", "0.0.0.0:{port}",
                                  "192.168.1.10:{port}", "[::ffff:127.0.0.1]"])
@pytest.mark.parametrize("path", ["/", "/api/studies", f"/api/studies/{NAME}",
                                  f"/api/studies/{NAME}/plots/all_trials.svg"])
def test_other_hosts_get_421_and_no_data(port: int, host: str | None, path: str) -> None:
    status, body = _raw(port, path, None if host is None else host.format(port=port))
    assert status == 421
    assert NAME.encode() not in body and b"<html" not in body.lower() and b"<svg" not in body


def test_host_allowed_parses_ports_and_brackets() -> None:
    assert host_allowed("localhost:8050") and host_allowed(" [::1]:1 ") and host_allowed("127.0.0.1")
    assert not host_allowed(None) and not host_allowed("localhost:123456") and not host_allowed("[::1")
    assert host_allowed("10.0.0.5:80", frozenset({"10.0.0.5"})) and not host_allowed("10.0.0.5:80")


def test_a_server_bound_to_another_address_also_answers_that_address(tmp_path: Path) -> None:
    get_storage(f"sqlite:///{tmp_path / 'd.db'}").close()  # the dashboard only reads: the storage must exist
    server = serve(f"sqlite:///{tmp_path / 'd.db'}", port=0, host="127.0.0.2")
    try:
        allowed = server.RequestHandlerClass.allowed_hosts  # type: ignore[attr-defined]
        assert allowed == frozenset({"127.0.0.1", "localhost", "[::1]", "127.0.0.2"})
    finally:
        server.server_close()
