"""A restricted person's names are not search words for readers without clearance: a public
source that mentions them is not found by them — no result, total or facet — in any script,
while an editor finds it. Words beside the name, and names nobody protects, still work.
Fictional data."""

from __future__ import annotations

import pytest

from sillok.archive.service import Archive
from sillok.search.service import search
from tests.conftest import ANALYST, ANON, EDITOR, VIEWER, make_person, make_source

pytestmark = pytest.mark.usefixtures("search_engine")

NAMES = ("박철수", "박철수는", "Pak Chol-su", "pak chol-su", "Park Cheol-soo", "Chol-su Pak",
         "박 철수", '"Pak Chol-su"', "리영호", "Ri Yong-ho", "Yi Yong-ho")


def _setup(archive: Archive) -> dict[str, int]:
    ids = {"person": make_person(archive, level="restricted", name="박철수",
                                 protected={"real_name": "리영호"})}
    ids["korean"] = make_source(archive, title="가상 기사", text="[가상] 박철수 씨는 회령에서 "
                                "쥐똥나무 체포됐다. 실명은 리영호.")
    ids["english"] = make_source(archive, language="en", title="Fictional report",
                                 text="[Fictional] Park Cheol-soo (real name Ri Yong-ho) was "
                                      "held in Chongjin, 쥐똥나무.")
    ids["other"] = make_source(archive, title="가상 다른 기사",
                               text="[가상] 박철호 씨는 쥐똥나무 마을에 산다.")
    return ids


@pytest.mark.parametrize("match_all", [True, False])
def test_protected_names_find_nothing_without_clearance(archive: Archive,
                                                        match_all: bool) -> None:
    ids = _setup(archive)
    for actor in (ANON, VIEWER):
        for name in NAMES:
            for query in (name, f"{name} 쥐똥나무", f"type:sources {name}"):
                result = search(archive, actor, query, facets=True, match_all=match_all)
                if match_all:
                    assert (result.total, result.items) == (0, []), (query, result.items)
                    assert all(c == {} for c in result.facets.values()), query
                elif query == f"{name} 쥐똥나무":
                    # Ranking mode: the other word finds what it finds.
                    assert set(ids.values()) - {ids["person"]} <= {
                        i["id"] for i in result.items if i["type"] == "source"}, query
                # In ranking mode any one word of the query may find other records (Pak finds
                # 박철호, Yong finds 회령): what the name itself would find is nothing.
    for name in ("박철수", "Pak Chol-su", "Ri Yong-ho"):
        found = {i["id"] for i in search(archive, EDITOR, f"type:sources {name}").items}
        assert ids["korean"] in found or ids["english"] in found, name
    assert {i["id"] for i in search(archive, EDITOR, "type:sources 박철수").items} == {
        ids["korean"], ids["english"]}


def test_the_rest_of_the_query_still_works_and_shows_no_name(archive: Archive) -> None:
    ids = _setup(archive)
    # Excluding a protected name excludes nothing, as for a name that occurs nowhere.
    plain = search(archive, ANON, "쥐똥나무", facets=True)
    excluded = search(archive, ANON, "쥐똥나무 -박철수", facets=True)
    assert excluded.total == plain.total == 3 and excluded.facets == plain.facets
    assert search(archive, EDITOR, "쥐똥나무 -박철수").total == 1
    for item in excluded.items:
        for name in ("박철수", "Park Cheol-soo", "Ri Yong-ho", "리영호"):
            assert name not in item["snippet"] and name not in item["label"], item
    # A name nobody protects is searched as usual.
    assert [i["id"] for i in search(archive, ANON, "type:sources 박철호").items] == [
        ids["other"]]


def test_a_name_protected_later_leaves_the_public_index_in_the_same_transaction(
        archive: Archive) -> None:
    """The public copies of texts already in the archive are made again when a name becomes
    protected: from that commit on, no public search finds it in any spelling."""
    source = make_source(archive, language="en", title="Fictional interview",
                         text="[Fictional] Kang Young-hee (강영희) spoke of Hyesan.")
    person = make_person(archive, level="public", name="강영희")
    assert {i["id"] for i in search(archive, ANON, "type:sources 영희").items} == {source}
    archive.update(EDITOR, "person", person, {"level": "restricted"})
    for query in ("강영희", "영희", "Kang Young-hee", "Kang Yonghui", "Young Hee", "강영"):
        found = search(archive, ANON, f"type:sources {query}")
        assert found.total == 0, query
        assert source in {i["id"] for i in search(archive, EDITOR,
                                                   f"type:sources {query}").items}, query
    # The rest of the text is still searchable by the public, and shows the pseudonym.
    items = search(archive, ANON, "Hyesan type:sources").items
    assert [i["id"] for i in items] == [source]
    assert "Young" not in items[0]["snippet"] and "영희" not in items[0]["snippet"]
    assert "[Witness W-" in items[0]["snippet"]


def test_the_public_copies_index_holds_no_restricted_record(archive: Archive) -> None:
    """Readers of the public copies never see a restricted record, so its entries are not in
    their index (migration 0013) and cost a public search nothing; an entry follows its
    record into and out of that index when the level changes."""
    from sqlalchemy import text

    word = "쥐똥나무골"
    source = make_source(archive, level="restricted", text=f"[가상] {word} 마을의 기록.")
    make_person(archive, level="restricted", name="가상인물")
    if archive.engine.dialect.name == "sqlite":
        with archive.engine.connect() as conn:
            held = conn.execute(text(
                "SELECT si.level FROM search_fts_public f JOIN search_index si "
                "ON si.id = f.rowid WHERE search_fts_public MATCH :w"), {"w": word}).all()
            assert held == []
            assert conn.execute(text(
                "SELECT count(*) FROM search_index_public v JOIN search_index si "
                "ON si.id = v.id WHERE si.level = 'restricted'")).scalar_one() == 0
    assert search(archive, VIEWER, word).total == 0
    assert search(archive, ANALYST, word).total == 1
    archive.update(EDITOR, "source", source, {"level": "internal"})
    assert (search(archive, ANON, word).total, search(archive, VIEWER, word).total) == (0, 1)
    archive.update(EDITOR, "source", source, {"level": "public"})
    assert search(archive, ANON, word).total == 1
    archive.update(EDITOR, "source", source, {"level": "restricted"})
    assert (search(archive, ANON, word).total, search(archive, VIEWER, word).total) == (0, 0)
    if archive.engine.dialect.name == "sqlite":
        with archive.engine.begin() as conn:
            # FTS5's own check of the index against its content (the view).
            conn.execute(text("INSERT INTO search_fts_public(search_fts_public, rank) "
                              "VALUES ('integrity-check', 1)"))
