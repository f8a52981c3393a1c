"""The workspace's import dry-run report in the reader's language: each note is a code with its
values (tables/notes.py), rendered in Korean or English; on both databases. Every name here
is fictional (가상)."""

from __future__ import annotations

import html
import re

import pytest

from sillok.config import Settings
from sillok.security.policy import Role
from sillok.tables.notes import TEXTS, WORDS, Note
from tests.auth_helpers import signed_in
from tests.uwazi_server import PASSWORD, USER, fake_uwazi

# An unknown sex and an unknown place (for review); a bad date and an unknown act type
# (refused).
CSV = ("이름,성별,사건일,장소,위반유형\n"
       "김가명,가상,2019년 3월경,가상읍,강제북송\n"
       "박가상,남,어느 날,회령,가상의 침해\n").encode()
ENGLISH = re.compile(r"[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}")  # three English words


def _report(settings: Settings, lang: str, url: str = "") -> str:
    with signed_in(settings, Role.editor, username=f"lang-{lang}") as c:
        if url:
            page = c.post(f"/staff/import/uwazi?lang={lang}",
                          data={"url": url, "user": USER, "password": PASSWORD})
        else:
            page = c.post(f"/staff/import?lang={lang}", data={"level": "internal"},
                          files={"file": ("목록.csv", CSV, "text/csv")})
    assert page.status_code == 200, page.text
    found = re.search(r'<table id="import-report">(.*?)</table>', page.text, re.S)
    assert found, page.text
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


@pytest.mark.usefixtures("archive")
def test_the_dry_run_report_in_korean_and_english(settings: Settings) -> None:
    ko = _report(settings, "ko")
    for line in ("성별: '가상'은(는) 성별 어휘에 없음 (인물의 설명에 기록)",
                 "장소: '가상읍'은(는) 지명 사전에 없음 (설명에 기록)",
                 "사건일: 2019년 3월경 → ~2019-03 (월, 추정)",
                 "사건일: '어느 날'은(는) 실록이 읽을 수 있는 날짜가 아님",
                 "위반유형: '가상의 침해'은(는) 행위 유형 어휘에 없음"):
        assert line in ko, ko
    assert not ENGLISH.search(ko), ENGLISH.search(ko)
    en = _report(settings, "en")
    for line in ("성별: '가상' is not in the sex vocabulary (kept in the person's description)",
                 "장소: '가상읍' is not in the gazetteer (kept in the description)",
                 "사건일: 2019년 3월경 → ~2019-03 (month, estimate)",
                 "사건일: '어느 날' is not a date Sillok can read",
                 "위반유형: '가상의 침해' is not in the act type vocabulary"):
        assert line in en, en
    assert not re.search(r"[가-힣]+\)? ?[가-힣]*에 (없음|기록)", en)


@pytest.mark.usefixtures("archive")
def test_a_refused_real_run_says_why_in_korean(settings: Settings) -> None:
    with signed_in(settings, Role.editor, username="lang-run") as c:
        page = c.post("/staff/import?lang=ko", data={"level": "internal"},
                      files={"file": ("목록.csv", CSV, "text/csv")})
        token = re.search(r'action="/staff/import/([0-9a-f]{32})"', page.text)
        assert token, page.text
        run = c.post(f"/staff/import/{token.group(1)}?lang=ko", data={"step": "import"})
    assert run.status_code == 422
    error = re.search(r'id="import-error">(.*?)</p>', run.text, re.S)
    assert error and "거부된 행 1개; 아무것도 가져오지 않음" in html.unescape(error.group(1))
    assert not ENGLISH.search(html.unescape(error.group(1))), error.group(1)


@pytest.mark.usefixtures("archive")
def test_an_uwazi_dry_run_in_korean(settings: Settings) -> None:
    """In Korean (the English lines are the ones test_import_uwazi reads)."""
    with fake_uwazi() as server:
        ko = _report(settings, "ko", server.url)
    assert "행위 유형 어휘에 없음 (동의어로 추가하거나 Uwazi에서 값을 바꾸십시오)" in ko, ko
    assert not ENGLISH.search(ko), ENGLISH.search(ko)


def test_every_note_has_both_texts_with_the_same_values() -> None:
    fields = re.compile(r"{(\w+)}")
    for code, (en, ko) in TEXTS.items():
        assert ko and en and set(fields.findall(en)) == set(fields.findall(ko)), code
    assert all(ko for _en, ko in WORDS.values())
    note = Note("cell", what="생년", why=Note("bad_year", year=1700))
    assert note == "생년: birth year 1700 is out of range"
    assert note.text("ko") == "생년: 출생 연도 1700은(는) 범위 밖"
