"""The JSON API, ``/api/v1``: records of every type, search with facets, suggestions,
statistics, ingest by upload and jobs — a thin adapter over the same services as the CLI.

It is its own FastAPI application mounted under the site, so that it has its own OpenAPI
document (``/api/v1/openapi.json``) and its own error handlers: every error here is JSON
(errors.py), while the site's pages answer with HTML error pages. The site's middleware (sign-in,
language) still runs around it.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI

from sillok.archive.service import Archive
from sillok.web.api import (
    evidence,
    jobs,
    levels,
    map,
    name_spans,
    records,
    search,
    stats,
    suggestions,
)
from sillok.web.api.deps import reject_nul
from sillok.web.api.errors import install_error_handlers
from sillok.web.api.openapi import install_openapi

PREFIX = "/api/v1"
VERSION = "1.0"


def create_api(archive: Archive) -> FastAPI:
    """The API application; mount it at :data:`PREFIX`."""
    api = FastAPI(title="Sillok API", version=VERSION, openapi_url="/openapi.json",
                  docs_url=None, redoc_url=None, dependencies=[Depends(reject_nul)])
    api.state.archive = archive
    install_error_handlers(api)
    api.include_router(records.router(archive))
    api.include_router(levels.router(archive))
    api.include_router(search.router(archive))
    api.include_router(suggestions.router(archive))
    api.include_router(name_spans.router(archive))
    api.include_router(stats.router(archive))
    api.include_router(map.router(archive))
    api.include_router(jobs.router(archive))
    api.include_router(evidence.router(archive))
    install_openapi(api, VERSION)
    return api
