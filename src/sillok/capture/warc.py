"""The HTTP exchange of a capture, fetched and written as a gzipped WARC (ISO 28500) with
warcio: a ``warcinfo`` record, the ``request`` and the ``response`` exactly as sent and
received. The page is asked for without content encoding so that the bytes in the WARC are
the bytes the text is extracted from."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from sillok import __version__
from sillok.errors import SillokError

USER_AGENT = f"Sillok/{__version__} (web capture for human rights documentation)"


@dataclass
class Fetched:
    url: str  # as asked
    final_url: str  # after redirects
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    warc: bytes


def fetch(url: str, *, max_bytes: int, timeout: float = 30.0) -> Fetched:
    """GET ``url`` (redirects followed, at most ``max_bytes`` of body) and its WARC."""
    if not url.startswith(("http://", "https://")):
        raise SillokError(f"'{url}' is not an http(s) address")
    request_headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity",
                       "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    fetched_at = datetime.now(UTC)
    try:
        with httpx.Client(follow_redirects=True, timeout=timeout) as client, \
                client.stream("GET", url, headers=request_headers) as response:
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_raw():
                size += len(chunk)
                if size > max_bytes:
                    raise SillokError(f"{url}: page larger than {max_bytes} bytes; not captured")
                chunks.append(chunk)
            body = b"".join(chunks)
            sent = response.request
    except httpx.HTTPError as exc:
        raise SillokError(f"{url}: cannot fetch ({exc.__class__.__name__}: {exc})") from None
    headers = [(k, v) for k, v in response.headers.multi_items()]
    warc = _warc(str(sent.url), sent.method, list(sent.headers.multi_items()),
                 response.status_code, response.reason_phrase, headers, body, fetched_at)
    return Fetched(url, str(response.url), response.status_code, headers, body, fetched_at,
                   warc)


def _warc(url: str, method: str, request_headers: list[tuple[str, str]], status: int,
          reason: str, headers: list[tuple[str, str]], body: bytes, when: datetime) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    info = writer.create_warcinfo_record("sillok-capture.warc.gz", {
        "software": f"Sillok {__version__} (warcio)", "format": "WARC File Format 1.1",
        "isPartOf": "sillok capture"})
    writer.write_record(info)
    target = url.split("://", 1)[1].split("/", 1)
    path = "/" + (target[1] if len(target) > 1 else "")
    request = writer.create_warc_record(
        url, "request", payload=io.BytesIO(b""), warc_headers_dict={"WARC-Date": stamp},
        http_headers=StatusAndHeaders(f"{method} {path} HTTP/1.1", request_headers,
                                      is_http_request=True))
    response = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), warc_headers_dict={"WARC-Date": stamp},
        http_headers=StatusAndHeaders(f"{status} {reason}".strip(), headers,
                                      protocol="HTTP/1.1"))
    writer.write_request_response_pair(request, response)
    return out.getvalue()
