"""Labels and language on the public pages: every code shown as its label in the reader's
language — violations, statuses, sexes, places with their parent region, dates with their
precision — no internal note printed, statistics and open data in the chosen language, and a
"cite this record" block with the record's stable address. Fictional data."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.web import i18n
from sillok.web.app import create_app
from sillok.web.labels import date_label, public_note
from tests.conftest import ADMIN, make_event, make_person

CODES = ("forced_repatriation", "kp-09-onsong", "cn-tumen", "birth_year_estimate",
         "victim_status", "act_type", "repatriated", "True", "False")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def _visible(html: str) -> str:
    """The page's text as a reader sees it (no markup, no head)."""
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("lang,value,expected", [
    ("ko", "2023-05-08", "2023년 5월 8일"), ("en", "2023-05-08", "8 May 2023"),
    ("ko", "2023-05", "2023년 5월"), ("en", "2023-05", "May 2023"),
    ("ko", "~2023-05", "2023년 5월경"), ("en", "~2023-05", "around May 2023"),
    ("ko", "2023-Q1", "2023년 1분기"), ("en", "2023-Q1", "Q1 2023"),
    ("en", "~2019", "around 2019"), ("ko", "2019", "2019년"),
    ("en", "2023-01/2023-03", "January 2023 – March 2023"),
])
def test_dates_say_their_precision(lang: str, value: str, expected: str) -> None:
    token = i18n.current.set(lang)
    try:
        assert date_label(value) == expected
    finally:
        i18n.current.reset(token)


def test_internal_notes_are_never_printed() -> None:
    note = ("NKDB 2009 categories, shared/reference/nk-facts.md §1.1 and §3 (Future Korea, "
            "https://example.org/reference/a); usage: not in shared/reference [unverified]")
    cleaned = public_note(note)
    assert cleaned == "NKDB 2009 categories (Future Korea, https://example.org/reference/a); usage"
    assert public_note("Yonhap AEN20200403007000325: shared/reference/nk-facts.md §2") == \
        "Yonhap AEN20200403007000325"


def test_act_person_and_event_pages_show_labels(client: TestClient, archive: Archive) -> None:
    victim = make_person(archive, name="가상 피해자", sex="female", birth_year=1990,
                         birth_year_estimate=True)
    event = make_event(archive, title="Fictional repatriation", date="~2023-05",
                       places=["cn-tumen", "kp-09-onsong"])
    act = archive.create(ADMIN, "act", {"level": "public", "event": event, "victim": victim,
                                        "act_type": "forced_repatriation", "date": "~2023-05",
                                        "place": "kp-09-onsong",
                                        "victim_status": "detained"})
    for lang, words in (("ko", ["강제송환", "2023년 5월경", "온성, 함경북도", "여성",
                                "1990년경 (추정)", "이 기록 인용하기", "구금"]),
                        ("en", ["Forced repatriation", "around May 2023",
                                "Onsong, North Hamgyong", "Female", "about 1990 (estimated)",
                                "Cite this record", "Detained"])):
        client.cookies.clear()
        pages = [client.get(f"/records/act/{act}", headers={"accept-language": lang}),
                 client.get(f"/records/person/{victim}", headers={"accept-language": lang}),
                 client.get(f"/events/{event}", headers={"accept-language": lang})]
        text = " ".join(_visible(p.text) for p in pages)
        for word in words:
            assert word in text, (lang, word)
        for code in CODES:
            assert code not in text, (lang, code)
        assert f'href="http://testserver/records/act/{act}"' in pages[0].text  # stable address
        assert 'hreflang="en"' in pages[0].text and 'hreflang="ko"' in pages[0].text


def test_stats_and_data_follow_the_chosen_language(client: TestClient,
                                                  archive: Archive) -> None:
    victim = make_person(archive, name="가상 피해자")
    archive.create(ADMIN, "act", {"level": "public", "event": make_event(archive),
                                  "victim": victim, "act_type": "forced_repatriation",
                                  "date": "2020"})
    korean = client.get("/stats", headers={"accept-language": "ko-KR"})
    english = client.get("/stats?lang=en")
    remembered = client.get("/data")  # the cookie ?lang=en set
    assert '<html lang="ko">' in korean.text and "연도별 입국 인원" in korean.text
    assert 'aria-label="연도별 입국 인원 그래프"' in korean.text  # charts described in Korean too
    assert '<html lang="en">' in english.text and "Arrivals per year" in english.text
    assert '<html lang="en">' in remembered.text and "Defector arrivals per year" in \
        remembered.text and "Columns: Period, Total, Men" in remembered.text
    for page in (korean, english, remembered):
        assert ".md" not in page.text and "shared/reference" not in page.text
    # Codes in the count tables come with their labels, headers in the reader's language.
    acts = client.get("/data/acts-type.csv?lang=ko").text.lstrip("\ufeff").splitlines()
    assert acts[0].startswith("침해 유형,침해 유형 (이름),행위,피해자,사건")
    assert acts[1].startswith("forced_repatriation,강제송환,")
    # Each figure cites a public source with its address.
    assert "https://en.yna.co.kr/view/AEN20230425005900325" in english.text
    assert 'hreflang="ko" href="http://testserver/stats?lang=ko"' in english.text
