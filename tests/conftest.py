"""Fixtures: a fresh, initialised archive per test, on SQLite and on PostgreSQL.

An archive is initialised once per backend (migrations + vocabularies + gazetteer) and copied
for each test — a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL — so every
test starts from the real ``sillok init`` result without paying for it each time.

PostgreSQL is the server ``SILLOK_TEST_POSTGRES`` names or, when it is unset, a throwaway
cluster this run starts from the installed binaries and removes afterwards (tests/pg_cluster.py).
When neither can be had the PostgreSQL half is skipped on a developer's machine but *fails* in
CI (``CI`` or ``SILLOK_REQUIRE_POSTGRES`` set), so CI can never pass without it.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import argon2
import psycopg
import pytest
from typer.testing import CliRunner

from sillok.accounts import accounts, sessions
from sillok.archive.bulk import add_records
from sillok.archive.demo_gen import generated_records
from sillok.archive.lifecycle import DEMO_ACTOR, build_demo, init_archive
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.ingest.jobs import wait_for_jobs
from sillok.search.tantivy_store import index_dir
from sillok.security.policy import Actor, Role
from tests import pg_cluster

# Passwords are hashed with Argon2id at RFC 9106's low-memory cost (64 MiB, three passes):
# right for a server, and a fifth of a second of CPU for each hash or check, which the suite
# does thousands of times (every sign-in, account and token test). Tests in this process use
# the cheapest parameters argon2-cffi offers; test_users checks that the real hasher keeps the
# real cost. Commands started as subprocesses hash at the real cost.
REAL_HASHER = accounts.HASHER
accounts.HASHER = sessions.HASHER = argon2.PasswordHasher.from_parameters(
    argon2.profiles.CHEAPEST)

REQUIRE_PG = bool(os.environ.get("CI") or os.environ.get("SILLOK_REQUIRE_POSTGRES"))
_counter = itertools.count()

ADMIN = Actor("test-admin", Role.admin)
EDITOR = Actor("test-editor", Role.editor)
ANALYST = Actor("test-analyst", Role.analyst)
VIEWER = Actor("test-viewer", Role.viewer)
ANON = Actor.anonymous()

_CLUSTER = pytest.StashKey[pg_cluster.Cluster]()
_CLUSTER_NOTE = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """Start the throwaway PostgreSQL once, in the process that runs the session, before xdist
    starts its workers: they inherit ``SILLOK_TEST_POSTGRES`` and so share it."""
    if hasattr(config, "workerinput") or os.environ.get("SILLOK_TEST_POSTGRES"):
        return
    try:
        cluster = pg_cluster.start()
    except pg_cluster.ClusterError as exc:
        if REQUIRE_PG:  # stop now rather than fail every PostgreSQL test one by one
            raise pytest.UsageError(f"PostgreSQL is required here: {exc}") from exc
        config.stash[_CLUSTER_NOTE] = f"PostgreSQL tests skipped: {exc}"
        return
    config.stash[_CLUSTER] = cluster
    os.environ["SILLOK_TEST_POSTGRES"] = cluster.url
    config.stash[_CLUSTER_NOTE] = (f"PostgreSQL tests ran on a throwaway cluster: "
                                   f"{cluster.describe()} (removed after the run)")
    # A run ended by SIGTERM (a CI time limit) unwinds like Ctrl-C, through
    # pytest_unconfigure, instead of leaving the server running.
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter,
                            config: pytest.Config) -> None:
    if _CLUSTER_NOTE in config.stash:
        terminalreporter.write_line(config.stash[_CLUSTER_NOTE])


def pytest_sessionfinish(session: pytest.Session) -> None:
    import sys

    shared_browser = sys.modules.get("tests.browser")  # only if a browser test ran here
    if shared_browser is not None:
        shared_browser.shutdown()


def pytest_unconfigure(config: pytest.Config) -> None:
    cluster = config.stash.get(_CLUSTER, None)
    if cluster is not None:
        cluster.stop()
        del config.stash[_CLUSTER]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by what it runs on, so each half can be run or timed alone
    (``-m postgres``, ``-m browser``, ``-m "not postgres and not browser"``)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgresql" in callspec.params.values():
            item.add_marker(pytest.mark.postgres)
        if item.path.name.startswith("test_browser_"):
            item.add_marker(pytest.mark.browser)


def _pg_server() -> str:
    # Read when used, not at import: conftest is imported before pytest_configure sets it.
    return os.environ.get("SILLOK_TEST_POSTGRES", "")


def _pg_conninfo(dbname: str = "postgres") -> str:
    url = _pg_server().replace("postgresql+psycopg://", "postgresql://")
    base, _, _ = url.rpartition("/")
    return f"{base}/{dbname}"


def _pg_url(dbname: str) -> str:
    base, _, _ = _pg_server().rpartition("/")
    return f"{base}/{dbname}"


def _pg_admin(sql: str) -> None:
    with psycopg.connect(_pg_conninfo(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


# The data directory the PostgreSQL template was made with: its audit key signed the
# template's entries, so each test's data directory starts with a copy of it.
PG_TEMPLATE_DIR = "pg-template"


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    name = f"sillok_tpl_{os.getpid()}"
    if not _pg_server():
        if REQUIRE_PG:
            pytest.fail("PostgreSQL is required here and there is none")
        pytest.skip("no PostgreSQL: set SILLOK_TEST_POSTGRES or install it (scripts/system-deps)")
    try:
        _pg_admin(f"DROP DATABASE IF EXISTS {name}")
        _pg_admin(f"CREATE DATABASE {name}")
    except psycopg.OperationalError as exc:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required here and unreachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable ({str(exc).splitlines()[0]})")
    # The archive lives in the database; init still makes a data directory (for originals,
    # and the audit key whose copy each test's data directory gets), inside the temporary
    # directory: one outside it cannot be made by a user who is not root.
    data_dir = tmp_path_factory.getbasetemp() / PG_TEMPLATE_DIR
    init_archive(Settings(data_dir=data_dir, database_url=_pg_url(name)))
    yield name
    _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def pg_template_dir(pg_template: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / PG_TEMPLATE_DIR


def _copy_keys(template_dir: Path, data_dir: Path) -> None:
    """The template's audit key and checkpoint (archive/audit_anchor.py) go with its database."""
    if (template_dir / "keys").exists():
        shutil.copytree(template_dir / "keys", data_dir / "keys")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The initialised SQLite archive, with the tantivy index ``sillok init`` builds beside
    it (copied with it for a test on tantivy: building it again cost each test 0.1 s)."""
    data_dir = tmp_path_factory.mktemp("template") / "data"
    init_archive(Settings(data_dir=data_dir, search_backend="tantivy"))
    return data_dir / "sillok.db"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=["database", "tantivy"])
def search_engine(request: pytest.FixtureRequest) -> str:
    """The full-text engine (SILLOK_SEARCH_BACKEND): the search and protection suites run on
    each (``pytestmark = pytest.mark.usefixtures("search_engine")``); the rest on the
    default (``_engine``)."""
    return str(request.param)


def _engine(request: pytest.FixtureRequest, backend: str) -> str:
    """The test's full-text engine: its ``search_engine`` if it has one, else the default a
    user gets (config._backend): tantivy on SQLite, the database's own on PostgreSQL."""
    if "search_engine" in request.fixturenames:
        return str(request.getfixturevalue("search_engine"))
    return "tantivy" if backend == "sqlite" else "database"


@pytest.fixture
def settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Settings]:
    """Settings of a fresh initialised archive on the test's backend."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "blobs").mkdir()
    engine = _engine(request, backend)
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copy(template, data_dir / "sillok.db")
        _copy_keys(template.parent, data_dir)
        if engine == "tantivy":
            shutil.copytree(index_dir(Settings(data_dir=template.parent)),
                            index_dir(Settings(data_dir=data_dir)))
        yield Settings(data_dir=data_dir, search_backend=engine)
        return
    tpl: str = request.getfixturevalue("pg_template")
    _copy_keys(request.getfixturevalue("pg_template_dir"), data_dir)
    yield from _pg_copy(tpl, "t", data_dir, engine)


def _pg_copy(template: str, prefix: str, data_dir: Path, engine: str) -> Iterator[Settings]:
    """Settings of a new database made from ``template``, dropped after the test."""
    name = f"sillok_{prefix}_{os.getpid()}_{next(_counter)}"
    _pg_admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    try:
        yield Settings(data_dir=data_dir, database_url=_pg_url(name), search_backend=engine)
    finally:
        # An ingest job a web test started may still be writing: its database stays until
        # the job is done (a server waits the same way when it stops).
        wait_for_jobs(60)
        _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def empty_settings(backend: str, tmp_path: Path,
                   request: pytest.FixtureRequest) -> Iterator[Settings]:
    """Settings of a place with no archive yet (an empty database on PostgreSQL)."""
    data_dir = tmp_path / "fresh"
    if backend == "sqlite":
        yield Settings(data_dir=data_dir, search_backend=_engine(request, backend))
        return
    request.getfixturevalue("pg_template")  # skips/fails consistently when PG is missing
    name = f"sillok_e_{os.getpid()}_{next(_counter)}"
    _pg_admin(f"CREATE DATABASE {name}")
    try:
        yield Settings(data_dir=data_dir, database_url=_pg_url(name),
                       search_backend=_engine(request, backend))
    finally:
        _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _demo(settings: Settings) -> None:
    build_demo(settings)


def _demo80(settings: Settings) -> None:
    """The hand-written demo and 80 generated events (seed 7): enough for maps and counts
    in which some cells clear a small threshold and some do not."""
    build_demo(settings)
    archive = Archive.open(settings)
    try:
        add_records(archive, DEMO_ACTOR, generated_records(events=80, seed=7))
    finally:
        archive.close()


# Built archives that many tests read: each is built once per backend in each test process
# and copied for every test that asks (a directory copy; CREATE DATABASE … TEMPLATE), instead
# of being built again for each — building the demo costs seconds, a copy a fraction of one.
_BUILDERS = {"demo": _demo, "demo80": _demo80}


@pytest.fixture(scope="session")
def built_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """{kind/backend: template data directory}, filled on first use; the PostgreSQL
    template databases are dropped at the end of the session."""
    built: dict[str, Path] = {}
    yield built
    for key in built:
        if key.endswith("/postgresql"):
            _pg_admin(f"DROP DATABASE IF EXISTS {_template_db(key)} WITH (FORCE)")


def _template_db(key: str) -> str:
    return f"sillok_{key.split('/')[0]}_{os.getpid()}"


def _copy_of_built(kind: str, backend: str, tmp_path: Path,
                   request: pytest.FixtureRequest) -> Iterator[Settings]:
    built: dict[str, Path] = request.getfixturevalue("built_templates")
    key = f"{kind}/{backend}"
    data_dir = tmp_path / kind
    if key not in built:
        template = request.getfixturevalue("tmp_path_factory").mktemp(f"tpl-{kind}") / "data"
        if backend == "sqlite":
            _BUILDERS[kind](Settings(data_dir=template))
        else:
            request.getfixturevalue("pg_template")  # skips/fails consistently without PG
            _pg_admin(f"DROP DATABASE IF EXISTS {_template_db(key)} WITH (FORCE)")
            _pg_admin(f"CREATE DATABASE {_template_db(key)}")
            _BUILDERS[kind](Settings(data_dir=template,
                                     database_url=_pg_url(_template_db(key))))
        built[key] = template
    shutil.copytree(built[key], data_dir)
    engine = _engine(request, backend)  # a tantivy index is built from the copy when it opens
    if backend == "sqlite":
        yield Settings(data_dir=data_dir, search_backend=engine)
        return
    yield from _pg_copy(_template_db(key), "d", data_dir, engine)


@pytest.fixture
def demo_settings(backend: str, tmp_path: Path,
                  request: pytest.FixtureRequest) -> Iterator[Settings]:
    """Settings of a fresh copy of the demo archive (``build_demo``: the hand-written
    stories) on the test's backend."""
    yield from _copy_of_built("demo", backend, tmp_path, request)


@pytest.fixture
def demo80_settings(backend: str, tmp_path: Path,
                    request: pytest.FixtureRequest) -> Iterator[Settings]:
    """Settings of a fresh copy of the demo plus 80 generated events (seed 7)."""
    yield from _copy_of_built("demo80", backend, tmp_path, request)


@pytest.fixture
def archive(settings: Settings) -> Iterator[Archive]:
    a = Archive.open(settings)
    yield a
    a.close()


@pytest.fixture
def cli_env(settings: Settings) -> dict[str, str]:
    """Environment for running the CLI against the test's archive."""
    env = {"SILLOK_DATA_DIR": str(settings.data_dir), "SILLOK_DATABASE_URL": "",
           "SILLOK_SEARCH_BACKEND": settings.search_backend}
    if settings.database_url:
        env["SILLOK_DATABASE_URL"] = settings.database_url
    return env


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def make_person(archive: Archive, level: str = "public", name: str = "테스트 인물",
                **extra: object) -> int:
    data: dict[str, object] = {"level": level, "names": [{"name": name, "system": "hangul"}]}
    data.update(extra)
    return archive.create(ADMIN, "person", data)


def make_source(archive: Archive, level: str = "public",
                text: str = "[Fictional test text] 탈북민 34명이 2023년 1분기에 입국했다.",
                **extra: object) -> int:
    data: dict[str, object] = {"level": level, "kind": "news_report", "title": "Test source",
                               "language": "ko", "text": text}
    data.update(extra)
    return archive.create(ADMIN, "source", data)


def make_event(archive: Archive, level: str = "public", **extra: object) -> int:
    data: dict[str, object] = {"level": level, "title": "Test event (fictional)",
                               "date": "2023-Q1", "places": ["cn-yanji"]}
    data.update(extra)
    return archive.create(ADMIN, "event", data)
