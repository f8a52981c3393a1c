"""Per-field problems in the reader's language: what pydantic finds wrong with a request's
parameters is worded in Korean or English (field_words.py) by the same choice as the rest of
the site (``?lang=``, the cookie, Accept-Language), keeps the field's path and never quotes
the value sent. Property-based over a few API routes, and the site's 400 page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Literal

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from sillok.config import Settings
from sillok.errors import Said, in_language
from sillok.web.app import create_app
from sillok.web.field_words import NOT_VALID, field_path, field_said
from tests.api_helpers import PROBLEM

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Words a Korean message may keep in Latin letters: formats, and the route's own choices.
LATIN_OK = re.compile(r"'[^']*'|JSON|YYYY-MM-DD|ISO|true|false")


class _Sample(BaseModel):
    model_config = ConfigDict(extra="forbid")
    n: Annotated[int, Field(ge=1, le=200)]
    s: Annotated[str, Field(min_length=2, max_length=5, pattern="^[a-z]*$")] = "ab"
    flag: bool = False
    layer: Literal["province", "county"] = "province"
    items: Annotated[list[int], Field(max_length=2)] = []


def _errors(data: object) -> list[dict[str, object]]:
    with pytest.raises(ValidationError) as info:
        TypeAdapter(_Sample).validate_python(data)
    return list(info.value.errors())  # type: ignore[arg-type]


def assert_korean(message: str) -> None:
    assert HANGUL.search(message), message
    assert not re.search(r"[A-Za-z]", LATIN_OK.sub("", message)), message


def assert_english(message: str) -> None:
    assert not HANGUL.search(message) and message, message


@pytest.mark.parametrize("data,path,en,ko", [
    ({}, "n", "required", "필수 항목입니다"),
    ({"n": "many"}, "n", "must be a whole number", "정수여야 합니다"),
    ({"n": 0}, "n", "must be at least 1", "1 이상이어야 합니다"),
    ({"n": 201}, "n", "must be at most 200", "200 이하여야 합니다"),
    ({"n": 1, "s": "a"}, "s", "must be at least 2 characters", "2자 이상이어야 합니다"),
    ({"n": 1, "s": "abcdefgh"}, "s", "must be at most 5 characters", "5자 이하여야 합니다"),
    ({"n": 1, "s": "ABC"}, "s", "is not in the expected form", "형식이 올바르지 않습니다"),
    ({"n": 1, "flag": "maybe"}, "flag", "must be true or false", "true 또는 false여야 합니다"),
    ({"n": 1, "layer": "x"}, "layer", "must be one of: 'province' or 'county'",
     "다음 중 하나여야 합니다: 'province', 'county'"),
    ({"n": 1, "items": [1, 2, 3]}, "items", "must have at most 2 items",
     "항목이 2개 이하여야 합니다"),
    ({"n": 1, "colour": "red"}, "colour", "unknown field", "알 수 없는 항목입니다"),
])
def test_each_kind_in_both_languages(data: object, path: str, en: str, ko: str) -> None:
    err = _errors(data)[0]
    said = field_said(err)
    assert field_path(err) == path
    assert (in_language(said, "en"), in_language(said, "ko")) == (en, ko)
    assert_korean(said.ko)


def test_a_validators_own_words_and_the_rest() -> None:
    own = Said("x.bad", "is bad", "나쁜 값입니다")
    assert field_said({"type": "value_error", "loc": ("q",),
                       "ctx": {"error": ValueError(own)}}) == own
    # A validator's English sentence might quote the input: the general words instead.
    assert field_said({"type": "value_error", "loc": ("q",), "input": "SECRET",
                       "ctx": {"error": ValueError("SECRET is bad")}}) is NOT_VALID
    assert field_said({"type": "url_parsing", "loc": ("u",)}) is NOT_VALID
    assert field_path({"loc": ("query", "limit")}) == "limit"
    assert field_path({"loc": ("body", "names", 0, "name")}) == "names.0.name"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


# A few API routes and the parameter each checks; the value is what hypothesis draws.
ROUTES = [("/api/v1/sources", "limit"), ("/api/v1/sources", "offset"),
          ("/api/v1/acts", "year"), ("/api/v1/acts", "event"), ("/api/v1/map", "layer")]
MARK = "Zq"  # in every value sent: it must never come back


def test_api_fields_follow_the_readers_language(client: TestClient) -> None:
    @given(route=st.sampled_from(ROUTES), lang=st.sampled_from(["ko", "en"]),
           how=st.sampled_from(["query", "cookie", "header"]),
           value=st.one_of(st.text(max_size=20).map(lambda t: MARK + t),
                           st.integers(min_value=10**6, max_value=10**30).map(str)))
    @hsettings(max_examples=25, deadline=None, database=None, derandomize=True,
               phases=[Phase.explicit, Phase.generate],
               suppress_health_check=list(HealthCheck))
    def check(route: tuple[str, str], lang: str, how: str, value: str) -> None:
        url, name = route
        params = {name: value, **({"lang": lang} if how == "query" else {})}
        headers = {"accept-language": lang} if how == "header" else {}
        client.cookies.clear()
        if how == "cookie":
            client.cookies.set("lang", lang)
        answer = client.get(url, params=params, headers=headers)
        if answer.status_code == 200:  # a large year or offset a route may take
            return
        assert answer.status_code == 422, answer.text
        body = answer.json()
        assert set(body) == PROBLEM and body["code"] == "invalid_request"
        assert list(body["fields"]) == [name], body
        for message in (body["detail"], body["fields"][name]):
            (assert_korean if lang == "ko" else assert_english)(message)
        if value.startswith(MARK):
            assert MARK not in answer.text, answer.text
        assert value not in answer.text or len(value) < 4

    check()


@pytest.mark.parametrize("lang,words", [
    ("ko", "<code>page</code> 정수여야 합니다"),
    ("en", "<code>page</code> must be a whole number"),
])
def test_site_400_page_in_the_readers_language(client: TestClient, lang: str,
                                                words: str) -> None:
    page = client.get("/search", params={"q": "회령", "page": MARK + "x" * 500, "lang": lang})
    assert page.status_code == 400 and words in page.text, page.text[-1200:]
    assert 'value="회령"' in page.text  # the search bar keeps the visitor's query
    # The language switch links to the same address; the problem list never quotes the value.
    problems = page.text.split('<ul class="problems">', 1)[1].split("</ul>", 1)[0]
    assert MARK not in problems and "Input should" not in page.text


def test_a_pages_own_korean_words_are_shown_as_they_are(client: TestClient) -> None:
    page = client.get("/timeline", params={"from": "abc", "lang": "ko"})
    assert page.status_code == 400
    assert "2019와 같은 연도를 입력하세요" in page.text
    assert "올바른 값이 아닙니다 (" not in page.text


@pytest.mark.parametrize("url,lang,said,never", [
    ("/stats?from=abc", "ko", "'abc'은(는) 연도가 아닙니다", "is not a year"),
    ("/map?from=abc", "ko", "'abc'은(는) 연도가 아닙니다", "is not a year"),
    ("/data?filter=act:nope", "ko", "알려진 침해 유형이(가) 아닙니다", "vocabulary"),
    ("/map?act=nope", "en", "'nope' is not a known type of violation", "act_type"),
])
def test_filter_refusals_in_the_readers_language(client: TestClient, url: str, lang: str,
                                                 said: str, never: str) -> None:
    """A count filter the page cannot apply is said on the page, in the reader's language,
    without the vocabulary's internal name."""
    page = client.get(f"{url}&lang={lang}")
    assert page.status_code == 200
    alert = page.text.split('role="alert">', 1)[1].split("</p>", 1)[0]
    assert said in alert.replace("&#39;", "'") and never not in alert, alert


def test_the_api_documentation_names_every_member_of_a_problem(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    text = doc["info"]["description"]
    assert all(f'"{member}"' in text for member in PROBLEM), text
