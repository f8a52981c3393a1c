"""A small Uwazi server for the import tests, answering as Uwazi's API does (huridocs/uwazi
app/api: auth/routes.js, templates/routes.ts, thesauri/routes.ts, relationtypes/routes.js,
search/deprecatedRoutes.js): ``POST /api/login`` with ``X-Requested-With`` sets a session
cookie; ``GET /api/settings``, ``/api/templates``, ``/api/thesauris`` and
``/api/relationtypes`` answer ``{rows: [...]}``; ``GET /api/search`` reads its parameters as
JSON (``types``, ``from``, ``limit``) and answers ``{rows, totalRows}`` in the
``Content-Language`` asked for; ``/api/files/NAME`` serves attachments. A private
instance: nothing but the login answers without the cookie.

Every template, entity and name here is fictional (가상), made for the tests.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

USER, PASSWORD = "officer", "가상-비밀번호"
COOKIE = "connect.sid=s%3Afake-session"
PDF = b"%PDF-1.4\n% fictional testimony T-9 (test)\n"
PDF_EN = b"%PDF-1.4\n% fictional testimony T-9, English version (test)\n"
JPG = b"\xff\xd8\xff\xe0 fictional portrait (test)"
# What /api/files/NAME serves; an attachment named but missing here answers 404.
FILES = {"abc123.pdf": PDF, "abc123-en.pdf": PDF_EN, "kim-portrait.jpg": JPG,
         "big.bin": b"0" * 5000}

VICTIM, INCIDENT, TESTIMONY, NOTE = "tpl-victim", "tpl-incident", "tpl-testimony", "tpl-note"
THESAURI = [
    {"_id": "th-sex", "name": "Sex", "values": [{"id": "f", "label": "여"},
                                                {"id": "m", "label": "남"}]},
    {"_id": "th-violation", "name": "Violations", "values": [
        {"id": "v1", "label": "강제북송"}, {"id": "v2", "label": "구금"},
        {"id": "v3", "label": "가상의 침해"}]},
    {"_id": "th-place", "name": "Places", "values": [{"id": "p1", "label": "회령"},
                                                     {"id": "p2", "label": "가상리"}]},
]
RELATION_TYPES = [{"_id": "rel-family", "name": "Family"},
                  {"_id": "rel-witness", "name": "Witness"},
                  {"_id": "rel-victim", "name": "Victim"},
                  {"_id": "rel-source", "name": "Source"}]
TEMPLATES = [
    {"_id": VICTIM, "name": "Victim", "commonProperties": [{"name": "title", "type": "text"}],
     "properties": [
         {"_id": "1", "name": "sex", "label": "Sex", "type": "select", "content": "th-sex"},
         {"_id": "2", "name": "year_of_birth", "label": "Year of birth", "type": "numeric"},
         {"_id": "3", "name": "interviewer", "label": "Interviewer", "type": "text"},
         {"_id": "13", "name": "father", "label": "Father", "type": "relationship",
          "content": VICTIM, "relationType": "rel-family"},
         {"_id": "14", "name": "children", "label": "Children", "type": "relationship",
          "content": VICTIM, "relationType": "rel-family"},
         # Neither name nor label says what it is: the relation type does (Witness).
         {"_id": "15", "name": "seen_by", "label": "Seen by", "type": "relationship",
          "content": VICTIM, "relationType": "rel-witness"}]},
    {"_id": INCIDENT, "name": "Incident", "properties": [
        {"_id": "4", "name": "date", "label": "Date", "type": "date"},
        {"_id": "5", "name": "location", "label": "Location", "type": "select",
         "content": "th-place"},
        {"_id": "6", "name": "violation_type", "label": "Violation type",
         "type": "multiselect", "content": "th-violation"},
        {"_id": "7", "name": "victims", "label": "Victims", "type": "relationship",
         "content": VICTIM, "relationType": "rel-victim"},
        {"_id": "8", "name": "testimony", "label": "Testimony", "type": "relationship",
         "content": TESTIMONY, "relationType": "rel-source"},
        {"_id": "9", "name": "geolocation_geolocation", "label": "Geolocation",
         "type": "geolocation"},
        {"_id": "10", "name": "summary", "label": "Summary", "type": "markdown"}]},
    {"_id": TESTIMONY, "name": "Testimony", "properties": [
        {"_id": "11", "name": "interview_date", "label": "Interview date", "type": "date"}]},
    {"_id": NOTE, "name": "Internal note", "properties": [
        {"_id": "12", "name": "text", "label": "Text", "type": "text"}]},
]


def _entity(shared: str, template: str, titles: dict[str, str],
            metadata: dict[str, list[dict[str, Any]]], *,
            english: dict[str, list[dict[str, Any]]] | None = None,
            **extra: Any) -> dict[str, dict[str, Any]]:
    """One entity in each language of ``titles``; ``english``: the metadata that the English
    version says otherwise (text properties and thesaurus labels are translated per
    language in Uwazi; dates and numbers are shared)."""
    return {lang: {"_id": f"{shared}-{lang}", "sharedId": shared, "language": lang,
                   "template": template, "title": title, "published": True,
                   "metadata": {**metadata, **(english or {})} if lang == "en" else metadata,
                   **extra} for lang, title in titles.items()}


def _testimony() -> dict[str, dict[str, Any]]:
    """A testimony with a document per language and three attachments that cannot all be
    fetched: one missing on the server, one larger than a test's limit, one that Uwazi says
    is too large for any limit."""
    pdf = {"mimetype": "application/pdf", "size": len(PDF)}
    versions = _entity(
        "t-9", TESTIMONY, {"ko": "증언 T-9 (가상)", "en": "Testimony T-9"},
        {"interview_date": [{"value": 1577836800}]},
        documents=[{"_id": "f1", "filename": "abc123.pdf", "originalname": "testimony-T-9.pdf",
                    **pdf}],
        attachments=[{"_id": "f3", "filename": "gone.png", "originalname": "map.png"},
                     {"_id": "f4", "filename": "big.bin", "originalname": "video.mp4"},
                     {"_id": "f5", "filename": "huge.mov", "originalname": "huge.mov",
                      "size": 10**12}])
    versions["en"]["documents"] = [{"_id": "f6", "filename": "abc123-en.pdf",
                                    "originalname": "testimony-T-9-en.pdf", **pdf}]
    return versions


def _entities() -> dict[str, dict[str, dict[str, Any]]]:
    """sharedId -> language -> entity; incident i-1 has its text and labels in English too,
    the others keep the Korean labels in their English copy."""
    march = 1552003200  # 2019-03-08
    return {
        "v-kim": _entity("v-kim", VICTIM, {"ko": "김가명", "en": "Kim Ga-myeong"},
                         {"sex": [{"value": "f", "label": "여"}],
                          "year_of_birth": [{"value": 1985}],
                          "interviewer": [{"value": "조사원 갑"}],
                          # 박가상 is 김가명's father; a witness who is not in Uwazi.
                          "father": [{"value": "v-park", "label": "박가상"}],
                          "seen_by": [{"value": "v-ghost", "label": "없는 가상인"}]},
                         attachments=[{"_id": "f2", "filename": "kim-portrait.jpg",
                                       "originalname": "portrait.jpg",
                                       "mimetype": "image/jpeg", "size": len(JPG)}]),
        "v-park": _entity("v-park", VICTIM, {"ko": "박가상"},
                          {"sex": [{"value": "m", "label": "남"}], "year_of_birth": [],
                           "interviewer": [],
                           # The same tie from his side; and 김가명 saw what happened to him.
                           "children": [{"value": "v-kim", "label": "김가명"}],
                           "seen_by": [{"value": "v-kim", "label": "김가명"}]},
                          published=False),
        "t-9": _testimony(),
        "i-1": _entity("i-1", INCIDENT, {"ko": "회령 강제북송 (가상)",
                                         "en": "Forced repatriation, Hoeryong (fictional)"},
                       {"date": [{"value": march}],
                        "location": [{"value": "p1", "label": "회령"}],
                        "violation_type": [{"value": "v1", "label": "강제북송"},
                                           {"value": "v2", "label": "구금"}],
                        "victims": [{"value": "v-kim", "label": "김가명"},
                                    {"value": "v-park", "label": "박가상"}],
                        "testimony": [{"value": "t-9", "label": "증언 T-9 (가상)"}],
                        "geolocation_geolocation": [{"value": {"lat": 42.44, "lon": 129.75,
                                                               "label": "회령"}}],
                        "summary": [{"value": "가상 사건 요약"}]},
                       english={"summary": [{"value": "Summary of a fictional incident"}],
                                "location": [{"value": "p1", "label": "Hoeryong"}],
                                "violation_type": [
                                    {"value": "v1", "label": "Forced repatriation"},
                                    {"value": "v2", "label": "Detention"}]}),
        "i-2": _entity("i-2", INCIDENT, {"ko": "가상리 사건"},
                       {"date": [{"value": {"from": march, "to": march + 86400 * 30}}],
                        "location": [{"value": "p2", "label": "가상리"}],
                        "violation_type": [{"value": "v3", "label": "가상의 침해"}],
                        "victims": [{"value": "v-kim", "label": "김가명"}]}),
        "n-1": _entity("n-1", NOTE, {"ko": "내부 메모"}, {"text": [{"value": "비공개"}]}),
    }


@dataclass
class FakeUwazi:
    url: str = ""
    entities: dict[str, dict[str, dict[str, Any]]] = field(default_factory=_entities)
    requests: list[str] = field(default_factory=list)


def _handler(state: FakeUwazi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: Any, *, cookie: bool = False,
                  raw: bytes | None = None) -> None:
            data = raw if raw is not None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/octet-stream" if raw is not None
                             else "application/json")
            self.send_header("Content-Length", str(len(data)))
            if cookie:
                self.send_header("Set-Cookie", f"{COOKIE}; Path=/; HttpOnly")
            self.end_headers()
            self.wfile.write(data)

        def _signed_in(self) -> bool:
            return COOKIE in (self.headers.get("Cookie") or "")

        def do_POST(self) -> None:
            state.requests.append(f"POST {self.path}")
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.headers.get("X-Requested-With") != "XMLHttpRequest":
                self._send(403, {"error": "Forbidden: X-Requested-With header was not sent!"})
            elif self.path == "/api/login" and body == {"username": USER, "password": PASSWORD}:
                self._send(200, {"success": True}, cookie=True)
            else:
                self._send(401, {"error": "Unauthorized"})

        def do_GET(self) -> None:
            state.requests.append(f"GET {self.path}")
            url = urlsplit(self.path)
            query = {k: json.loads(v[0]) if k != "sort" and k != "order" else v[0]
                     for k, v in parse_qs(url.query).items()}
            if not self._signed_in():
                self._send(401, {"error": "Unauthorized"})
            elif url.path == "/api/settings":
                self._send(200, {"languages": [{"key": "ko", "label": "한국어", "default": True},
                                               {"key": "en", "label": "English"}]})
            elif url.path == "/api/templates":
                self._send(200, {"rows": TEMPLATES})
            elif url.path == "/api/thesauris":
                self._send(200, {"rows": THESAURI})
            elif url.path == "/api/relationtypes":
                self._send(200, {"rows": RELATION_TYPES})
            elif url.path == "/api/search":
                self._search(query)
            elif url.path.startswith("/api/files/"):
                name = url.path.rsplit("/", 1)[1]
                if name in FILES:
                    self._send(200, None, raw=FILES[name])
                else:
                    self._send(404, {"error": "not found"})
            else:
                self._send(404, {"error": "not found"})

        def _search(self, query: dict[str, Any]) -> None:
            lang = self.headers.get("Content-Language") or "ko"
            types = query.get("types") or []
            rows = [versions[lang] for versions in state.entities.values()
                    if lang in versions and versions[lang]["template"] in types]
            start, limit = int(query.get("from", 0)), int(query.get("limit", 30))
            self._send(200, {"rows": rows[start:start + limit], "totalRows": len(rows),
                             "aggregations": {"all": {}}})

    return Handler


@contextmanager
def fake_uwazi() -> Iterator[FakeUwazi]:
    state = FakeUwazi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
