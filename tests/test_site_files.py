"""The site's own small files: API documentation served offline at /api/docs (the vendored
Swagger UI, nothing from another host), robots.txt and the favicon, with caching and security
headers; the OpenAPI document carries examples."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sillok.config import Settings
from sillok.web.app import create_app


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def test_api_docs_are_served_from_the_site(client: TestClient) -> None:
    page = client.get("/api/docs?lang=en")
    assert page.status_code == 200 and "API documentation" in page.text
    scripts = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page.text)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in scripts
    assert all(s.startswith(("/", "http://testserver")) for s in scripts), scripts
    assert "script-src 'self';" in page.headers["content-security-policy"]
    assert page.headers["cache-control"].startswith("public")
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        asset = client.get(f"/static/vendor/swagger-ui/{name}")
        assert asset.status_code == 200 and len(asset.content) > 100_000
    init = client.get("/static/api-docs.js").text
    assert "validatorUrl: null" in init  # the badge would send the document elsewhere
    assert 'lang="ko"' in client.get("/api/docs?lang=ko").text


def test_openapi_has_examples_and_problem_details(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    search = doc["paths"]["/search"]["get"]
    q = next(p for p in search["parameters"] if p["name"] == "q")
    assert "강제북송" in q["schema"]["examples"]
    missing = search["responses"]["404"]["content"]["application/problem+json"]
    assert missing["example"]["status"] == 404 and missing["example"]["title"] == "Not Found"
    assert set(doc["components"]["schemas"]["ErrorOut"]["properties"]) >= {
        "type", "title", "status", "detail", "error", "fields"}


def test_robots_and_favicon(client: TestClient) -> None:
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and robots.headers["content-type"].startswith("text/plain")
    assert "Disallow: /staff/" in robots.text and "Allow: /api/docs" in robots.text
    assert robots.headers["cache-control"] == "public, max-age=86400"
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert icon.headers["x-content-type-options"] == "nosniff"
    assert client.head("/favicon.ico").status_code == 200
    home = client.get("/")
    assert 'rel="icon" href="/favicon.ico"' in home.text
    assert client.get("/static/favicon.svg").headers["content-type"].startswith("image/svg")
