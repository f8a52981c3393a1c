"""The minimal public site: public sources only; a missing or hidden record is a 404 page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.web.app import create_app
from tests.conftest import make_source


def test_public_sources_only(settings: Settings, archive: Archive) -> None:
    public = make_source(archive, title="Public fictional report")
    hidden = make_source(archive, level="restricted", title="Restricted fictional testimony")
    with TestClient(create_app(settings)) as client:
        home = client.get("/")
        assert home.status_code == 200
        assert "Public fictional report" in home.text
        assert "Restricted fictional testimony" not in home.text
        assert client.get(f"/sources/{public}").status_code == 200
        for path in (f"/sources/{hidden}", "/sources/999999", "/no/such/page"):
            page = client.get(path)
            assert page.status_code == 404, path
            assert "Restricted fictional" not in page.text
        for path in ("/sources/abc", f"/sources/{2**40}", "/sources/0"):
            page = client.get(path)
            assert page.status_code == 404 and "<form class=\"searchbar\"" in page.text, path
