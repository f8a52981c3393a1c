"""The masker follows every change to the people it protects (migration 0008's counter), on
both backends — also changes made without the archive's services, which the earlier check
(counting persons and names) missed when a name was edited in place. Fictional names."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from sillok.archive.redact import masker_for
from sillok.archive.service import Archive
from sillok.archive.verify import verify
from sillok.errors import StorageError
from tests.conftest import ADMIN, make_person


def _mask(archive: Archive, words: str) -> str:
    with archive.sessions() as session:
        return masker_for(session, archive.settings.data_dir).mask(words)


def _sql(archive: Archive, statement: str, **params: Any) -> None:
    with archive.transaction() as session:
        session.execute(text(statement), params)


def test_a_new_restricted_person_is_masked_at_once(archive: Archive) -> None:
    assert _mask(archive, "증인 한누리가 말했다") == "증인 한누리가 말했다"
    make_person(archive, level="restricted", name="한누리")
    assert "한누리" not in _mask(archive, "증인 한누리가 말했다")


def test_names_changed_without_the_services_are_followed(archive: Archive) -> None:
    person = make_person(archive, level="restricted", name="서다온")
    assert "서다온" not in _mask(archive, "서다온 씨")
    # Edited in place: neither the count of names nor the person's last change moves.
    _sql(archive, "UPDATE person_names SET name = :new WHERE person_id = :p",
         new="마하람", p=person)
    assert "마하람" not in _mask(archive, "마하람 씨")
    assert _mask(archive, "서다온 씨") == "서다온 씨"
    _sql(archive, "INSERT INTO person_names (person_id, name, system, position) "
                  "VALUES (:p, :n, 'hangul', 1)", p=person, n="도시온")
    assert "도시온" not in _mask(archive, "도시온 씨")
    _sql(archive, "DELETE FROM person_names WHERE person_id = :p AND name = :n",
         p=person, n="도시온")
    assert _mask(archive, "도시온 씨") == "도시온 씨"


def test_a_change_of_level_and_a_protected_real_name_are_followed(archive: Archive) -> None:
    person = make_person(archive, level="public", name="국하윤")
    assert _mask(archive, "국하윤 씨") == "국하윤 씨"
    archive.update(ADMIN, "person", person, {"level": "restricted"})
    assert "국하윤" not in _mask(archive, "국하윤 씨")
    other = make_person(archive, level="public", name="Test Person")
    _sql(archive, "INSERT INTO person_protected (person_id, real_name) VALUES (:p, :n)",
         p=other, n="탁새봄")
    assert "탁새봄" not in _mask(archive, "탁새봄 씨")


def test_a_missing_counter_fails_closed(archive: Archive) -> None:
    _sql(archive, "DELETE FROM protection_changes")
    with pytest.raises(StorageError, match="protection_changes"):
        _mask(archive, "아무 글")


def test_verify_reports_a_missing_trigger(archive: Archive) -> None:
    assert verify(archive).problems == []
    sqlite = archive.engine.dialect.name == "sqlite"
    _sql(archive, "DROP TRIGGER person_names_protection_update" if sqlite
         else "DROP TRIGGER person_names_protection ON person_names")
    assert any("protection triggers" in p for p in verify(archive).problems)
