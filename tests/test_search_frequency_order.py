"""A clause's frequency for IDF is the count of its first ``DF_CAP`` matches in scope by entry
id and the highest id among them, on both backends, however the entries lie on disk: on
PostgreSQL an updated entry moves to the end of the table, where a scan that stops at the cap
would meet it last (service._pg_frequency_part). Fictional data."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, text

from sillok.archive.service import Archive
from sillok.search import service
from sillok.search.compile import compile_query
from sillok.search.filters import bound
from sillok.search.query import parse
from tests.conftest import make_source

pytestmark = pytest.mark.usefixtures("search_engine")

MARK = "쥐똥나무"


def _counted(archive: Archive, levels: list[str]) -> tuple[int, int | None]:
    dialect = archive.engine.dialect.name
    where = ["si.level IN :levels"]
    parts, values = service._frequency_parts(dialect, where,
                                             [compile_query(parse(MARK), dialect)])
    with archive.transaction() as session:
        rows = session.execute(bound(" UNION ALL ".join(parts)),
                               {"levels": levels, **values}).all()
    row = next(r for r in rows if int(r[1]) == 0)
    return int(row[2]), (None if row[8] is None else int(row[8]))


def _expected(archive: Archive, levels: list[str], cap: int) -> tuple[int, int | None]:
    with archive.transaction() as session:
        ids = sorted(int(i) for i, b, lv in session.execute(
            text("SELECT id, body, level FROM search_index")) if MARK in b and lv in levels)
    first = ids[:cap]
    return len(first), (max(first) if first else None)


@pytest.mark.parametrize("cap", [2, 3, 5, 100])
def test_first_matches_by_id_even_when_moved(archive: Archive, cap: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(8):
        make_source(archive, level="restricted" if i % 4 == 3 else "public",
                    text=f"[가상] {MARK} {i}")
        make_source(archive, text=f"[가상] 다른 기사 {i}")
    with archive.transaction() as session:
        # The first matches' entries rewritten: on PostgreSQL their new versions lie after
        # the others, so a scan in table order meets them last.
        first = session.execute(text("SELECT id FROM search_index WHERE record_type = 'source' "
                                     "ORDER BY id LIMIT 4")).scalars().all()
        session.execute(text("UPDATE search_index SET kind = kind WHERE id IN :ids")
                        .bindparams(bindparam("ids", expanding=True)), {"ids": list(first)})
    monkeypatch.setattr(service, "DF_CAP", cap)
    for levels in (["public"], ["public", "internal", "restricted"]):
        assert _counted(archive, levels) == _expected(archive, levels, cap), (levels, cap)
