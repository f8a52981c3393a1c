"""Reading an Uwazi server through its REST API, as Uwazi's own web client does: sign in
(``POST /api/login``, a session cookie), then ``GET /api/settings`` (languages),
``/api/templates``, ``/api/thesauris``, ``/api/relationtypes`` and ``/api/search`` page by
page, once per language (``Content-Language``), and ``/api/files/NAME`` for an entity's
attachments.

Only reads: nothing is ever written to the Uwazi server. Every failure is one line naming the
server and what it answered.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from sillok.errors import SillokError

PAGE = 100  # entities per /api/search request
TIMEOUT = 30.0
MAX_ATTACHMENT = 200 * 1024 * 1024  # an attachment larger than this is listed, not fetched
# Uwazi refuses a POST without it (its CSRF middleware).
HEADERS = {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"}


@dataclass
class UwaziData:
    """What the import reads from a server: templates and thesauri by id, the languages, and
    each entity (by ``sharedId``) in every language it has."""

    url: str
    languages: list[str] = field(default_factory=list)
    default_language: str | None = None
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    thesauri: dict[str, dict[str, Any]] = field(default_factory=dict)
    relation_types: dict[str, dict[str, Any]] = field(default_factory=dict)
    # sharedId -> language -> entity, in the order the server listed them
    entities: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc or self.url


class UwaziClient:
    def __init__(self, url: str, *, transport: httpx.BaseTransport | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SillokError(f"{url}: not an http(s) address of an Uwazi server")
        self.url = url.rstrip("/")
        self.http = httpx.Client(base_url=self.url, headers=HEADERS, timeout=TIMEOUT,
                                 transport=transport, follow_redirects=False)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> UwaziClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests -----------------------------------------------------------------------
    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise SillokError(f"{self.url}{path}: cannot reach the Uwazi server ({exc})"
                              ) from None
        if response.status_code in (401, 403):
            raise SillokError(f"{self.url}{path}: the Uwazi server refused "
                              f"({response.status_code}): check the user name and password")
        if response.status_code >= 400:
            raise SillokError(f"{self.url}{path}: the Uwazi server answered "
                              f"{response.status_code}")
        return response

    def _json(self, path: str, *, params: dict[str, Any] | None = None,
              language: str | None = None) -> Any:
        headers = {"Content-Language": language} if language else None
        response = self._send("GET", path, params=params, headers=headers)
        try:
            return response.json()
        except ValueError:
            raise SillokError(f"{self.url}{path}: not JSON (is this an Uwazi server?)"
                              ) from None

    def login(self, username: str, password: str) -> None:
        self._send("POST", "/api/login", json={"username": username, "password": password})

    def fetch_file(self, filename: str, limit: int = MAX_ATTACHMENT) -> bytes | None:
        """An attachment's bytes, or None when it is larger than ``limit`` (stopped as soon
        as the server says so or sends more). Raises SillokError, one line, on any failure."""
        path = f"/api/files/{quote(filename, safe='')}"
        try:
            with self.http.stream("GET", path) as response:
                if response.status_code >= 400:
                    raise SillokError(f"{self.url}{path}: the Uwazi server answered "
                                      f"{response.status_code}")
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > limit:
                    return None
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        return None
                    chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise SillokError(f"{self.url}{path}: cannot fetch the file ({exc})") from None
        return b"".join(chunks)

    # -- reading everything -------------------------------------------------------------
    def read(self) -> UwaziData:
        data = UwaziData(self.url)
        settings = self._json("/api/settings")
        for lang in settings.get("languages") or []:
            data.languages.append(str(lang["key"]))
            if lang.get("default"):
                data.default_language = str(lang["key"])
        if not data.languages:
            data.languages = [""]  # a server without language settings: its default only
        data.templates = {str(t["_id"]): t for t in _rows(self._json("/api/templates"))}
        data.thesauri = {str(t["_id"]): t for t in _rows(self._json("/api/thesauris"))}
        types = self._json("/api/relationtypes")  # {rows: […]}; older servers a bare list
        data.relation_types = {str(t["_id"]): t for t in
                               (types if isinstance(types, list) else _rows(types))
                               if isinstance(t, dict) and "_id" in t}
        for template_id in data.templates:
            for language in data.languages:
                for entity in self._entities(template_id, language or None):
                    shared = str(entity.get("sharedId") or entity.get("_id"))
                    lang = str(entity.get("language") or language or "")
                    data.entities.setdefault(shared, {})[lang] = entity
        return data

    def _entities(self, template_id: str, language: str | None) -> Iterator[dict[str, Any]]:
        start = 0
        while True:
            # Uwazi reads each query parameter as JSON (its parseQuery middleware).
            params = {"types": json.dumps([template_id]), "from": start, "limit": PAGE,
                      "includeUnpublished": "true", "sort": "creationDate",
                      "order": "asc"}
            page = self._json("/api/search", params=params, language=language)
            rows = _rows(page)
            yield from rows
            start += len(rows)
            total = page.get("totalRows") if isinstance(page, dict) else None
            if not rows or (isinstance(total, int) and start >= total):
                return


def _rows(doc: Any) -> list[dict[str, Any]]:
    rows = doc.get("rows") if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        raise SillokError("the Uwazi server's answer has no 'rows' list")
    return [r for r in rows if isinstance(r, dict)]
