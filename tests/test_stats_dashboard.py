"""Issue 19 §7: the statistics dashboard — years, province and type of violation as form
fields; sex and age group for staff only, explained to the public; each chart's CSV with the
page's filters; hidden cells explained; the quarterly arrivals behind "34 in 2023 Q1".
On the fictional demo archive."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sillok.config import Settings
from sillok.web.app import create_app
from tests.auth_helpers import signed_in


@pytest.fixture
def demo(demo_settings: Settings) -> Settings:
    # A threshold of 1 shows the demo's small cells, so that filters visibly change them.
    return dataclasses.replace(demo_settings, min_cell=1)


@pytest.fixture
def public(demo: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(demo)) as c:
        yield c


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def _acts(rows: list[dict[str, str]], column: str) -> dict[str, str]:
    return {r[column]: r["Acts"] for r in rows if r[column]}


def test_form_fields_filter_the_page_and_its_csv(public: TestClient) -> None:
    everything = _acts(_csv(public.get("/stats/type.csv?lang=en").text), "Violation")
    assert len(everything) > 1
    act = next(iter(everything))
    page = public.get("/stats", params={"act": act, "from": "2000", "lang": "en"}).text
    assert f'<option value="{act}" selected>' in page and 'value="2000"' in page
    one = _csv(public.get(f"/stats/type.csv?act={act}&from=2000&lang=en").text)
    assert set(_acts(one, "Violation")) == {act}
    # The page's CSV and /data's agree for the public: one filter, read once.
    data = _csv(public.get("/data/acts-type.csv", params={
        "filter": f'from:"2000" act:"{act}"', "lang": "en"}).text)
    assert _acts(data, "Violation") == _acts(one, "Violation")
    # The CSV link on the page carries the same choices.
    assert f"/stats/type.csv?from=2000&amp;act={act}&amp;lang=en" in page
    # Province: the choices are the provinces counts roll up to, by name.
    provinces = _acts(_csv(public.get("/stats/province.csv?lang=en").text), "Province")
    code = next(c for c in provinces if c.startswith("kp-"))  # a province, not a country
    assert f'<option value="{code}"' in page
    only = _csv(public.get(f"/stats/province.csv?province={code}&lang=en").text)
    assert set(_acts(only, "Province")) == {code}


def test_sex_and_age_are_refused_publicly_and_explained(public: TestClient) -> None:
    en = public.get("/stats?lang=en").text
    assert 'id="why-no-sex-age"' in en and "Staff see them" in en and 'id="f-sex"' not in en
    ko = public.get("/stats?lang=ko").text
    assert "성별·연령대는 여기서 고를 수 없습니다" in ko
    refused = public.get("/stats", params={"sex": "female", "lang": "en"}).text
    assert "The filter cannot be applied" in refused and "is for staff" in refused
    assert "직원 전용" in public.get("/stats", params={"sex": "female", "lang": "ko"}).text
    assert public.get("/stats/sex.csv").status_code == 404
    assert public.get("/stats/age_group.csv").status_code == 404


def test_staff_see_true_counts_by_sex_and_age(demo: Settings) -> None:
    with signed_in(demo, "viewer") as staff:
        page = staff.get("/stats?lang=en").text
        assert 'id="staff-view"' in page and 'id="f-sex"' in page
        assert 'id="chart-acts-sex"' in page and 'id="chart-acts-age_group"' in page
        assert "why-no-sex-age" not in page
        by_sex = _csv(staff.get("/stats/sex.csv?lang=en").text)
        assert by_sex and {"Sex", "Acts"} <= set(by_sex[0])
        female = staff.get("/stats/type.csv?sex=female&lang=en")
        assert female.status_code == 200
        # As the public sees it, on request.
        as_public = staff.get("/stats?view=public&lang=en").text
        assert 'id="f-sex"' not in as_public and 'name="view" value="public"' in as_public


def test_hidden_cells_are_explained_in_the_readers_language(demo_settings: Settings) -> None:
    # The default threshold: the demo's cells are all hidden.
    with TestClient(create_app(demo_settings)) as c:
        en = c.get("/stats?lang=en").text
        ko = c.get("/stats?lang=ko").text
    assert 'class="suppressed-note"' in en and "hidden, not zero" in en
    assert "0이 아니라 가린 값입니다" in ko


def test_the_seed_headline_is_reproducible_from_the_page(public: TestClient) -> None:
    for lang, phrase in (("en", "34 in 2023 Q1"), ("ko", "2023년 1분기 34명")):
        page = public.get(f"/stats?lang={lang}").text
        assert phrase in page and 'href="#arrivals-2023-Q1"' in page
        assert '<tr id="arrivals-2023-Q1"><td>2023-Q1</td><td>34' in page
    rows = _csv(public.get("/data/arrivals-quarter.csv?lang=en").text)
    row = next(r for r in rows if r["Period"] == "2023-Q1")
    assert row["Total"] == "34" and "http" in row["Source"] and ".md" not in row["Source"]


def test_csv_files_read_in_their_language_and_keep_their_codes(public: TestClient) -> None:
    """A Korean file is Korean throughout: flags are 예/아니요 (not True/False), a total row
    names what it sums in Korean (not the column key ``province``), and a row without a
    province says so; the code columns keep the codes for programs."""
    ko = public.get("/data/acts-type-year.csv?lang=ko").text
    en = public.get("/data/acts-province.csv?lang=en").text
    arrivals = public.get("/data/arrivals-quarter.csv?lang=ko").text
    for text in (ko, en, arrivals):
        assert "True" not in text and "False" not in text
    rows = _csv(ko)
    assert {r["비공개"] for r in rows} <= {"예", "아니요"}
    total = rows[-1]
    assert total["합산 기준"] == "침해 유형, 연도" and total["침해 유형 (이름)"] == "전체"
    assert any(r["침해 유형"] == "forced_repatriation" and r["침해 유형 (이름)"] == "강제송환"
               for r in rows)
    assert not {"type", "year", "province"} & {v for r in rows for v in r.values()}
    by_province = _csv(en)
    assert {r["Suppressed"] for r in by_province} <= {"yes", "no"}
    assert by_province[-1]["Total over"] == "Province"
    assert by_province[-1]["Province (name)"] == "All"
    assert all(r["Province (name)"] for r in by_province)
    assert {r["잠정치"] for r in _csv(arrivals)} <= {"예", "아니요"}
