"""Every API error is RFC 9457 problem details (with ``error`` and ``fields``) with the right
status, and never a traceback, an exception's text, SQL or a server path — even when
something breaks inside."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.errors import StorageError
from tests.api_helpers import api_client, as_, assert_error
from tests.conftest import EDITOR, VIEWER, make_source

API = "/api/v1"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    # As a server would answer: an unexpected exception becomes a response, not a test error.
    with api_client(settings, raise_server_exceptions=False) as c:
        yield c


def test_statuses_and_shape(client: TestClient, archive: Archive) -> None:
    source = make_source(archive, level="restricted")
    assert_error(client.get(f"{API}/no/such/path"), 404)
    assert_error(client.delete(f"{API}/sources/{source}"), 405)
    assert_error(client.get(f"{API}/sources/{source}"), 404)
    assert_error(client.post(f"{API}/sources", json={}), 401)
    assert client.post(f"{API}/sources", json={}).headers["www-authenticate"] == "Bearer"
    assert_error(client.post(f"{API}/sources", json={}, headers=as_(VIEWER)), 403)
    body = assert_error(client.post(f"{API}/sources?lang=en", json={}, headers=as_(EDITOR)),
                        422, "kind", "title")
    assert body["fields"] == {"kind": "required", "title": "required"}
    assert_error(client.get(f"{API}/sources", params={"limit": "many"}), 422, "limit")


def test_hidden_and_missing_records_answer_alike(client: TestClient, archive: Archive) -> None:
    hidden = make_source(archive, level="internal")
    for suffix in ("", "/history"):
        a = client.get(f"{API}/sources/{hidden}{suffix}", headers=as_(VIEWER) if suffix else {})
        b = client.get(f"{API}/sources/999999{suffix}", headers=as_(VIEWER) if suffix else {})
        if suffix:  # a viewer may read the internal one's history; the missing one is 404
            assert a.status_code == 200
            continue
        assert (a.status_code, b.status_code) == (404, 404)
        assert a.json()["error"].replace(str(hidden), "N") == \
            b.json()["error"].replace("999999", "N")


def test_bad_bodies(client: TestClient) -> None:
    editor = as_(EDITOR)
    for raw in (b"", b"{", b"[1, 2]", b"42", b'{"title": NaN}', b"\xff\xfe{"):
        assert_error(client.post(f"{API}/events", headers=editor, content=raw), 422, "body")
    assert_error(client.post(f"{API}/events", headers=editor,
                             json={"title": "a\x00b"}), 422, "title")
    assert_error(client.post(f"{API}/events", headers=editor,
                             json={"title": "x", "places": ["a\x00"]}), 422, "places.0")
    assert_error(client.post(f"{API}/events/1/retract", headers=editor,
                             json={"reason": "x", "extra": 1}), 422, "extra")


def test_values_postgres_cannot_take_are_refused(client: TestClient) -> None:
    assert_error(client.get(f"{API}/sources", params={"kind": "a\x00b"}), 422, "kind")
    assert_error(client.get(f"{API}/search", params={"q": "\x00"}), 422, "q")
    assert_error(client.get(f"{API}/sources/{2**31}"), 422, "record_id")
    assert_error(client.get(f"{API}/sources", params={"offset": 10**12}), 422, "offset")
    # Ids are 32-bit and years four digits: anything past them is refused before a query.
    for value in (str(2**31), str(2**40), "0", str(-(2**63) + 1), "-99999999999999999999999"):
        assert_error(client.get(f"{API}/acts", params={"event": value}), 422, "event")
    assert_error(client.get(f"{API}/acts", params={"year": "10000"}), 422, "year")
    answer = client.get(f"{API}/acts", params={"event": str(2**31 - 1)})
    assert answer.status_code == 200 and answer.json()["total"] == 0, answer.text


def test_unexpected_failures_say_nothing(client: TestClient, archive: Archive,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    source = make_source(archive)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("SECRETDETAIL at /srv/sillok/data: SELECT * FROM persons")

    monkeypatch.setattr(Archive, "get", broken)
    body = assert_error(client.get(f"{API}/sources/{source}?lang=en"), 500)
    assert body == {"type": "about:blank", "title": "Internal Server Error", "status": 500,
                    "code": "internal_error", "detail": "internal error",
                    "error": "internal error", "fields": {}}
    korean = assert_error(client.get(f"{API}/sources/{source}?lang=ko"), 500)
    assert korean["detail"] == "내부 오류"

    def unavailable(*_args: object, **_kwargs: object) -> None:
        raise StorageError("the archive is not reachable")

    monkeypatch.setattr(Archive, "list_records", unavailable)
    assert_error(client.get(f"{API}/sources"), 503)


def test_site_errors_stay_html(client: TestClient) -> None:
    page = client.get("/sources/999999")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


def test_codes_stay_and_words_follow_the_language(client: TestClient,
                                                  archive: Archive) -> None:
    """The same mistake has the same code in both languages; the sentence and the per-field
    words are in the request's language (Korean unless asked otherwise)."""
    hidden = make_source(archive, level="internal")
    cases = [
        (lambda h: client.get(f"{API}/sources/{hidden}", headers=h), 404, "not_found",
         f"찾을 수 없습니다: 자료 #{hidden}", f"no source #{hidden}"),
        (lambda h: client.get(f"{API}/no/such/path", headers=h), 404, "not_found",
         "찾을 수 없습니다", "not found"),
        (lambda h: client.delete(f"{API}/sources/{hidden}", headers=h), 405,
         "method_not_allowed", "허용되지 않는 요청 방식입니다", "method not allowed"),
        (lambda h: client.get(f"{API}/sources", params={"limit": "many"}, headers=h), 422,
         "invalid_request", "요청이 올바르지 않습니다", "invalid request"),
        (lambda h: client.post(f"{API}/sources", json={}, headers={**h, **as_(EDITOR)}), 422,
         "invalid_input", "입력이 올바르지 않습니다", "invalid input"),
        (lambda h: client.post(f"{API}/sources", json={},
                               headers={**h, "Authorization": "Bearer nope"}), 401,
         "token.invalid", "알 수 없거나 만료되었거나 취소된 API 토큰입니다",
         "the API token is unknown, expired or revoked"),
    ]
    for send, status, code, korean, english in cases:
        ko = assert_error(send({}), status)
        en = assert_error(send({"Accept-Language": "en-GB,en;q=0.8"}), status)
        assert ko["code"] == en["code"] == code, (ko, en)
        assert (ko["detail"], en["detail"]) == (korean, english)
    ko = assert_error(client.post(f"{API}/sources", json={}, headers=as_(EDITOR)), 422)
    assert ko["fields"] == {"kind": "필수 항목입니다", "title": "필수 항목입니다"}
