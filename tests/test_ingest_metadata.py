"""Titles and dates from what a file says about itself (issue 23, point 5): a real title from
the document's properties, else the first real heading (never a running header, a page number
such as "- 1 -", or a date alone); dates with where they came from; a web page's date from its
structured data before anything in its text. Fictional files made here."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sillok.archive.service import Archive
from sillok.ingest.detect import sniff
from sillok.ingest.formats_office import docx, hwp5, property_set
from sillok.ingest.formats_pdf import pdf
from sillok.ingest.formats_text import html
from sillok.ingest.guards import Limits
from sillok.ingest.metadata import (
    heading,
    iso_date,
    junk_title,
    not_a_heading,
    structured_date,
    title_of,
)
from sillok.ingest.pipeline import Ingestor, Options
from tests import files
from tests.conftest import ADMIN

PAGE_NUMBERS = ["- 1 -", "– 12 –", "3", "(4)", "1 / 12", "2 of 9", "Page 3", "p. 7", "3쪽",
                "페이지 2", "iv", "- ii -", "~5~"]


@pytest.mark.parametrize("line", PAGE_NUMBERS)
def test_page_numbers_are_no_titles(line: str) -> None:
    assert not_a_heading(line) and junk_title(line)
    assert heading(f"{line}\n[가상] 함경북도 인권 보고서\n본문") == "[가상] 함경북도 인권 보고서"


@pytest.mark.parametrize("title", ["Microsoft Word - 문서1.docx", "제목 없음", "Untitled",
                                   "Document1", "보고서_최종.hwp", "  ", "2023", "문서 3"])
def test_junk_in_the_properties_gives_way_to_the_heading(title: str) -> None:
    text = "2023. 5. 8.\n[가상] 구금시설 실태 조사\n본문"
    assert title_of(title, text) == ("[가상] 구금시설 실태 조사", "heading")
    assert title_of("[가상] 속성의 제목", text) == ("[가상] 속성의 제목", "properties")


@given(st.lists(st.sampled_from([*PAGE_NUMBERS, "2023-05-08", "2021년 3월", "", "***"]),
                max_size=6),
       st.text(min_size=0, max_size=60))
def test_a_heading_is_never_a_page_number_or_a_date(junk: list[str], rest: str) -> None:
    found = heading("\n".join([*junk, rest]))
    if found is not None:
        assert not not_a_heading(found) and len(found) <= 200
        assert found not in PAGE_NUMBERS


def test_running_headers_are_skipped() -> None:
    header = "북한인권 연례보고서 2023"
    pages = [f"{header}\n- 1 -\n[가상] 서론\n본문", f"{header}\n- 2 -\n다른 본문",
             f"{header}\n- 3 -\n셋째 본문"]
    text, starts = "", []
    for page in pages:
        starts.append(len(text) + (2 if text else 0))
        text = f"{text}\n\n{page}" if text else page
    assert heading(text, starts) == "[가상] 서론"
    assert heading(pages[0]) == "북한인권 연례보고서 2023"  # one page: nothing repeats


def test_a_pdf_title_is_its_large_heading_not_its_page_header() -> None:
    data = files.korean_pdf([[(95, 10, "- 1 -"), (20, 40, "본문의 첫 줄은 작은 글자로 쓴다."),
                              (95, 287, "- 1 -")],
                             [(95, 10, "- 2 -"), (20, 40, "둘째 쪽"), (95, 287, "- 2 -")]])
    got = pdf(sniff(data), data, ocr=False)
    assert got.title == "본문의 첫 줄은 작은 글자로 쓴다."
    assert got.metadata["title_source"] == "heading"
    assert got.published == datetime.now().date().isoformat()  # fpdf2 dates it now
    assert got.metadata["date_source"] == "PDF properties: CreationDate"


def test_a_word_title_from_its_properties_or_its_heading_style() -> None:
    import docx as python_docx

    document = python_docx.Document()
    document.core_properties.title = "Microsoft Word - 문서1.docx"
    document.core_properties.created = datetime(2021, 3, 4, 9, 0)
    document.add_paragraph("- 1 -")
    document.add_paragraph("[가상] 작성자 메모")
    document.add_heading("[가상] 2020년 국경 지역 증언 요약", level=1)
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    got = docx(sniff(data), data, Limits())
    assert got.title == "[가상] 2020년 국경 지역 증언 요약"
    assert got.published == "2021-03-04"
    assert got.metadata == {"title_source": "heading", "created": "2021-03-04",
                            "date_source": "Word properties: created"}


SIDEBAR = "<aside><p>Most read — 2001-01-01</p></aside>"


def _page(head: str, body_date: str = "2019-11-30") -> bytes:
    paragraph = ("<p>[Fictional] A report on the border region, written for tests only. " * 4
                 + "</p>")
    return (f"<html><head><title>[Fictional] Border report</title>{head}</head><body>"
            f"<article><h1>[Fictional] Border report</h1><p>Posted {body_date}</p>"
            f"{paragraph * 3}</article>{SIDEBAR}</body></html>").encode()


@pytest.mark.parametrize(("head", "day", "said_by"), [
    ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
     '{"@type": "WebPage", "dateCreated": "2018-01-02"}, {"@type": "NewsArticle", '
     '"datePublished": "2022-06-15T09:00:00+09:00"}]}</script>'
     '<meta property="article:published_time" content="2020-01-01">',
     "2022-06-15", "JSON-LD datePublished"),
    ('<meta property="article:published_time" content="2021-08-09T10:00:00Z">',
     "2021-08-09", "<meta property=article:published_time>"),
    ('<script type="application/ld+json">not json</script>'
     '<meta name="date" content="2017/04/05">', "2017-04-05", "<meta name=date>"),
])
def test_a_web_page_is_dated_by_its_structured_data(head: str, day: str,
                                                    said_by: str) -> None:
    data = _page(head)
    got = html(sniff(data), Limits())
    assert (got.published, got.metadata["date_source"]) == (day, said_by)
    assert structured_date(data.decode()) == (day, said_by)


def test_without_structured_data_the_extractor_dates_the_page() -> None:
    got = html(sniff(_page("")), Limits())
    assert got.metadata.get("date_source", "page text or address (trafilatura)") == (
        "page text or address (trafilatura)")
    assert structured_date("") == (None, None)


@given(st.text(max_size=30))
def test_iso_dates_are_real_or_none(value: str) -> None:
    got = iso_date(value)
    assert got is None or (len(got) == 10 and int(got[:4]) >= 1900)


def test_the_source_page_says_where_title_and_date_came_from(archive: Archive) -> None:
    data = _page('<meta property="article:published_time" content="2021-08-09">')
    outcome = Ingestor(archive, ADMIN, Options(level="internal")).ingest_bytes(data, "p.html")
    fields = archive.get(ADMIN, "source", outcome.source_id or 0)["fields"]
    assert fields["published"] == "2021-08-09"
    assert fields["extra"]["metadata"]["date_source"] == "<meta property=article:published_time>"
    assert fields["title"] == "[Fictional] Border report"


# -- HWP 5 document properties (파일 > 문서 정보) ---------------------------------------------
def test_an_hwp5_title_author_and_date_come_from_its_properties(tmp_path: Path) -> None:
    data = files.hwp_with_properties(
        ["- 1 -", "[가상] 본문의 첫 줄", "[가상] 둘째 문단"], tmp_path / "props.hwp",
        title="[가상] 함경북도 구금시설 조사 보고서", author="[가상] 현장 조사팀",
        created=datetime(2023, 5, 8, 9, 30))
    got = hwp5(sniff(data), data)
    assert got.title == "[가상] 함경북도 구금시설 조사 보고서"
    assert got.author == "[가상] 현장 조사팀"
    assert got.published == "2023-05-08"
    assert got.metadata == {"title_source": "properties", "created": "2023-05-08",
                            "date_source": "HWP properties: created"}


def test_an_hwp5_with_a_junk_property_title_takes_its_heading(tmp_path: Path) -> None:
    data = files.hwp_with_properties(["- 1 -", "[가상] 국경 지역 증언 요약", "본문"],
                                     tmp_path / "junk.hwp", title="보고서_최종.hwp",
                                     author="user", created=datetime(2020, 1, 2))
    got = hwp5(sniff(data), data)
    assert (got.title, got.metadata["title_source"]) == ("[가상] 국경 지역 증언 요약", "heading")
    # the file python-hwpx writes as it is: an empty title, an author without what follows
    plain = files.hancom(["[가상] 다른 문서"], tmp_path / "plain.hwp")
    assert hwp5(sniff(plain), plain).author == "synthetic-fixture-author"


def test_an_hwp5_is_ingested_with_its_properties(archive: Archive, tmp_path: Path) -> None:
    data = files.hwp_with_properties(["[가상] 본문"], tmp_path / "in.hwp",
                                     title="[가상] 속성의 제목", author="[가상] 작성자",
                                     created=datetime(2019, 11, 30, 23, 0))
    outcome = Ingestor(archive, ADMIN, Options(level="internal")).ingest_bytes(data, "in.hwp")
    assert outcome.status == "ingested" and outcome.source_id, outcome.reason
    fields = archive.get(ADMIN, "source", outcome.source_id)["fields"]
    assert fields["title"] == "[가상] 속성의 제목" and fields["published"] == "2019-11-30"


@given(st.binary(max_size=300))
def test_a_damaged_property_set_raises_value_error_only(stream: bytes) -> None:
    try:
        got = property_set(b"\xfe\xff" + stream)
    except ValueError:
        return
    assert all(isinstance(k, int) for k in got)
