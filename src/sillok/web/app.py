"""The web application: the public site (search, record pages, statistics, open data) in
Korean and English, built by one app factory around one archive."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp

from sillok.accounts.ratelimit import FailureLimiter
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.ingest import ocr_jobs
from sillok.ingest.jobs import fail_interrupted, wait_for_jobs
from sillok.language.analyzer import warm_up
from sillok.web import (
    account_routes,
    api,
    assign_routes,
    auth,
    auth_routes,
    capture_routes,
    coding_routes,
    edit_routes,
    estimate_routes,
    evidence_routes,
    facility_routes,
    i18n,
    import_routes,
    list_routes,
    map_routes,
    name_span_routes,
    ocr_routes,
    original_routes,
    pages,
    passage_routes,
    pick_routes,
    publish_routes,
    relation_routes,
    review_routes,
    search_routes,
    site_files,
    staff_routes,
    stats_routes,
    suggestion_routes,
)
from sillok.web.error_pages import install_error_pages
from sillok.web.public_reads import install_public_reads
from sillok.web.security_headers import SecurityHeaders
from sillok.web.template_globals import install_template_globals

JOB_GRACE_SECONDS = 60.0  # a stopping server waits this long at most for ingest jobs
# The largest request line and headers the server reads (uvicorn's h11 parser refuses a
# request whose head arrives in pieces past 16 KiB by default, with a bare "Invalid HTTP
# request received."): a search of 1,000 Hangul syllables is 9,000 bytes in a URL, and one
# pasted far past that must still reach the site, which refuses it with a page of its own
# (search_routes.py, MAX_QUERY).
MAX_REQUEST_HEAD = 256 * 1024
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
# The templates are part of the installed package and do not change while a server runs;
# checking each one's modification time on every render cost a twentieth of a page's time.
TEMPLATES.env.auto_reload = False


class SillokApp(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        # Outside Starlette's ServerErrorMiddleware, which answers a 500 past every middleware
        # added with add_middleware: the security headers go on that answer too.
        return SecurityHeaders(super().build_middleware_stack())


def app_from_env() -> FastAPI:
    """The application of one server process when ``sillok serve --workers N`` runs several."""
    return create_app(Settings.from_env())


def create_app(settings: Settings) -> FastAPI:
    archive = Archive.open(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The query analyser is ready before the first request is taken.
        await run_in_threadpool(warm_up)
        # Readings by OCR queued before a stop or a crash are taken up (ingest/ocr_jobs.py).
        ocr_jobs.kick(archive)
        yield
        # Uploads accepted are ingested before the process ends (within a bound); a reading
        # by OCR under way may finish, the queued ones wait on disk for the next start.
        await run_in_threadpool(wait_for_jobs, JOB_GRACE_SECONDS)
        await run_in_threadpool(ocr_jobs.stop_worker, archive, JOB_GRACE_SECONDS)
        archive.close()

    # Every page route gets the CSRF check; the API checks its own writes in the middleware.
    app = SillokApp(title="Sillok", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan, dependencies=[Depends(auth.csrf_protect)])
    app.state.archive = archive
    app.state.trusted_proxies = settings.auth.trusted_proxies

    install_error_pages(app, TEMPLATES)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")),
              name="static")
    install_template_globals(TEMPLATES.env, archive)
    app.include_router(site_files.router(TEMPLATES))
    app.include_router(pages.router(archive, TEMPLATES))
    app.include_router(search_routes.router(archive, TEMPLATES))
    app.include_router(stats_routes.router(archive, TEMPLATES))
    app.include_router(map_routes.router(archive, TEMPLATES))
    app.include_router(facility_routes.router(archive, TEMPLATES))
    app.include_router(staff_routes.router(archive, TEMPLATES))
    app.include_router(list_routes.router(archive, TEMPLATES))
    app.include_router(capture_routes.router(archive, TEMPLATES))
    app.include_router(review_routes.router(archive, TEMPLATES))
    app.include_router(estimate_routes.router(archive, TEMPLATES))
    app.include_router(evidence_routes.router(archive, TEMPLATES))
    app.include_router(import_routes.router(archive, TEMPLATES))
    app.include_router(name_span_routes.router(archive, TEMPLATES))
    app.include_router(passage_routes.router(archive, TEMPLATES))
    app.include_router(edit_routes.router(archive, TEMPLATES))
    app.include_router(publish_routes.router(archive, TEMPLATES))
    app.include_router(assign_routes.router(archive))
    app.include_router(pick_routes.router(archive, TEMPLATES))
    app.include_router(relation_routes.router(archive))
    app.include_router(coding_routes.router(archive))
    app.include_router(original_routes.router(archive))
    app.include_router(ocr_routes.router(archive, TEMPLATES))
    app.include_router(suggestion_routes.router(archive, TEMPLATES))
    app.include_router(account_routes.router(archive, TEMPLATES))
    limiter = FailureLimiter(settings.auth.address_failures,
                             settings.auth.address_window_minutes * 60)
    app.state.login_limiter = limiter
    app.include_router(auth_routes.router(archive, TEMPLATES, limiter))
    # The JSON API is an application of its own: its own OpenAPI and JSON error handlers.
    app.mount(api.PREFIX, api.create_api(archive))
    fail_interrupted(archive)

    @app.exception_handler(staff_routes.NotSignedIn)
    def sign_in_first(request: Request, exc: staff_routes.NotSignedIn) -> Response:
        return RedirectResponse(f"/login?{urlencode({'next': exc.path})}", status_code=303)

    # Added before the sign-in middleware so that it runs inside it, knowing who asks.
    install_public_reads(app)
    # Added before the language middleware so that it runs inside it.
    auth.install_auth(app, archive)

    @app.middleware("http")
    async def language(request: Request, call_next: Callable[[Request], Awaitable[Response]]
                       ) -> Response:
        # The page's language for this request; a ?lang= choice is remembered in a cookie.
        token = i18n.current.set(i18n.pick_lang(request))
        try:
            response = await call_next(request)
        finally:
            i18n.current.reset(token)
        asked = request.query_params.get("lang")
        if asked in i18n.LANGS:
            response.set_cookie("lang", asked, max_age=365 * 86400, samesite="lax",
                                httponly=True)
        return response

    return app
