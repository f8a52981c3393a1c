"""A minimal public site: the list of public sources and each source's page.

The full web application (search, staff workspace, API) is built on this app factory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.errors import NotFound, SillokError
from sillok.security.policy import Actor
from sillok.web import stats_routes

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def create_app(settings: Settings) -> FastAPI:
    archive = Archive.open(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        archive.close()

    app = FastAPI(title="Sillok", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.archive = archive

    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")),
              name="static")
    app.include_router(stats_routes.router(archive, TEMPLATES))

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request, offset: int = 0) -> HTMLResponse:
        page = archive.list_records(Actor.anonymous(), "source", limit=50, offset=max(offset, 0))
        return TEMPLATES.TemplateResponse(
            request, "home.html", {"page": page, "offset": max(offset, 0)}
        )

    @app.get("/sources/{source_id}", response_class=HTMLResponse)
    def source(request: Request, source_id: int) -> HTMLResponse:
        rec = archive.get(Actor.anonymous(), "source", source_id)
        return TEMPLATES.TemplateResponse(request, "source.html", {"rec": rec})

    @app.exception_handler(NotFound)
    def not_found(request: Request, exc: NotFound) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(
            request, "error.html", {"status": 404, "message": exc.message}, status_code=404
        )

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        message = "page not found" if exc.status_code == 404 else str(exc.detail)
        return TEMPLATES.TemplateResponse(
            request, "error.html", {"status": exc.status_code, "message": message},
            status_code=exc.status_code,
        )

    @app.exception_handler(SillokError)
    def sillok_error(request: Request, exc: SillokError) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(
            request, "error.html", {"status": exc.http_status, "message": exc.message},
            status_code=exc.http_status,
        )

    return app
