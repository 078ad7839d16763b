"""A missing NAS-Bench-201 table skips its tests for a developer and fails them in CI (as PostgreSQL's do)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import conftest


@pytest.mark.parametrize(("env", "outcome"), [({}, pytest.skip.Exception),
                                              ({"CI": "false"}, pytest.skip.Exception),
                                              ({"NASFORGE_REQUIRE_NB201": "0"}, pytest.skip.Exception),
                                              ({"CI": "true"}, pytest.fail.Exception),
                                              ({"NASFORGE_REQUIRE_NB201": "1"}, pytest.fail.Exception)])
def test_missing_table_skips_for_a_developer_and_fails_in_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             env: dict[str, str], outcome: type[BaseException]) -> None:
    monkeypatch.setattr(conftest, "SHARED_NB201", tmp_path / "nowhere")
    for name in ("NASFORGE_NB201", "CI", "NASFORGE_REQUIRE_NB201"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(outcome, match="NAS-Bench-201 table not found"):
        conftest.find_nb201()


def test_a_present_table_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "nb201_tss.csv.gz").write_bytes(b"")
    monkeypatch.setenv("NASFORGE_NB201", str(tmp_path))
    monkeypatch.setenv("CI", "true")
    assert conftest.find_nb201() == str(tmp_path)
