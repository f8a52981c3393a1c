"""The search page: one bar, results with highlighted snippets, facets as filters, pages.

The whole state is in the URL (``/search?q=강제북송+type:source&page=2``), so a search can be
bookmarked and shared; a facet is a filter added to the query text. With htmx, following a
facet or a page replaces only the results, and the address bar is updated to the same URL.
"""

from __future__ import annotations

import difflib
import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from sillok.archive.redacted_text import REDACTED
from sillok.archive.redactions import localise
from sillok.archive.service import Archive
from sillok.errors import Invalid
from sillok.extract.lexicon import lexicon_for
from sillok.search import thesaurus
from sillok.search.query import FILTER_KEYS, MAX_QUERY
from sillok.search.service import SearchResult, search
from sillok.security.policy import Actor, may_see_level
from sillok.web.deps import page_actor
from sillok.web.error_pages import PageError
from sillok.web.i18n import gettext
from sillok.web.labels import pick

PER_PAGE = 20
MAX_PAGE = 5_000  # 100,000 results deep, as far as the API's offsets go
TAG = re.compile(r"</?mark>")
# Facets whose values can be added to the query as a filter, and the filter they become.
FACET_FILTERS = {"type": "type", "lang": "lang", "year": "year", "kind": "kind",
                 "source_kind": "kind", "act_type": "act", "province": "place",
                 "facility_type": "facility"}


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter()

    @r.get("/search", response_class=HTMLResponse)
    def search_page(request: Request, q: str = "", page: int = 1,
                    expand: bool = True) -> HTMLResponse:
        if len(q) > MAX_QUERY:
            raise PageError(400, gettext(
                "A search can be at most %(limit)s characters long; this one has %(n)s. "
                "The search bar below holds its first %(limit)s.") % {
                    "limit": f"{MAX_QUERY:,}", "n": f"{len(q):,}"}, q=q[:MAX_QUERY])
        # Past the last page is an empty page; far past it would only cost a deep scan.
        page = min(max(page, 1), MAX_PAGE)
        result: SearchResult | None = None
        error = None
        if q.strip():
            actor = page_actor(request)
            try:
                result = search(archive, actor, q, limit=PER_PAGE,
                                offset=(page - 1) * PER_PAGE, facets=True,
                                expand_terms=expand, terms_apart=True)
            except Invalid as exc:
                error = exc.message
            if result is not None:
                _act_details(archive, actor, result.items)
            if result is not None and not may_see_level(actor, "restricted"):
                label = gettext(REDACTED)
                for item in result.items:
                    item["snippet"] = localise(item.get("snippet") or "", label)
        context: dict[str, Any] = {
            "q": q, "page": page, "expand": expand, "result": result, "error": error,
            "facets": _facets(q, result, expand) if result else [],
            "pages": _pages(q, page, result.total, expand) if result else {},
            "suggestions": _suggestions(archive, q) if result and result.total == 0 else [],
            "term_links": _term_links(q, result.suggestions) if result else [],
            "also": _also(result.expansions) if result else [],
        }
        name = "_results.html" if request.headers.get("hx-request") else "search.html"
        return templates.TemplateResponse(request, name, context)

    @r.get("/search/thesaurus", response_class=HTMLResponse)
    def thesaurus_page(request: Request) -> HTMLResponse:
        """The words a search treats as one, each group with its source."""
        return templates.TemplateResponse(request, "thesaurus.html",
                                          {"entries": thesaurus.entries()})

    return r


def _act_details(archive: Archive, actor: Actor, items: list[dict[str, Any]]) -> None:
    """An act's label is its violation only: give each act hit its date, place and facility,
    as the reader's act page shows them, so that a list of acts can be told apart."""
    acts = [item for item in items if item.get("type") == "act"]
    shown = archive.views_of(actor, "act", [int(item["id"]) for item in acts])
    for item in acts:
        found = shown.get(int(item["id"]))
        if found is not None:
            fields = found["fields"]
            item["detail"] = {k: fields.get(k) for k in ("date", "place", "facility")}


def search_url(q: str, page: int = 1, expand: bool = True) -> str:
    params: dict[str, Any] = {"q": q}
    if page > 1:
        params["page"] = page
    if not expand:
        params["expand"] = "false"
    return "/search?" + urlencode(params)


def _filters(q: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for token in q.split():
        key, sep, value = token.partition(":")
        if sep and key.lower() in FILTER_KEYS and value:
            found[key.lower()] = value
    return found


def _with_filter(q: str, key: str, value: str | None) -> str:
    """The query with filter ``key`` set to ``value`` (or removed)."""
    kept = [t for t in q.split() if t.partition(":")[0].lower() != key]
    if value is not None:
        kept.append(f"{key}:{value}")
    return " ".join(kept)


def _facets(q: str, result: SearchResult, expand: bool) -> list[dict[str, Any]]:
    active = _filters(q)
    out = []
    for name, counts in result.facets.items():
        key = FACET_FILTERS.get(name)
        # "kind" mixes the kinds of every record type; the page shows them per type instead.
        if not counts or name == "kind":
            continue
        values = []
        for value, count in counts.items():
            on = key is not None and active.get(key) == str(value)
            link = None
            if key is not None and key in FILTER_KEYS:
                link = search_url(_with_filter(q, key, None if on else str(value)),
                                  expand=expand)
            values.append({"value": value, "count": count, "on": on, "url": link})
        out.append({"name": name, "values": values})
    return out


def _term_links(q: str, terms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each suggested term as a link that applies it as a filter, or to its page if no filter
    selects by it (an agency). The link keeps the query's filters and, of its words, those
    that named the term (a search needs words: 강제북송 act:forced_repatriation), or all of
    them for a term the index matched."""
    filters = [t for t in q.split() if ":" in t and t.partition(":")[0].lower() in FILTER_KEYS]
    words = " ".join(t for t in q.split() if t not in filters)
    out = []
    for t in terms:
        label = pick((t["label_en"], t["label_ko"]))
        if t["filter"]:
            key, _sep, code = t["filter"].partition(":")
            kept = " ".join([t.get("matched") or words, *filters])
            url = search_url(_with_filter(kept, key, code))
        else:
            url = f"/terms/{t['vocabulary']}/{t['code']}"
        out.append({"label": label, "url": url, "vocabulary": t["vocabulary"],
                    "filter": t["filter"]})
    return out


def _also(expansions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the search also looked for, one line per recognised word: its equivalents (all
    of a thesaurus entry's, the first few labels of a term) and, for the thesaurus, the source."""
    out: list[dict[str, Any]] = []
    for e in expansions:
        thesaurus = str(e["term"]).startswith("thesaurus:")
        words = list(e["added"]) if thesaurus else list(e["added"])[:4]
        same = next((o for o in out if o["matched"] == e["matched"]), None)
        if same is None:
            out.append({"matched": e["matched"], "words": words, "source": e.get("source")})
        else:
            same["words"] += [w for w in words if w not in same["words"]]
            same["source"] = same["source"] or e.get("source")
    return out


def _pages(q: str, page: int, total: int, expand: bool) -> dict[str, Any]:
    last = max(1, -(-total // PER_PAGE))
    return {"last": last,
            "prev": search_url(q, page - 1, expand) if page > 1 else None,
            "next": search_url(q, page + 1, expand) if page < last else None}


def _suggestions(archive: Archive, q: str) -> list[dict[str, str]]:
    """When nothing is found: the query's words one at a time, and the names of places and
    terms closest in spelling, in any script (Hoeryeong → Hoeryong, 회령)."""
    words = [w for w in re.split(r"\s+", q) if w and ":" not in w and not w.startswith("-")]
    out: list[dict[str, str]] = []
    if len(words) > 1:
        any_of = " OR ".join(words)
        out.append({"text": any_of, "url": search_url(any_of)})
    with archive.sessions() as session:
        aliases = list(lexicon_for(session).by_alias)
    for word in words:
        for alias in difflib.get_close_matches(word.lower(), aliases, n=3, cutoff=0.75):
            if alias != word.lower() and all(s["text"] != alias for s in out):
                out.append({"text": alias, "url": search_url(alias)})
    return out[:8]
