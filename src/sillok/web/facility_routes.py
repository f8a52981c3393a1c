"""Detention facilities and timelines on the public site: /facilities (every facility the reader
may see, by type), /facilities/{code} (names, type, place, agency, dates, the acts recorded
there over time) and /timeline (documented acts by type, with fuzzy dates drawn as ranges).

Everything is read through the archive's services as the visitor's actor, so the policy decides
what is shown; counts go through the statistics rules (stats/counts.py): the public gets only
what the protected base cube publishes (by year and province, small cells hidden), staff the
facility's own counts.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from sillok.archive.service import Archive
from sillok.errors import Invalid, NotFound
from sillok.security.policy import Actor
from sillok.stats.counts import CountTable, count_acts
from sillok.stats.disclosure import suppresses
from sillok.web.deps import page_actor
from sillok.web.i18n import gettext
from sillok.web.timeline import MAX_DRAWN, acts_timeline

FACILITY_KINDS = ("facility",)
# A region a facility is shown within on the map and in the statistics: its province, or
# abroad its country — the units of the public statistics and of the map (stats/geo.py).
REGION_KINDS = ("province", "special_city", "country")
MAX_FACILITIES = 1000
# A query value is short: a code, a year. Anything longer is a typo or a probe.
Short = Annotated[str | None, Query(max_length=80)]


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter()

    def render(request: Request, name: str, context: dict[str, Any]) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context)

    kind_label = templates.env.globals["kind_label"]  # a term's label in the reader's language

    def label_of(code: str) -> str:
        return str(kind_label(code, "act_type"))  # type: ignore[operator]

    @r.get("/facilities", response_class=HTMLResponse)
    def facilities(request: Request, type: Short = None) -> HTMLResponse:
        actor = page_actor(request)
        filters = {"kind": "facility"}
        if type:
            _known_term(archive, actor, "facility_type", type, "type")
            filters["facility_type"] = type
        found = archive.list_records(actor, "place", filters, limit=MAX_FACILITIES).items
        groups: dict[str, list[dict[str, Any]]] = {}
        for place in found:
            groups.setdefault(str(place["fields"].get("facility_type") or "other"), []).append(
                place)
        types = archive.list_records(actor, "term", {"vocabulary": "facility_type"},
                                     limit=200).items
        return render(request, "facilities.html", {"groups": groups, "types": types,
                                                   "chosen": type or ""})

    @r.get("/facilities/{facility_code}", response_class=HTMLResponse)
    def facility(request: Request, facility_code: str) -> HTMLResponse:
        actor = page_actor(request)
        rec = _one_place(archive, actor, facility_code)
        if rec is None or rec["fields"].get("kind") not in FACILITY_KINDS:
            raise NotFound(f"no facility {facility_code}")
        page = archive.list_records(actor, "act", {"facility": facility_code},
                                    limit=MAX_DRAWN, newest_first=True)
        region = _region(archive, actor, rec)
        counts, counts_scope = _counts(archive, actor, facility_code, region)
        return render(request, "facility.html", {
            "rec": rec, "acts": page.items, "total": page.total, "region": region,
            "tl": acts_timeline(page.items, page.total, kind_label), "counts": counts,
            "counts_scope": counts_scope, "label_of": label_of,
        })

    @r.get("/timeline", response_class=HTMLResponse)
    def timeline(request: Request, type: Short = None,
                 year_from: Annotated[str | None, Query(alias="from", max_length=12)] = None,
                 year_to: Annotated[str | None, Query(alias="to", max_length=12)] = None
                 ) -> HTMLResponse:
        actor = page_actor(request)
        first, last = _year(year_from, "from"), _year(year_to, "to")
        if first is not None and last is not None and first > last:
            raise Invalid({"from": gettext("the first year is after the last")})
        filters: dict[str, str] = {}
        stats_filters: dict[str, str] = {}
        if type:
            _known_term(archive, actor, "act_type", type, "type")
            filters["act_type"] = stats_filters["act"] = type
        if first is not None:
            filters["from_year"] = stats_filters["from"] = str(first)
        if last is not None:
            filters["to_year"] = stats_filters["to"] = str(last)
        page = archive.list_records(actor, "act", filters, limit=MAX_DRAWN, newest_first=True)
        counts = count_acts(archive, actor, ["type", "year"], stats_filters,
                            min_cell=archive.settings.min_cell)
        types = archive.list_records(actor, "term", {"vocabulary": "act_type"}, limit=500).items
        return render(request, "timeline.html", {
            "tl": acts_timeline(page.items, page.total, kind_label, (first, last)),
            "counts": counts,
            "types": types, "chosen": {"type": type or "", "from": first or "",
                                       "to": last or ""}, "label_of": label_of,
        })

    return r


def _year(value: str | None, name: str) -> int | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not text.isdigit() or not 1800 <= int(text) <= 2200:
        raise Invalid({name: gettext("a year such as 2019")})
    return int(text)


def _known_term(archive: Archive, actor: Actor, vocabulary: str, code: str, name: str) -> None:
    """A filter value must name a term the reader may see: an unknown one is refused with a
    reason, never silently ignored (that would show everything as if filtered)."""
    found = archive.list_records(actor, "term", {"vocabulary": vocabulary, "code": code},
                                 limit=1).items
    if not found:
        raise Invalid({name: gettext("no such type; choose one from the list")})


def _one_place(archive: Archive, actor: Actor, code: str) -> dict[str, Any] | None:
    if len(code) > 80:
        return None
    items = archive.list_records(actor, "place", {"code": code}, limit=1).items
    return items[0] if items else None


def _region(archive: Archive, actor: Actor, rec: dict[str, Any]) -> str | None:
    """The code of the province (abroad: the country) the facility lies in, as far up as the
    reader may see; None if there is none."""
    code: str | None = rec["fields"].get("parent")
    for _depth in range(8):  # the gazetteer is a few levels deep
        if code is None:
            return None
        place = _one_place(archive, actor, code)
        if place is None:
            return None
        if place["fields"].get("kind") in REGION_KINDS:
            return code
        code = place["fields"].get("parent")
    return None


def _counts(archive: Archive, actor: Actor, code: str, region: str | None
            ) -> tuple[CountTable | None, str]:
    """Acts by year: at this facility for staff; for the public, only what public statistics
    publish — the facility's province by year, small cells hidden (stats/base_cube.py)."""
    if not suppresses(actor):
        return count_acts(archive, actor, ["year"], {"facility": code},
                          min_cell=archive.settings.min_cell), "facility"
    if region is None:
        return None, "none"
    try:
        # The archive's threshold, as on /stats: a page with a lower one would publish
        # cells that the statistics hide.
        return count_acts(archive, actor, ["year"], {"province": region},
                          min_cell=archive.settings.min_cell), "province"
    except Invalid:
        return None, "none"  # a region the public cube does not count by (abroad)
