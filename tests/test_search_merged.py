"""Merged persons count once in search, on SQLite and PostgreSQL: a person merged into another
is found as that one record under all its names, not as a result or facet value of its own,
and is found again on its own after an unmerge; a merged record more confidential than the
one kept lends it no names. Fictional data."""

from __future__ import annotations

import pytest

from sillok.archive.service import Archive
from sillok.linkage.merge import merge, unmerge
from sillok.search.service import search
from sillok.security.policy import Actor
from tests.conftest import ADMIN, ANON, EDITOR, VIEWER, make_person

pytestmark = pytest.mark.usefixtures("search_engine")

MARK = "물푸레나무"  # a word no other record has


def _persons(archive: Archive, actor: Actor, text: str) -> list[int]:
    found = search(archive, actor, text, facets=True)
    return sorted(h["id"] for h in found.items if h["type"] == "person")


def test_a_merged_person_is_one_result_and_one_facet_value(archive: Archive) -> None:
    a = make_person(archive, "public", f"김영희 {MARK}", origin_place="kp-10-hyesan")
    b = make_person(archive, "public", f"Kim Youngsun {MARK}", origin_place="kp-09-onsong")
    before = search(archive, ANON, MARK, facets=True)
    assert _persons(archive, ANON, MARK) == sorted([a, b])
    assert before.facets["type"]["person"] == 2
    assert before.facets["province"] == {"kp-10": 1, "kp-09": 1}
    merge(archive, ADMIN, a, b)
    after = search(archive, ANON, MARK, facets=True)
    assert _persons(archive, ANON, MARK) == [a]
    assert after.facets["type"]["person"] == 1 and after.total == before.total - 1
    assert after.facets["province"] == {"kp-10": 1}
    # The merged record's own name finds the record it is merged into.
    assert _persons(archive, ANON, "Youngsun") == [a]
    # A name given to the merged record later is found there too.
    archive.update(ADMIN, "person", b, {"names": [
        {"name": f"Kim Youngsun {MARK}", "system": "rr"},
        {"name": "Gim Yeongseon", "system": "rr"}]})
    assert _persons(archive, ANON, "Yeongseon") == [a]
    unmerge(archive, ADMIN, b)
    assert _persons(archive, ANON, MARK) == sorted([a, b])
    assert _persons(archive, ANON, "Youngsun") == [b]
    assert search(archive, ANON, MARK, facets=True).facets["province"] == {"kp-10": 1,
                                                                          "kp-09": 1}


def test_a_more_confidential_record_lends_no_names(archive: Archive) -> None:
    kept = make_person(archive, "public", f"박철수 {MARK}")
    hidden = make_person(archive, "internal", f"Ri Myonghak {MARK}")
    merge(archive, ADMIN, kept, hidden)
    # The public does not find the public record by the internal record's name ...
    assert _persons(archive, ANON, "Myonghak") == []
    assert _persons(archive, ANON, MARK) == [kept]
    # ... and readers of internal records find that record itself.
    assert _persons(archive, VIEWER, "Myonghak") == [hidden]
    assert _persons(archive, EDITOR, MARK) == sorted([kept, hidden])
