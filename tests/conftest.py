"""Shared fixtures: the NAS-Bench-201 table from ../shared, small tables, toy spaces, a feature-extractor cache."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from nasforge.generation._features import CACHE_ENV
from nasforge.spaces import CellSpace

REPO = Path(__file__).resolve().parents[1]
SHARED_NB201 = REPO.parent / "shared" / "benchmarks" / "nb201"


def nb201_location() -> Path | None:
    """The NAS-Bench-201 table folder: $NASFORGE_NB201, else ../shared/benchmarks/nb201."""
    given = os.environ.get("NASFORGE_NB201")
    for candidate in ([Path(given)] if given else []) + [SHARED_NB201]:
        if (candidate / "nb201_tss.csv.gz").is_file() or candidate.is_file():
            return candidate
    return None


NB201_REQUIRED_ENV = "NASFORGE_REQUIRE_NB201"  # CI sets CI=true; either makes a missing table a failure


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def nb201_required() -> bool:
    """Whether a missing NAS-Bench-201 table fails the tests that need it (CI) instead of skipping them."""
    return _flag(NB201_REQUIRED_ENV) or _flag("CI")


def find_nb201() -> str:
    """The table's location; a missing table skips the calling test, or fails it when :func:`nb201_required`."""
    location = nb201_location()
    if location is None:
        where = f"set NASFORGE_NB201 or place it at {SHARED_NB201}"
        if nb201_required():
            pytest.fail(f"NAS-Bench-201 table not found although CI or {NB201_REQUIRED_ENV} requires it ({where})")
        pytest.skip(f"NAS-Bench-201 table not found ({where})")
    return str(location)


@pytest.fixture(scope="session")
def nb201_path() -> str:
    return find_nb201()


@pytest.fixture(scope="session")
def feature_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One temporary cache of FID feature extractors for the whole run (never the user's ~/.cache)."""
    return tmp_path_factory.mktemp("features")


@pytest.fixture(autouse=True)
def _feature_cache_env(feature_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(feature_cache))


TABLE_CSV = """depth,width,act,val,test,seconds
2,16,relu,0.80,0.79,10
2,16,gelu,0.82,0.80,11
2,32,relu,0.85,0.84,20
2,32,gelu,0.86,0.85,21
4,16,relu,0.83,0.82,18
4,16,gelu,0.84,0.83,19
4,32,relu,0.90,0.88,40
4,32,gelu,0.91,0.89,41
8,64,relu,0.70,0.69,90
"""


@pytest.fixture()
def table_csv(tmp_path: Path) -> str:
    """A small user table: 9 architectures over 3 decisions; (8, 64, relu) is isolated (sparse)."""
    path = tmp_path / "archs.csv"
    path.write_text(TABLE_CSV)
    return str(path)


def toy_space() -> CellSpace:
    """A 3-node cell with 3 ops and no zero or identity op: 27 architectures, all distinct."""
    return CellSpace(n_nodes=3, ops=("a", "b", "c"), zero_op=None, identity_op=None)


def write_toy_table(path: Path) -> Path:
    """The toy cell space as a table with a smooth score: more 'c' is better, 'c' on op_2_0 most of all."""
    space = toy_space()
    lines = ["op_1_0,op_2_0,op_2_1,score,test"]
    for arch in space.enumerate():
        ops = [str(v) for v in arch.values()]
        score = sum({"a": 0, "b": 1, "c": 2}[op] for op in ops) + (0.5 if ops[1] == "c" else 0.0)
        lines.append(",".join([*ops, f"{score}", f"{score + 0.1}"]))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture()
def toy_table(tmp_path: Path) -> str:
    return str(write_toy_table(tmp_path / "toy.csv"))


POSTGRES_ENV = "NASFORGE_TEST_POSTGRES"  # a PostgreSQL URL allowed to create databases (.ci/run starts one)


def _fresh_postgres_database() -> Iterator[str]:
    import uuid

    import sqlalchemy as sa

    base = os.environ.get(POSTGRES_ENV)
    if not base:
        if os.environ.get("NASFORGE_REQUIRE_POSTGRES"):
            pytest.fail(f"{POSTGRES_ENV} is not set although NASFORGE_REQUIRE_POSTGRES is")
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_ENV} (.ci/run starts one with .ci/postgres.sh)")
    name = f"nasforge_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture()
def postgres_url() -> Iterator[str]:
    """An empty PostgreSQL database for one test, dropped afterwards."""
    yield from _fresh_postgres_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL several processes can share: a SQLite file, and a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
    else:
        yield from _fresh_postgres_database()
