"""Signing a test client in through the real /login page, as a browser would."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from sillok.accounts.accounts import add_user
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.security.policy import Role
from sillok.web.app import create_app
from tests.conftest import ADMIN

PASSWORD = "correct horse battery staple"  # test-only
# Cookies are Secure: the test client must speak "https" to get them back.
BASE = "https://testserver"
CSRF_IN_PAGE = re.compile(r'"X-CSRF-Token": "([^"]+)"')


def make_user(settings: Settings, username: str, role: Role | str,
              password: str = PASSWORD) -> None:
    archive = Archive.open(settings)
    try:
        add_user(archive, ADMIN, username, Role(role).value, password)
    finally:
        archive.close()


def client(settings: Settings, **kwargs: Any) -> TestClient:
    kwargs.setdefault("follow_redirects", False)
    return TestClient(create_app(settings), base_url=BASE, **kwargs)


def login(c: TestClient, username: str, password: str = PASSWORD,
          next_url: str = "/staff") -> Any:
    """Post the sign-in form with the token the form page gave."""
    page = c.get("/login", params={"next": next_url})
    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert token, page.text
    return c.post("/login", data={"username": username, "password": password,
                                  "login_token": token.group(1), "next": next_url})


def csrf_token(c: TestClient) -> str:
    """The session's CSRF token, read from a page (base.html gives it to htmx)."""
    found = CSRF_IN_PAGE.search(c.get("/about").text)
    assert found, "no CSRF token on the page: not signed in?"
    return found.group(1)


def signed_in(settings: Settings, role: Role | str, username: str | None = None,
              with_csrf: bool = True, **kwargs: Any) -> TestClient:
    """A client signed in as a new user of ``role``; unless ``with_csrf`` is off it sends the
    session's CSRF header on every request, as htmx does."""
    name = username or f"t-{Role(role).value}"
    make_user(settings, name, role)
    c = client(settings, **kwargs)
    response = login(c, name)
    assert response.status_code == 303, response.text
    if with_csrf:
        c.headers["X-CSRF-Token"] = csrf_token(c)
    return c


def logout(c: TestClient) -> Any:
    """Sign out with the header-less form of the page (its hidden CSRF field)."""
    return c.post("/logout", data={"csrf_token": csrf_token(c)})
