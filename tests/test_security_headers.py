"""Security headers on every response: pages, the JSON API, static files, errors, 404 and 500.
(That the pages satisfy their Content-Security-Policy is checked in a real browser:
test_browser_public.py and test_browser_staff.py.)"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sillok.config import Settings
from sillok.web.app import create_app
from tests.auth_helpers import BASE


@pytest.fixture
def client(settings: Settings) -> TestClient:
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("an unexpected failure")
    return TestClient(app, base_url=BASE, raise_server_exceptions=False)


@pytest.mark.parametrize(("path", "status"), [
    ("/", 200), ("/search?q=x", 200), ("/about", 200), ("/login", 200),
    ("/api/v1/events", 200), ("/api/v1/events/999999", 404), ("/static/sillok.css", 200),
    ("/static/vendor/htmx.min.js", 200), ("/no-such-page", 404), ("/static/nothing.js", 404),
    ("/staff", 303), ("/boom", 500),
])
def test_every_response_carries_them(client: TestClient, path: str, status: int) -> None:
    r = client.get(path, follow_redirects=False)
    assert r.status_code == status
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "camera=()" in r.headers["permissions-policy"]


def test_no_page_may_eval_not_even_the_charts(client: TestClient) -> None:
    # The charts' expressions go through vega-interpreter (vendor/README.md).
    csp = client.get("/stats").headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_pages_have_no_inline_script_or_style(client: TestClient) -> None:
    for path in ("/", "/stats", "/search?q=x", "/about", "/login"):
        html = client.get(path).text
        assert "<script>" not in html and "<style" not in html and " style=" not in html
