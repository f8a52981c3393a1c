"""Friendly errors, property-based over the public route table: whatever a visitor puts in a
public page's path or parameters, the site answers with a page in the reader's language (a
4xx with the search bar) and the API with RFC 9457 problem details — never a 5xx, a stack or
a raw validation dump. Fictional data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.search.query import MAX_QUERY
from sillok.web.access import ROUTES
from sillok.web.api import PREFIX
from sillok.web.app import create_app
from tests.api_helpers import PROBLEM, api_app
from tests.conftest import make_event, make_source
from tests.test_route_matrix import routes

PUBLIC_PAGES = [key.split(" ", 1)[1] for key, rule in ROUTES.items()
                if rule == "public" and key.startswith("GET ")]
PARAM = re.compile(r"\{(\w+)\}")
# Values a visitor (or a crawler, or a typo) may put where a page expects one.
ODD_VALUES = st.one_of(
    st.sampled_from(["abc", "0", "-1", "1", "2", str(2**31), str(2**63), "9" * 30, "1.5",
                     "", "%", "..", "true", "null", "강제북송", "act_type", "<b>x</b>"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
            max_size=30),
)
QUERY_KEYS = st.sampled_from(["page", "offset", "q", "expand", "filter", "lang", "limit",
                              "type", "year"])
DUMP_MARKS = ('"loc"', '"msg"', "Traceback", 'File "', "int_parsing", "pydantic",
              "sqlalchemy", "Input should be")


@pytest.fixture
def client(settings: Settings, archive: Archive) -> Iterator[TestClient]:
    make_source(archive, title="[가상] 공개 자료", text="[가상] 회령에서 탈북민이 체포됐다.")
    make_event(archive)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def api_get_paths(client: TestClient) -> list[str]:
    api = api_app(client.app)  # type: ignore[arg-type]
    return sorted({PREFIX + path for method, path in routes(api)
                   if method == "GET" and "openapi" not in path})


def assert_friendly(response: object, url: str) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    text = response.text  # type: ignore[attr-defined]
    kind = response.headers.get("content-type", "")  # type: ignore[attr-defined]
    assert status < 500, (url, status, text[:300])
    for mark in DUMP_MARKS:
        assert mark not in text, (url, mark, text[:300])
    if status < 400 or status in (303, 307):
        return
    if url.startswith("/api/v1"):
        assert kind.startswith("application/problem+json"), (url, kind)
        body = response.json()  # type: ignore[attr-defined]
        assert set(body) == PROBLEM and body["status"] == status, (url, body)
    else:
        assert kind.startswith("text/html"), (url, kind, text[:200])
        assert 'class="searchbar"' in text, url


def test_bad_ids_and_parameters_never_break_a_page(client: TestClient) -> None:
    api_paths = api_get_paths(client)
    assert len(PUBLIC_PAGES) >= 10 and len(api_paths) >= 10

    @given(path=st.sampled_from(PUBLIC_PAGES + api_paths), values=st.lists(ODD_VALUES,
           min_size=3, max_size=3), params=st.dictionaries(QUERY_KEYS, ODD_VALUES,
                                                           max_size=3))
    @hsettings(max_examples=150, deadline=None, database=None, derandomize=True,
               phases=[Phase.explicit, Phase.generate],
               suppress_health_check=list(HealthCheck))
    def friendly(path: str, values: list[str], params: dict[str, str]) -> None:
        filled = iter(values * 3)
        url = PARAM.sub(lambda _m: quote(next(filled), safe="") or "x", path)
        answer = client.get(url, params=params)
        assert_friendly(answer, url)

    friendly()


@pytest.mark.parametrize("url,status,lang,words", [
    ("/sources/abc", 404, "en", "Not found"),
    (f"/events/{2**40}", 404, "ko", "찾을 수 없습니다"),
    ("/no/such/page", 404, "ko", "찾을 수 없습니다"),
    ("/search?q=x&page=abc", 400, "en", "page</code> must be a whole number"),
    ("/sources?offset=abc", 400, "ko", "정수여야"),
])
def test_error_pages_speak_the_readers_language(client: TestClient, url: str, status: int,
                                                lang: str, words: str) -> None:
    page = client.get(url, headers={"accept-language": lang})
    assert page.status_code == status
    assert f'<html lang="{lang}">' in page.text and words in page.text, page.text[-1500:]
    assert 'class="searchbar"' in page.text


def test_long_queries_are_refused_politely(client: TestClient) -> None:
    at_limit = client.get("/search", params={"q": "회령" * (MAX_QUERY // 2)})
    assert at_limit.status_code == 200
    too_long = client.get("/search", params={"q": "강제북송" * MAX_QUERY, "lang": "en"})
    assert too_long.status_code == 400
    assert f"at most {MAX_QUERY:,} characters" in too_long.text
    assert f'value="{"강제북송" * (MAX_QUERY // 4)}"' in too_long.text  # kept, cut at the limit
    api = client.get("/api/v1/search", params={"q": "강제북송" * MAX_QUERY})
    assert api.status_code == 422 and set(api.json()) == PROBLEM
    assert api.headers["content-type"].startswith("application/problem+json")
