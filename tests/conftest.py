"""Shared fixtures.  Tests that need ../shared skip with a clear message when it is absent."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "samples"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs ../shared/{'/'.join(parts)} beside the repository (absent on this machine)")
    return path


@pytest.fixture
def store(db_url):
    """A fresh store, once per backend (see below)."""
    from autointel.store import open_store

    s = open_store(db_url)
    yield s
    s.close()


# ---- both backends (docs/postgresql.md) ---------------------------------------------------------------
# Tests that take `store`, `db_url` or `new_db` run once per backend: `[sqlite]` on a file in a temp folder,
# `[postgresql]` on a fresh database of the server at $AUTOINTEL_TEST_PG (scripts/pg_test_server.sh starts
# one).  Without that variable the PostgreSQL variants skip, unless AUTOINTEL_REQUIRE_PG=1 (`make test`) makes
# them fail.  A test marked `sqlite_only` (PRAGMA, the file itself) runs on SQLite alone.
import itertools  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

PG_URL = os.environ.get("AUTOINTEL_TEST_PG")
_PG_TEMPLATE = f"autointel_template_{os.getpid()}"
_db_numbers = itertools.count(1)


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: runs on the SQLite backend only")
    if PG_URL and not os.environ.get("AUTOINTEL_INDEX_DIR"):
        # the search indexes (and upload folders) of the test databases: a temp folder, not ~/.cache
        os.environ["AUTOINTEL_INDEX_DIR"] = tempfile.mkdtemp(prefix="autointel-pg-index-")
        config._autointel_index_dir = os.environ["AUTOINTEL_INDEX_DIR"]


def pytest_unconfigure(config):
    _pg_admin_close()
    if getattr(config, "_autointel_index_dir", None):
        shutil.rmtree(config._autointel_index_dir, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    items[:] = [i for i in items if not (i.get_closest_marker("sqlite_only") and getattr(i, "callspec", None)
                                         and i.callspec.params.get("backend") == "postgresql")]


def _pg_url(dbname: str) -> str:
    """$AUTOINTEL_TEST_PG with another database name."""
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(PG_URL)._replace(path=f"/{dbname}"))


_admin = None


def _pg_admin():
    """One autocommit connection to the server's maintenance database, and the migrated template: a new
    test database is a copy of it (CREATE DATABASE ... TEMPLATE), much faster than migrating each."""
    global _admin
    if _admin is None:
        import psycopg

        from autointel.store import open_store

        _admin = psycopg.connect(PG_URL, autocommit=True)
        _admin.execute(f"DROP DATABASE IF EXISTS {_PG_TEMPLATE} WITH (FORCE)")
        _admin.execute(f"CREATE DATABASE {_PG_TEMPLATE} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'")
        open_store(_pg_url(_PG_TEMPLATE)).close()
    return _admin


def _pg_admin_close():
    global _admin
    if _admin is not None:
        _admin.execute(f"DROP DATABASE IF EXISTS {_PG_TEMPLATE} WITH (FORCE)")
        _admin.close()
        _admin = None


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend(request) -> str:
    if request.param == "postgresql" and not PG_URL:
        message = ("PostgreSQL variant: set AUTOINTEL_TEST_PG=postgresql://... to run it "
                   "(scripts/pg_test_server.sh run -- .venv/bin/python -m pytest)")
        if os.environ.get("AUTOINTEL_REQUIRE_PG") == "1":
            pytest.fail("AUTOINTEL_REQUIRE_PG=1 but " + message)
        pytest.skip(message)
    return request.param


@pytest.fixture(scope="module")
def new_db(backend, tmp_path_factory):
    """``new_db(name)`` -> a fresh, migrated database of this module's backend: a file path or a URL."""
    folder = tmp_path_factory.mktemp("db")
    made: list[str] = []

    def make(name: str = "test") -> str:
        n = next(_db_numbers)  # every call a new database, whatever the name
        if backend == "sqlite":
            return str(folder / f"{name}-{n}.db")
        dbname = re.sub(r"\W+", "_", f"t{os.getpid()}_{n}_{name}".lower())[:63]
        _pg_admin().execute(f"CREATE DATABASE {dbname} TEMPLATE {_PG_TEMPLATE}")
        made.append(dbname)
        return _pg_url(dbname)

    def copy(source: str, name: str = "copy") -> str:
        """A new database holding what ``source`` holds, its search index included."""
        from autointel.search.index import index_path

        if backend == "sqlite":
            target = make(name)
            shutil.copy(source, target)
        else:  # the source must have no open connection
            dbname = re.sub(r"\W+", "_", f"t{os.getpid()}_{next(_db_numbers)}_{name}".lower())[:63]
            _pg_admin().execute(f"CREATE DATABASE {dbname} TEMPLATE {source.rsplit('/', 1)[1].split('?')[0]}")
            made.append(dbname)
            target = _pg_url(dbname)
        if index_path(source).exists():
            shutil.copytree(index_path(source), index_path(target))
        return target

    make.copy = copy
    yield make
    for dbname in made:
        _pg_admin().execute(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")


@pytest.fixture
def db_url(new_db) -> str:
    return new_db("test")
