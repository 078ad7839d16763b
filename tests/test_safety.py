"""Safety rules, checked on the source: nothing is unpickled, tensors load weights-only, SQL is built by
SQLAlchemy (no user value is ever formatted into SQL text); the dashboard listens on loopback only and inserts
no HTML. A local Ray's loopback-only sockets are checked for real in tests/executors/test_ray.py."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "nasforge"
SOURCES = {p.relative_to(SRC).as_posix(): p.read_text() for p in SRC.rglob("*.py")}


def _calls(pattern: str) -> list[tuple[str, str]]:
    return [(name, line.strip()) for name, text in SOURCES.items() for line in text.splitlines()
            if re.search(pattern, line) and not line.strip().startswith("#")]


def test_tensors_load_weights_only_and_arrays_without_pickle() -> None:
    torch_loads = _calls(r"torch\.load\(")
    assert torch_loads and all("weights_only=True" in line for _, line in torch_loads), torch_loads
    assert all("allow_pickle=False" in line for _, line in _calls(r"np\.load\("))


def test_nothing_is_unpickled() -> None:
    assert not _calls(r"pickle\.loads?\(")  # workers get their evaluator as JSON (class and parameters)


def test_sql_text_carries_no_formatted_values() -> None:
    formatted = _calls(r"(sa\.text|exec_driver_sql|execute)\(f[\"']")
    # schema upgrades format only names from the schema module's own constants
    assert all(name == "storages/_sql.py" and ("ALTER TABLE" in line or "PRAGMA busy_timeout" in line)
               for name, line in formatted), formatted


def test_the_dashboard_listens_on_loopback_only_and_inserts_no_html(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from nasforge.cli import app
    from nasforge.dashboard import serve
    from nasforge.dashboard._page import PAGE
    from nasforge.storages import get_storage

    get_storage(f"sqlite:///{tmp_path / 'd.db'}").close()  # the dashboard only reads an existing storage
    server = serve(f"sqlite:///{tmp_path / 'd.db'}", port=0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()
    result = CliRunner().invoke(app, ["dashboard", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "No such option: --host" in result.stderr
    assert "innerHTML" not in PAGE and "insertAdjacentHTML" not in PAGE and "document.write" not in PAGE
