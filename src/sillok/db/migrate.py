"""Creating and upgrading an archive's schema with Alembic, refusing what we do not understand."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.exc import DatabaseError, OperationalError

from sillok.db.engine import describe_db_error
from sillok.errors import StorageError

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@cache
def _revisions() -> tuple[frozenset[str], str]:
    """Every revision this Sillok knows, and its head. Read once a process: the scripts do
    not change under a running Sillok, and reading them (compiling ~30 files) cost 70 ms,
    more than the rest of opening an archive."""
    scripts = ScriptDirectory.from_config(alembic_config())
    head = scripts.get_current_head()
    assert head is not None
    return frozenset(s.revision for s in scripts.walk_revisions()), head


def head_revision() -> str:
    return _revisions()[1]


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except (OperationalError, DatabaseError) as exc:
        raise StorageError(describe_db_error(engine, exc)) from None


def schema_state(engine: Engine) -> str:
    """'empty', 'current', 'old' or 'newer'; raises for a database that is not an archive."""
    rev = current_revision(engine)
    if rev is None:
        tables = set(inspect(engine).get_table_names())
        if tables:
            raise StorageError(
                f"{_where(engine)} is not a Sillok archive (it has tables but no Sillok schema)"
            )
        return "empty"
    known, head = _revisions()
    if rev not in known:
        raise StorageError(
            f"{_where(engine)} was made by a newer version of Sillok (schema {rev}); "
            "upgrade Sillok to open it"
        )
    return "current" if rev == head else "old"


def upgrade(engine: Engine, target: str = "head") -> str:
    """Bring the schema to ``target``; returns the state found before ('empty', 'old', ...)."""
    state = schema_state(engine)
    if state == "current" and target == "head":
        return state
    try:
        with engine.begin() as conn:
            upgrade_on(conn, target)
    except (OperationalError, DatabaseError) as exc:
        raise StorageError(describe_db_error(engine, exc)) from None
    return state


def upgrade_on(conn: Connection, target: str = "head") -> None:
    """Run the migrations inside the caller's transaction (PostgreSQL rolls DDL back too)."""
    cfg = alembic_config()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, target)


def require_current(engine: Engine) -> None:
    """Refuse to work on an archive that is missing, out of date or from a newer Sillok."""
    state = schema_state(engine)
    if state == "empty":
        raise StorageError(f"no archive at {_where(engine)}: run 'sillok init' first")
    if state == "old":
        raise StorageError(
            f"the archive at {_where(engine)} has an older schema: run 'sillok init' to upgrade it"
        )


def _where(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        return str(engine.url.database)
    return engine.url.render_as_string(hide_password=True)
