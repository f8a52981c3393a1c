"""A fresh initialised archive shared by the tests of one module (browser tests: one app and
one browser per module), copied from the session's template like the per-test ``settings``."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from sillok.config import Settings
from sillok.ingest.jobs import wait_for_jobs
from tests.conftest import _copy_keys, _pg_admin, _pg_url

_counter = itertools.count()


@contextmanager
def module_archive(backend: str, request: pytest.FixtureRequest,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    data_dir = tmp_path_factory.mktemp("module") / "data"
    data_dir.mkdir()
    (data_dir / "blobs").mkdir()
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        shutil.copy(template, data_dir / "sillok.db")
        _copy_keys(template.parent, data_dir)
        yield Settings(data_dir=data_dir)
        return
    tpl: str = request.getfixturevalue("pg_template")
    _copy_keys(request.getfixturevalue("pg_template_dir"), data_dir)
    name = f"sillok_m_{os.getpid()}_{next(_counter)}"
    _pg_admin(f"CREATE DATABASE {name} TEMPLATE {tpl}")
    try:
        yield Settings(data_dir=data_dir, database_url=_pg_url(name))
    finally:
        wait_for_jobs(60)
        _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
