"""The core's refusals of a level change are written once in both languages with a code
(errors.Said): the workspace's level panel and bulk report show the reader's language; the
CLI, the API and logs keep reading the English text. On SQLite and PostgreSQL."""

from __future__ import annotations

import pickle

from sillok.archive import consent
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.errors import Said, in_language
from sillok.security.policy import level_refusal
from tests.auth_helpers import signed_in
from tests.conftest import ADMIN, make_event, make_source

HANGUL_REFUSAL = "동의 없이 공개할 수 없습니다"


def test_a_refusal_is_english_text_with_its_korean_and_code() -> None:
    why = level_refusal("event #7", "public", [(3, "restricted")], [])
    assert isinstance(why, Said) and why.code == "level.restricted_source"
    assert why.startswith("event #7 rests on restricted source #3")  # unchanged for the CLI
    assert in_language(why, "ko").startswith("사건 #7은(는) 제한 자료 #3에 근거")
    assert in_language(why, "en") == str(why)
    many = level_refusal("source #1", "internal", [], [(i, "public") for i in range(1, 9)])
    assert many is not None and "외 3건" in in_language(many, "ko") and "3 more" in many
    assert pickle.loads(pickle.dumps(why)).ko == why.ko
    joined = Said.joined([why, why])
    assert isinstance(joined, Said) and joined.ko.count("제한 자료") == 2


def _refusing_testimony(archive: Archive) -> tuple[int, int]:
    source = make_source(archive, level="internal", kind="testimony",
                         text="[가상 증언] 시험용 문장입니다.")
    consent.record(archive, ADMIN, "source", source, {"publication": "refused"})
    event = make_event(archive, level="internal", title="가상 사건 (동의 시험)")
    archive.create(ADMIN, "evidence", {"level": "internal", "source": source,
                                       "record": {"type": "event", "id": event},
                                       "quote": "시험용 문장"})
    return source, event


def test_the_level_panel_and_bulk_report_speak_the_readers_language(
        settings: Settings, archive: Archive) -> None:
    source, event = _refusing_testimony(archive)
    editor = signed_in(settings, "editor", username="ko-editor")
    url = f"/staff/records/source/{source}/level"
    form = {"level": "public", "reason": "검토 완료", "version": "1",
            "reviewed-" + str(source): "1"}
    ko = editor.post(f"{url}?lang=ko", data=form)
    assert ko.status_code == 422 and 'id="publish-errors"' in ko.text
    assert HANGUL_REFUSAL in ko.text and "cannot be public" not in ko.text
    en = editor.post(f"{url}?lang=en", data=form)
    assert "cannot be public without publication consent" in en.text
    assert HANGUL_REFUSAL not in en.text
    # Asking for the level it has already: refused in Korean too.
    same = editor.post(f"{url}?lang=ko", data={**form, "level": "internal"})
    assert "이미 내부 등급입니다" in same.text
    # The bulk report of the lists gives each refused row's reason in the reader's language.
    bulk = editor.post("/staff/lists/sources/bulk?lang=ko", data={
        "ids": [str(source)], "action": "level", "level": "public", "reason": "검토 완료"})
    assert bulk.status_code == 409 and HANGUL_REFUSAL in bulk.text
    assert archive.get(ADMIN, "source", source)["level"] == "internal"
    assert archive.get(ADMIN, "event", event)["level"] == "internal"
