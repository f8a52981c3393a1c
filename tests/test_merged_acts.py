"""An act coded twice and merged (linkage/merge.py) is one act on SQLite and PostgreSQL: the act
kept counts the independent sources of both codings, the merged coding is one search result
and facet value (found by either coding's words), a coding the reader may not see lends
nothing, and an unmerge brings both back. Fictional data."""

from __future__ import annotations

from sillok.archive.corroboration import acts_with_support, support_counts
from sillok.archive.service import Archive
from sillok.linkage.merge import merge, unmerge
from sillok.search.service import search
from sillok.security.policy import Actor
from tests.conftest import ADMIN, ANON, EDITOR, make_event, make_person

MARK = "산사나무열매"  # a word no other record has


def _source(archive: Archive, publisher: str, level: str = "public") -> int:
    return archive.create(ADMIN, "source", {
        "level": level, "kind": "testimony", "title": f"가상 증언 ({publisher})",
        "language": "ko", "text": "[가상] 그는 국경에서 체포되었다.", "publisher": publisher})


def _act(archive: Archive, victim: int, event: int, words: str, source: int,
         level: str = "public") -> int:
    act = archive.create(ADMIN, "act", {
        "level": level, "event": event, "victim": victim, "act_type": "detention",
        "date": "2020-02", "description": f"[가상] {MARK} {words}"})
    archive.create(ADMIN, "evidence", {"level": level, "source": source,
                                       "quote": "국경에서 체포되었다",
                                       "record": {"type": "act", "id": act}})
    return act


def _acts(archive: Archive, actor: Actor, text: str) -> list[int]:
    found = search(archive, actor, text, facets=True)
    return sorted(h["id"] for h in found.items if h["type"] == "act")


def test_a_merged_act_counts_its_sources_and_is_found_once(archive: Archive) -> None:
    victim = make_person(archive, "public", "가상 피해자 한송이")
    event = make_event(archive, level="public", description="[가상] 국경 체포")
    kept = _act(archive, victim, event, "온성 보위부", _source(archive, "NKDB"))
    other = _act(archive, victim, event, "두만강 건너편", _source(archive, "TJWG"))
    with archive.transaction() as session:
        assert support_counts(session, ANON, [kept, other]) == {kept: 1, other: 1}
        assert acts_with_support(session, ANON, 2) == set()
    before = search(archive, ANON, MARK, facets=True)
    assert _acts(archive, ANON, MARK) == sorted([kept, other])

    merge(archive, ADMIN, kept, other, reason="one arrest, two testimonies",
          record_type="act")
    with archive.transaction() as session:
        # Two organisations' testimonies on the one act: two independent sources.
        assert support_counts(session, ANON, [kept])[kept] == 2
        assert acts_with_support(session, ANON, 2) == {kept}
    after = search(archive, ANON, MARK, facets=True)
    assert _acts(archive, ANON, MARK) == [kept]
    assert after.facets["type"]["act"] == before.facets["type"]["act"] - 1
    # The merged coding's own words find the act kept.
    assert _acts(archive, ANON, "두만강") == [kept]

    unmerge(archive, ADMIN, other, record_type="act")
    with archive.transaction() as session:
        assert support_counts(session, ANON, [kept])[kept] == 1
    assert _acts(archive, ANON, MARK) == sorted([kept, other])
    assert _acts(archive, ANON, "두만강") == [other]


def test_a_coding_the_reader_may_not_see_lends_nothing(archive: Archive) -> None:
    victim = make_person(archive, "public", "가상 피해자 도라지")
    event = make_event(archive, level="public", description="[가상] 국경 체포")
    kept = _act(archive, victim, event, "혜산 집결소", _source(archive, "NKDB"))
    hidden = _act(archive, victim, event, "비공개 진술", _source(archive, "HRNK", "internal"),
                  level="internal")
    merge(archive, ADMIN, kept, hidden, record_type="act")
    with archive.transaction() as session:
        assert support_counts(session, ANON, [kept])[kept] == 1
        assert support_counts(session, EDITOR, [kept])[kept] == 2
    # The public does not find the public act by the internal coding's words; staff who may
    # read it find that coding itself (it keeps its own entry).
    assert _acts(archive, ANON, "비공개") == []
    assert _acts(archive, EDITOR, "비공개") == [hidden]
