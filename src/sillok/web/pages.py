"""Public pages: the home page, sources, events, places and terms, each read through the archive
services as the visitor's actor, so the policy decides what is shown."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from sillok.archive.kinds import MAX_ID
from sillok.archive.redacted_text import REDACTED
from sillok.archive.redactions import localise
from sillok.archive.service import Archive
from sillok.errors import NotFound
from sillok.security.policy import Actor
from sillok.stats.arrivals import arrivals, sentence
from sillok.web.deps import page_actor
from sillok.web.i18n import current, gettext
from sillok.web.timeline import MAX_DRAWN, acts_timeline, event_timeline

# Ids are 32-bit in the database: a path value past them (or not a number) names no record
# and is answered as a missing one (error_pages.py), never reaching PostgreSQL.
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
MAX_OFFSET = 1_000_000


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter()

    def render(request: Request, name: str, context: dict[str, Any]) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context)

    @r.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        actor = page_actor(request)
        recent = archive.list_records(actor, "source", limit=8, newest_first=True)
        quarterly = arrivals(archive, Actor.anonymous(), "quarter")
        headline = sentence(quarterly[-1], "ko" if current.get() == "ko" else "en") \
            if quarterly else ""
        return render(request, "home.html", {"recent": recent.items, "headline": headline})

    @r.get("/sources", response_class=HTMLResponse)
    def sources(request: Request, offset: int = 0) -> HTMLResponse:
        offset = min(max(offset, 0), MAX_OFFSET)
        page = archive.list_records(page_actor(request), "source", limit=50, offset=offset)
        return render(request, "sources.html", {"page": page, "offset": offset})

    @r.get("/sources/{source_id}", response_class=HTMLResponse)
    def source(request: Request, source_id: RecordId) -> HTMLResponse:
        return public_page(archive, templates, request, page_actor(request), "source",
                           source_id)

    @r.get("/events/{event_id}", response_class=HTMLResponse)
    def event(request: Request, event_id: RecordId) -> HTMLResponse:
        return public_page(archive, templates, request, page_actor(request), "event",
                           event_id)

    @r.get("/places/{code}", response_class=HTMLResponse)
    def place(request: Request, code: str) -> HTMLResponse:
        return place_page(archive, templates, request, page_actor(request), code)

    @r.get("/terms/{vocabulary}/{code}", response_class=HTMLResponse)
    def term(request: Request, vocabulary: str, code: str) -> HTMLResponse:
        actor = page_actor(request)
        found = archive.list_records(actor, "term", {"vocabulary": vocabulary, "code": code},
                                     limit=1).items
        if not found:
            raise NotFound(f"term {vocabulary}:{code} not found")
        acts = archive.list_records(actor, "act", {"act_type": code}, limit=100).items \
            if vocabulary == "act_type" else []
        return render(request, "term.html", {"rec": found[0], "acts": acts})

    @r.get("/records/{type_name}/{record_id}", response_class=HTMLResponse)
    def record(request: Request, type_name: str, record_id: RecordId) -> HTMLResponse:
        if type_name not in GENERIC:
            raise NotFound(f"no page for {type_name}")
        return public_page(archive, templates, request, page_actor(request), type_name,
                           record_id)

    @r.get("/about", response_class=HTMLResponse)
    def about(request: Request) -> HTMLResponse:
        return render(request, "about.html", {})

    return r


GENERIC = ("person", "act", "place", "term", "involvement", "evidence")
# Record types with a page of their own on the public site.
PAGED = ("source", "event", *GENERIC)


def public_url(type_name: str, record_id: int) -> str:
    """The public address of a record's page (labels.record_url for a record view)."""
    if type_name in ("source", "event"):
        return f"/{type_name}s/{record_id}"
    return f"/records/{type_name}/{record_id}"


def public_page(archive: Archive, templates: Jinja2Templates, request: Request, actor: Actor,
                type_name: str, record_id: int, extra: dict[str, Any] | None = None
                ) -> HTMLResponse:
    """A record's public page as ``actor`` may see it: the one renderer of the public site's
    record pages, which the workspace's publishing preview calls too (with the public's actor
    and the archive as it will be: archive/publishing.py preview), so that the two agree."""
    more = extra or {}
    kind_label = templates.env.globals["kind_label"]  # a term's label in the reader's language
    rec = archive.get(actor, type_name, record_id)
    if type_name == "source":
        supports = archive.list_records(actor, "evidence", {"source": str(record_id)},
                                        limit=200).items
        # Marked passages are already out (archive/views.py); the mark in the reader's language.
        mark = gettext(REDACTED)
        rec["fields"]["text"] = localise(rec["fields"]["text"], mark)
        for item in supports:
            item["fields"]["quote"] = localise(item["fields"]["quote"], mark)
        return templates.TemplateResponse(request, "source.html",
                                           {"rec": rec, "supports": supports, **more})
    if type_name == "event":
        acts = archive.list_records(actor, "act", {"event": str(record_id)}, limit=200).items
        places = [_place(archive, actor, code) for code in rec["fields"].get("places") or []]
        return templates.TemplateResponse(request, "event.html", {
            "rec": rec, "acts": acts, "places": [p for p in places if p],
            "tl": event_timeline(rec, acts, kind_label), **more})
    if type_name == "place":
        return place_page(archive, templates, request, actor, rec["fields"]["code"], more)
    tl = None
    if type_name == "person":
        # What happened to this person over time: the acts of which they are the victim.
        acts_of = archive.list_records(actor, "act", {"victim": str(record_id)},
                                       limit=MAX_DRAWN, newest_first=True)
        tl = acts_timeline(acts_of.items, acts_of.total, kind_label)
    return templates.TemplateResponse(request, "record.html", {
        "rec": rec, "type_name": type_name, "tl": tl, **more})


def place_page(archive: Archive, templates: Jinja2Templates, request: Request, actor: Actor,
               code: str, extra: dict[str, Any] | None = None) -> HTMLResponse:
    rec = _place(archive, actor, code)
    if rec is None:
        raise NotFound(f"place {code} not found")
    events = archive.list_records(actor, "event", {"place": code}, limit=100).items
    children = archive.list_records(actor, "place", {"parent": code}, limit=200).items
    return templates.TemplateResponse(request, "place.html", {
        "rec": rec, "events": events, "children": children, **(extra or {})})


def _place(archive: Archive, actor: Actor, code: str) -> dict[str, Any] | None:
    items = archive.list_records(actor, "place", {"code": code}, limit=1).items
    return items[0] if items else None
