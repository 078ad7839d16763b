"""Spaces declared as data: JSON round trip, conditions, repeats, seeded moves that yield members."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import nasforge
from nasforge import Choice, Float, Int, Repeat, Space, create_space, load_space_file
from nasforge.exceptions import SearchSpaceExhausted, ValidationError
from nasforge.spaces import Architecture


def issue_space() -> Space:
    """The example of the issue, with a Repeat."""
    return Space({
        "depth": Int(1, 6),
        "width": [16, 32, 64, 128],
        "act": ["relu", "gelu", "silu"],
        "lr": Float(1e-4, 1e-1, log=True),
        "dropout": Choice([0.0, 0.1, 0.3], when={"depth": [4, 5, 6]}),
        "layers": Repeat(Int(1, 3), {"units": Int(8, 256, step=8), "kind": ["dense", "conv"],
                                     "kernel": Choice([3, 5], when={"kind": ["conv"]})}),
    })


def finite_space() -> Space:
    return Space({"opt": ["sgd", "adam"], "momentum": Choice([0.0, 0.9], when={"opt": ["sgd"]}),
                  "blocks": Repeat([0, 1, 2], {"w": [1, 2], "k": Choice([3, 5], when={"w": [2]})})})


SPACES = {"issue": issue_space, "finite": finite_space,
          "numbers": lambda: Space({"a": Float(-1.0, 1.0), "n": Int(1, 1000, log=True), "m": Int(0, 100, step=5)})}


@pytest.fixture(params=sorted(SPACES))
def space(request: pytest.FixtureRequest) -> Space:
    return SPACES[request.param]()


def test_round_trip_through_json_rebuilds_an_equal_space(space: Space) -> None:
    text = json.dumps(space.get_params())
    clone = create_space("declared", **json.loads(text))
    assert isinstance(clone, Space) and clone.to_dict() == space.to_dict() and clone == space
    assert hash(clone) == hash(space) and clone != Space({"other": [1, 2]})
    assert Space.from_dict(space.to_dict()).to_dict() == space.to_dict()
    rng_a, rng_b = np.random.default_rng(3), np.random.default_rng(3)
    assert [clone.sample(rng_a) for _ in range(20)] == [space.sample(rng_b) for _ in range(20)]


def test_every_move_yields_members_and_is_seeded(space: Space) -> None:
    rng = np.random.default_rng(0)
    for _ in range(60):
        a, b = space.sample(rng), space.sample(rng)
        space.validate(a)
        assert Architecture.from_json(a.to_json()) == a
        neighbors = space.neighbors(a)
        assert neighbors and a not in neighbors and len(set(neighbors)) == len(neighbors)
        assert neighbors == space.neighbors(a)  # a fixed list
        for n in neighbors:
            space.validate(n)
        child = space.mutate(a, rng)
        space.validate(child)
        assert child != a
        changed = [k for k in a if k in child and a[k] != child[k]]
        assert len(changed) == 1, (a, child)  # one elementary change (plus what its conditions switch on or off)
        mixed = space.crossover(a, b, rng)
        space.validate(mixed)
        for name in mixed:
            options = [p[name] for p in (a, b) if name in p]
            assert not options or mixed[name] in options
    moves = [space.mutate(space.sample(np.random.default_rng(9)), np.random.default_rng(9)) for _ in range(2)]
    assert moves[0] == moves[1]


def test_encodings_have_a_fixed_length_and_stay_in_the_unit_box(space: Space) -> None:
    rng = np.random.default_rng(4)
    codes = [space.encode(space.sample(rng)) for _ in range(40)]
    assert len({c.shape for c in codes}) == 1
    assert all(((c >= 0) & (c <= 1)).all() for c in codes)
    with pytest.raises(ValidationError, match="'kind' parameter"):
        space.encode(space.sample(rng), "path")


def test_conditions_make_decisions_absent_and_keys_canonical() -> None:
    space = issue_space()
    rng = np.random.default_rng(1)
    for _ in range(100):
        arch = space.sample(rng)
        assert ("dropout" in arch) == (arch["depth"] >= 4)
        layers = arch["layers"]
        assert isinstance(layers, int)
        for b in range(3):
            assert (f"layers.{b}.units" in arch) == (b < layers)
            if b < layers:
                assert (f"layers.{b}.kernel" in arch) == (arch[f"layers.{b}.kind"] == "conv")
    shallow = space.from_values({"depth": 2, "width": 16, "act": "relu", "lr": 0.01, "dropout": 0.3, "layers": 1,
                                 "layers.0.units": 8, "layers.0.kind": "dense", "layers.1.units": 64})
    same = space.from_values({"depth": 2, "width": 16, "act": "relu", "lr": 0.01, "layers": 1,
                              "layers.0.units": 8, "layers.0.kind": "dense"})
    assert shallow == same and space.key(shallow) == space.key(same)
    assert "dropout" not in shallow and "layers.1.units" not in shallow
    with pytest.raises(ValidationError, match="inactive decision"):
        space.validate(Architecture.of("declared", {**dict(same.decisions), "dropout": 0.1}))
    with pytest.raises(ValidationError, match="lacks the active"):
        space.validate(Architecture.of("declared", {k: v for k, v in same.decisions if k != "lr"}))
    with pytest.raises(ValidationError, match="'width' must be one of"):
        space.validate(Architecture.of("declared", {**dict(same.decisions), "width": 17}))


def test_growing_a_repeat_copies_the_previous_block() -> None:
    space = Space({"n": Repeat(Int(1, 3), {"w": Int(1, 100)})})
    arch = space.from_values({"n": 1, "n.0.w": 37})
    deeper = [a for a in space.neighbors(arch) if a["n"] == 2]
    assert deeper == [Architecture.of("declared", {"n": 2, "n.0.w": 37, "n.1.w": 37})]


def test_finite_spaces_count_and_enumerate_their_members() -> None:
    space = finite_space()
    members = list(space.enumerate())
    # opt: sgd (2 momenta) or adam = 3; blocks: each block w=1 or w=2 with 2 kernels = 3 -> 1 + 3 + 9 = 13
    assert space.size == 39 == len(members) == len(set(members))
    for arch in members:
        space.validate(arch)
    assert space.is_categorical() and not issue_space().is_categorical()
    assert issue_space().size is None
    assert Space({"a": Int(1, 10**6), "b": Int(1, 10**6)}).size == 10**12


def test_numeric_moves_are_local_and_respect_scale_and_step() -> None:
    space = Space({"lr": Float(1e-5, 1.0, log=True), "units": Int(8, 512, step=8)})
    rng = np.random.default_rng(2)
    draws = [space.sample(rng) for _ in range(2000)]
    logs = np.array([math.log10(float(a["lr"])) for a in draws])
    assert abs(float(np.mean(logs < -2.5)) - 0.5) < 0.05  # log-uniform: half the draws below 10^-2.5
    assert all(int(a["units"]) % 8 == 0 for a in draws)
    arch = space.from_values({"lr": 1e-3, "units": 256})
    steps = [space.mutate(arch, rng) for _ in range(300)]
    lr_moves = [abs(math.log10(float(s["lr"])) + 3) for s in steps if s["lr"] != 1e-3]
    assert float(np.median(lr_moves)) < 1.0  # mostly within a decade: a local step, not a uniform redraw
    neighbor_lrs = sorted(float(n["lr"]) for n in space.neighbors(arch) if n["units"] == 256)
    assert len(neighbor_lrs) == 6 and neighbor_lrs[2] == pytest.approx(1e-3 * 10 ** -0.1)
    assert {int(n["units"]) for n in space.neighbors(arch) if n["lr"] == 1e-3} >= {240, 248, 264, 272}


def test_a_decision_with_one_value_is_never_mutated() -> None:
    space = Space({"fixed": ["only"], "n": Int(1, 2)})
    arch = space.sample(np.random.default_rng(0))
    assert space.mutate(arch, np.random.default_rng(0))["fixed"] == "only"
    with pytest.raises(SearchSpaceExhausted):
        Space({"fixed": ["only"]}).mutate(Architecture.of("declared", {"fixed": "only"}), np.random.default_rng(0))


YAML = """\
depth: {int: [1, 6]}
lr: {float: [1e-4, 0.1], log: true}
act: [relu, gelu]
dropout: {choice: [0.0, 0.1], when: {depth: [4, 5, 6]}}
layers: {repeat: {int: [1, 4]}, block: {width: [16, 32], act: [relu, gelu]}}
"""


def test_space_files_in_yaml_and_json(tmp_path: Path) -> None:
    path = tmp_path / "space.yaml"
    path.write_text(YAML)
    space = load_space_file(path)
    assert space.to_dict()["lr"] == {"float": [1e-4, 0.1], "log": True}
    assert space.to_dict()["layers"]["block"]["width"] == [16, 32]
    assert "layers.3.act" in space.names()
    again = tmp_path / "space.json"
    again.write_text(json.dumps(space.to_dict()))
    assert load_space_file(again).to_dict() == space.to_dict()


@pytest.mark.parametrize(("text", "message"), [
    ("depth: {int: [6, 1]}", "Decision 'depth' of Space: The 'low' parameter of Int must be less than 'high'"),
    ("lr: {float: [0, 1], log: true}", "'low' parameter of Float must be > 0 with log=True"),
    ("n: {int: [0, 10], step: 3}", "'step' parameter of Int"),
    ("act: []", "non-empty list of distinct"),
    ("act: [relu, relu]", "non-empty list of distinct"),
    ("a: [1, 2]\nb: {choice: [x], when: {c: [1]}}", "names 'c', which is not another decision"),
    ("a: [1, 2]\nb: {choice: [x], when: {a: [3]}}", "gives 'a' the value 3; 'a' must be one of [1, 2]"),
    ("a: {choice: [1], when: {b: [1]}}\nb: {choice: [1], when: {a: [1]}}", "form a cycle (a -> b -> a)"),
    ("a: {int: [1, 3], size: 2}", "takes only the keys int, step, log, when"),
    ("a: 3", "must be Int(...), Float(...), Choice(...), Repeat(...)"),
    ("a: {repeat: {int: [1, 100]}, block: {w: [1]}}", "must take ints in [0, 64]"),
    ("a.b: [1, 2]", "without '.'"),
    ("- 1", "must hold a mapping"),
    ("a: [1, 2", "not valid YAML"),
])
def test_bad_declarations_are_refused_in_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "space.yaml"
    path.write_text(text)
    with pytest.raises(ValidationError) as info:
        load_space_file(path)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_bad_python_declarations_and_bad_files() -> None:
    for make, message in [(lambda: Int(1, 5, log=True, step=2), "log=True needs"),
                          (lambda: Float(1.0, float("inf")), "'high' parameter of Float"),
                          (lambda: Choice([1, 1.0]), "non-empty list"),
                          (lambda: Repeat(Float(1.0, 2.0), {"w": [1]}), "'count' parameter of Repeat"),
                          (lambda: Space({}), "'decisions' parameter of Space"),
                          (lambda: load_space_file("/no/such/space.yaml"), "cannot be read")]:
        with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
            make()
    assert Choice([True, 2]).contains(True) and not Choice([True, 2]).contains(1)


def test_exported_from_the_package() -> None:
    for name in ("Space", "Int", "Float", "Choice", "Repeat", "load_space_file"):
        assert name in nasforge.__all__ and hasattr(nasforge, name)


def test_a_hostile_space_file_is_refused_before_it_is_built(tmp_path: Path) -> None:
    path = tmp_path / "space.yaml"
    path.write_text("a: &x [1, 2]\n" + "".join(f"b{i}: *x\n" for i in range(101)))
    with pytest.raises(ValidationError, match="more than 100 aliases"):
        load_space_file(path)
    path.write_bytes(b"a: [1, 2]\n\0")
    with pytest.raises(ValidationError, match="YAML or JSON text"):
        load_space_file(path)


def test_a_space_file_reads_yaml_1_2_scalars_and_refuses_a_key_given_twice(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("act: [relu, on, off, no, yes]\nlr: {float: [1e-4, 0.1], log: true}\n")
    assert load_space_file(path).to_dict() == {"act": ["relu", "on", "off", "no", "yes"],
                                               "lr": {"float": [0.0001, 0.1], "log": True}}
    path.write_text("depth: {int: [1, 4]}\nwidth: [8, 16]\ndepth: [1, 2]\n")
    with pytest.raises(ValidationError, match=r"line 3: the key 'depth' is given twice"):
        load_space_file(path)
    import yaml

    assert yaml.safe_load("a: 1e-4\nb: on") == {"a": "1e-4", "b": True}  # PyYAML's own loader is left as it was
