"""Anonymous visitors' reads are served from the streaming replica, when the archive has one
(``SILLOK_PUBLIC_DATABASE_URL``; archive/replica.py, docs/replica.md)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import Response

from sillok.archive.replica import public_reads

READS = frozenset(("GET", "HEAD"))
# Pages an anonymous visitor opens on the way to signing in: they belong to the primary
# (a sign-in form may start a session), as does every page of the staff workspace.
PRIMARY_ONLY = ("/login", "/logout", "/staff", "/account", "/totp")


def _primary_only(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PRIMARY_ONLY)


def install_public_reads(app: FastAPI) -> None:
    """Add the middleware; it must run inside the sign-in middleware (added before it), which
    says whether the request is anonymous."""

    @app.middleware("http")
    async def replica_for_visitors(request: Request,
                                   call_next: Callable[[Request], Awaitable[Response]]
                                   ) -> Response:
        state = request.state
        anonymous = (getattr(state, "auth", None) is None
                     and getattr(state, "session", None) is None)
        if request.method in READS and anonymous and not _primary_only(request.url.path):
            with public_reads():
                return await call_next(request)
        return await call_next(request)
