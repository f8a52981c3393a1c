"""Opening the archive's database: engine, pragmas, sessions, and clear errors when it fails."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from sillok.config import Settings
from sillok.errors import StorageError
from sillok.private_files import create_file


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    # WAL lets the web server read while a batch writes; foreign keys are off by default in
    # SQLite; synchronous=FULL so that a commit we acknowledged survives a power cut too.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


# Connections kept open between uses. The web server answers requests in up to 40 threads
# (anyio's default); with SQLAlchemy's default of 5 kept, every request beyond the fifth at
# once opened a new connection and closed it after: on SQLite that is a new file handle, the
# pragmas and an empty page cache each time (8 % of a kept page's time under load), on
# PostgreSQL a new server process. Connections are opened only when needed, so a command
# that uses one still holds one.
POOL_SIZE = 20
POOL_OVERFLOW = 20


def make_engine(settings: Settings) -> Engine:
    """An engine for the archive; raises StorageError with one clear line if it cannot be used."""
    if settings.is_sqlite:
        _check_sqlite_dir(settings)
        engine = create_engine(settings.url, echo=settings.echo_sql, pool_size=POOL_SIZE,
                               max_overflow=POOL_OVERFLOW)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(
            settings.url,
            echo=settings.echo_sql,
            pool_pre_ping=True,
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
            connect_args={"connect_timeout": 5},
        )
    check_connection(engine)
    return engine


def _check_sqlite_dir(settings: Settings) -> None:
    d = settings.data_dir
    if d.exists() and not d.is_dir():
        raise StorageError(f"data directory {d} is not a directory")
    db = d / "sillok.db"
    if d.exists() and not os.access(d, os.W_OK):
        raise StorageError(f"data directory {d} is not writable")
    if db.exists() and not os.access(db, os.W_OK):
        raise StorageError(f"database file {db} is not writable")
    if d.is_dir() and not db.exists():
        # Made owner-only before SQLite opens it: SQLite would make it with the umask's mode
        # (usually readable by all), and gives its -wal and -shm files the database's mode.
        create_file(db)


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            if engine.dialect.name == "sqlite":
                # Reading the schema is what fails on a file that is not a SQLite database.
                conn.execute(text("SELECT count(*) FROM sqlite_master"))
    except (OperationalError, DatabaseError) as exc:
        raise StorageError(describe_db_error(engine, exc)) from None


def describe_db_error(engine: Engine, exc: Exception) -> str:
    orig = getattr(exc, "orig", exc)
    where = engine.url.render_as_string(hide_password=True)
    if isinstance(orig, sqlite3.DatabaseError) and "not a database" in str(orig):
        return f"{engine.url.database} is not a SQLite database (corrupt or another kind of file)"
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return f"cannot open the archive database at {where}: {first}"


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed if the block ends normally, rolled back otherwise."""
    with factory() as session, session.begin():
        yield session
