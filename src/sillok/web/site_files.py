"""The site's own small files: the API documentation page (/api/docs, Swagger UI served from
this site: no CDN), robots.txt and the favicon — each with a caching header.

Swagger UI's bundle is vendored under static/vendor/swagger-ui (see its README); the page
starts it from /static/api-docs.js, so the Content-Security-Policy needs no inline script.
Its validator badge (which would send the OpenAPI document to validator.swagger.io) is off.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse
from fastapi.templating import Jinja2Templates

STATIC = Path(__file__).parent / "static"
DAY = "public, max-age=86400"
# Crawlers may read the public record pages; not the staff workspace, sign-in, the JSON API
# (its data is on the pages and in /data) or search results (endless combinations of facets).
ROBOTS = """User-agent: *
Disallow: /staff/
Disallow: /login
Disallow: /logout
Disallow: /search
Disallow: /api/
Allow: /api/docs
"""


def router(templates: Jinja2Templates) -> APIRouter:
    r = APIRouter()

    @r.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        page = templates.TemplateResponse(request, "api_docs.html", {
            "openapi_url": "/api/v1/openapi.json"})
        page.headers["Cache-Control"] = "public, max-age=3600"
        return page

    @r.api_route("/robots.txt", methods=["GET", "HEAD"], response_class=PlainTextResponse,
                 include_in_schema=False)
    def robots() -> PlainTextResponse:
        return PlainTextResponse(ROBOTS, headers={"Cache-Control": DAY})

    @r.api_route("/favicon.ico", methods=["GET", "HEAD"], include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(STATIC / "favicon.ico", media_type="image/x-icon",
                            headers={"Cache-Control": DAY})

    return r
