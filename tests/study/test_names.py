"""Study names: one normal form (NFC, stripped), no control characters, no two names that look the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from nasforge.exceptions import DuplicatedStudyError, StudyNotFoundError, ValidationError
from nasforge.storages import InMemoryStorage, get_storage
from nasforge.study import create_study, load_study
from nasforge.study._names import check_new_name, normalize_name, resolve_name
from tests.conftest import toy_space

NFC = "caf\u00e9"
NFD = "cafe\u0301"


def _create(storage: object, name: object) -> object:
    return create_study(space=toy_space(), storage=storage, name=name, objectives="score:max",  # type: ignore[arg-type]
                        strategy="random")


def test_names_are_stored_in_normal_form(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    study = _create(url, f"  {NFD}\t")
    assert study.name == NFC  # type: ignore[attr-defined]
    assert [s.name for s in get_storage(url).list_studies()] == [NFC]
    for spelling in (NFD, NFC, f"{NFC} ", f" {NFD}"):
        assert load_study(name=spelling, storage=url).name == NFC
    assert normalize_name(" s0 ") == "s0"


@pytest.mark.parametrize("lookalike", ["s0 ", " s0", "s0\u3000"])
def test_a_name_that_differs_only_by_white_space_is_refused(lookalike: str) -> None:
    storage = InMemoryStorage()
    _create(storage, "s0")
    with pytest.raises(DuplicatedStudyError, match="already exists|too close"):
        _create(storage, lookalike)
    assert [s.name for s in storage.list_studies()] == ["s0"]


def test_a_stored_name_from_before_normalisation_is_found_and_guarded() -> None:
    storage = InMemoryStorage()
    storage.create_study(f"{NFD} ", {})  # as older versions stored it
    with pytest.raises(DuplicatedStudyError) as info:
        _create(storage, NFC)
    message = str(info.value)
    # one line naming both, escaped so that the difference can be seen
    assert "\n" not in message and r"'caf\xe9'" in message and r"'cafe\u0301 '" in message
    assert resolve_name(storage, NFC) == f"{NFD} "
    assert resolve_name(storage, f"{NFD} ") == f"{NFD} "
    with pytest.raises(StudyNotFoundError):
        resolve_name(storage, "other")
    with pytest.raises(DuplicatedStudyError):
        check_new_name(storage, f" {NFC}")
    assert check_new_name(storage, "other ") == "other"


@pytest.mark.parametrize("name", ["a\nb", "a\rb", "a\x1b[31mb", "a\x00", "x\u202eexe.txt", "zero\u200bwidth",
                                  "line\u2028sep", "", "   ", "\t", "x" * 201, 42])
def test_bad_names_are_refused_in_one_line(name: object) -> None:
    storage = InMemoryStorage()
    with pytest.raises(ValidationError, match="'name' parameter of create_study") as info:
        _create(storage, name)
    assert "\n" not in str(info.value) and len(str(info.value)) < 300
    assert storage.list_studies() == []


def test_joiners_and_other_scripts_are_names() -> None:
    storage = InMemoryStorage()
    for name in ("\u0915\u094d\u200d\u0937", "研究 一", "x[/]", "[bold red]a[/bold red]", "👩\u200d🔬"):
        assert _create(storage, name).name == name  # type: ignore[attr-defined]
