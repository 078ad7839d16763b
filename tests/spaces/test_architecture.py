from __future__ import annotations

import dataclasses

import pytest

from nasforge.exceptions import ValidationError
from nasforge.spaces import Architecture


def test_json_round_trip_keeps_order_and_types() -> None:
    arch = Architecture.of("toy", {"width": 32, "act": "relu", "rate": 0.5, "bn": True})
    again = Architecture.from_json(arch.to_json())
    assert again == arch
    assert again.decisions == (("width", 32), ("act", "relu"), ("rate", 0.5), ("bn", True))


def test_hashable_and_immutable() -> None:
    a = Architecture.of("toy", {"x": 1})
    b = Architecture.of("toy", {"x": 1})
    assert {a, b} == {a}
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.space = "other"  # type: ignore[misc]


def test_item_access() -> None:
    arch = Architecture.of("toy", {"x": 1, "y": "b"})
    assert arch["y"] == "b"
    assert list(arch) == ["x", "y"]
    with pytest.raises(KeyError):
        arch["z"]


@pytest.mark.parametrize("text", ["not json", "[]", '{"space": 1, "decisions": {}}', '{"space": "s"}',
                                  '{"space": "s", "decisions": {"x": [1, 2]}}'])
def test_bad_json_is_rejected_clearly(text: str) -> None:
    with pytest.raises(ValidationError, match="architecture|Architecture"):
        Architecture.from_json(text)


def test_dict_of_an_architecture_gives_its_decisions() -> None:
    arch = Architecture.of("toy", {"width": 32, "act": "relu"})
    assert dict(arch) == {"width": 32, "act": "relu"} and "act" in arch and "depth" not in arch
