"""The models and the migrations describe the same schema, on both backends."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sillok.archive.service import Archive
from sillok.db import migrate
from sillok.db.models import Base


def _ours(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    # The full-text machinery lives outside the models: FTS5 tables on SQLite, tsv on PG.
    if type_ == "table" and name and name.startswith("search_fts"):
        return False
    # The masker's change counter, kept by triggers (migration 0008), is not a record: it
    # stays out of the models, and so out of backups (a restore's own triggers count).
    if type_ == "table" and name == "protection_changes":
        return False
    # Its indexes too: the tsvector's and the title's (migration 0028, PostgreSQL).
    return name not in ("tsv", "ix_search_index_tsv", "ix_search_index_title_tsv")


def test_models_match_migrations(archive: Archive) -> None:
    assert migrate.current_revision(archive.engine) == migrate.head_revision()
    with archive.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                     "include_object": _ours})
        assert compare_metadata(ctx, Base.metadata) == []
