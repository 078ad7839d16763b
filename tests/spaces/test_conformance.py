"""Every registered space passes the same checks (spaces that need arguments get them from EXAMPLES)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from nasforge.spaces import Architecture, SearchSpace, create_space, list_spaces
from tests.conftest import TABLE_CSV

EXAMPLES: dict[str, Callable[[Path], dict[str, object]]] = {
    "table": lambda tmp: {"table": str(_write(tmp)), "arch_columns": ["depth", "width", "act"]},
    # a declared space with every kind of decision, a condition and a Repeat
    "declared": lambda tmp: {"decisions": {
        "depth": {"int": [1, 6]}, "act": ["relu", "gelu"], "lr": {"float": [1e-4, 0.1], "log": True},
        "dropout": {"choice": [0.0, 0.1], "when": {"depth": [4, 5, 6]}},
        "layers": {"repeat": {"int": [1, 3]}, "block": {"width": {"int": [8, 64], "step": 8}}}}},
}


def _write(tmp: Path) -> Path:
    path = tmp / "archs.csv"
    path.write_text(TABLE_CSV)
    return path


@pytest.fixture(params=list_spaces())
def space(request: pytest.FixtureRequest, tmp_path: Path) -> SearchSpace:
    params = EXAMPLES.get(request.param, lambda _: {})(tmp_path)
    return create_space(request.param, **params)


def test_sample_is_member_and_seeded(space: SearchSpace) -> None:
    a = [space.sample(np.random.default_rng(3)) for _ in range(1)]
    b = [space.sample(np.random.default_rng(3)) for _ in range(1)]
    assert a == b
    rng = np.random.default_rng(0)
    for _ in range(50):
        space.validate(space.sample(rng))


def test_mutate_and_neighbors(space: SearchSpace) -> None:
    rng = np.random.default_rng(1)
    for _ in range(20):
        arch = space.sample(rng)
        neighbors = space.neighbors(arch)
        assert neighbors, "every architecture of these spaces has a neighbour"
        assert arch not in neighbors
        assert len(set(neighbors)) == len(neighbors)
        for n in neighbors:
            space.validate(n)
        child = space.mutate(arch, rng)
        assert child != arch
        if space.size is not None:  # a step along a continuous decision is not one of its few listed neighbours
            assert child in neighbors


def test_crossover_takes_each_decision_from_a_parent(space: SearchSpace) -> None:
    rng = np.random.default_rng(2)
    for _ in range(20):
        a, b = space.sample(rng), space.sample(rng)
        child = space.crossover(a, b, rng)
        space.validate(child)
        for name in child:  # a decision that neither parent has active (a declared condition) is drawn afresh
            options = [p[name] for p in (a, b) if name in p]
            assert not options or child[name] in options


def test_encodings_have_fixed_length(space: SearchSpace) -> None:
    rng = np.random.default_rng(4)
    for kind in space.encodings():
        lengths = {space.encode(space.sample(rng), kind).shape for _ in range(20)}
        assert len(lengths) == 1


def test_json_round_trip_and_key(space: SearchSpace) -> None:
    arch = space.sample(np.random.default_rng(5))
    again = Architecture.from_json(arch.to_json())
    assert again == arch and space.key(again) == space.key(arch)


def test_params_rebuild_the_space(space: SearchSpace) -> None:
    clone = create_space(type(space).registry_name, **space.get_params())
    rng_a, rng_b = np.random.default_rng(6), np.random.default_rng(6)
    assert [clone.sample(rng_a) for _ in range(10)] == [space.sample(rng_b) for _ in range(10)]


def test_enumerate_matches_size(space: SearchSpace) -> None:
    if space.size is None or space.size > 100_000:
        pytest.skip("infinite or too large to enumerate in a test")
    archs = list(space.enumerate())
    assert len(archs) == space.size == len(set(archs))


def test_validate_rejects_foreign_architectures(space: SearchSpace) -> None:
    from nasforge.exceptions import ValidationError

    with pytest.raises(ValidationError):
        space.validate(Architecture.of("elsewhere", {"x": 1}))
