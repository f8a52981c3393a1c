"""The map (/map): documented violations by province (and, for staff, by county) drawn on the
shipped administrative boundaries with the vendored Leaflet — no tiles, fonts or scripts from
another host.

The page and its GeoJSON (/map/data.geojson) take the search bar's filters: the type of
violation (``act``), the years (``from``, ``to``) and any other filter text (``filter``), so a
map is a shareable address. What each reader gets is coarsened and suppressed on the server
(stats/geo.py, security/policy.py ``place_grain``): the public never receives a county, a cell
under ``k`` victims, or a count that disclosure control hides — not even a zero.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from sillok.archive.service import Archive
from sillok.errors import Invalid, NotFound
from sillok.security.policy import PlaceGrain
from sillok.stats.geo import LAYERS, act_types, boundaries, county_boundaries, geojson, map_counts
from sillok.web.deps import page_actor
from sillok.web.stats_routes import MAX_FILTER, pick_lang, reason

GEOJSON = "application/geo+json"


def asked_filter(request: Request) -> str:
    """The filter text of a map address: ``act``, ``from`` and ``to`` (the page's own fields)
    then free ``filter`` text in the search bar's language."""
    q = request.query_params
    parts = [f"{key}:{q[key].strip()}" for key in ("act", "from", "to")
             if (q.get(key) or "").strip()]
    extra = (q.get("filter") or "").strip()
    return " ".join([*parts, extra] if extra else parts)[:MAX_FILTER]


def _query(request: Request) -> str:
    keep = {k: v for k in ("act", "from", "to", "filter")
            if (v := (request.query_params.get(k) or "").strip())}
    return urlencode(keep)


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter()

    @r.get("/map", response_class=HTMLResponse)
    def map_page(request: Request) -> HTMLResponse:
        actor = page_actor(request)
        lang = pick_lang(request)
        flt = asked_filter(request)
        k = archive.settings.min_cell
        error = ""
        try:
            counts = map_counts(archive, actor, flt or None, k)
        except Invalid as exc:
            # A filter the map cannot answer is the reader's to fix: say why on the page.
            error = reason(exc, lang)
            counts = map_counts(archive, actor, None, k)
        query = "" if error else _query(request)
        # Counties (shapes, outlines, counts) only for a reader whose grain is county.
        counties = counts.grain is PlaceGrain.county
        config = {"lang": lang, "data": "/map/data.geojson" + (f"?{query}" if query else ""),
                  "boundaries": "/map/boundaries.geojson", "staff": counts.k is None,
                  "counties": counties, "labels": _labels(lang)}
        sources = list(boundaries().get("attribution", {}).get("sources", []))
        if counties:
            sources.append(county_boundaries()["attribution"])
        name = "name_ko" if lang == "ko" else "name_en"
        return templates.TemplateResponse(request, "map.html", {
            "lang": lang, "counts": counts, "name": name, "error": error, "k": k,
            "province_names": {c.code: getattr(c, name) for c in counts.provinces},
            "acts": act_types(archive, lang), "asked": {
                key: (request.query_params.get(key) or "").strip()[:MAX_FILTER]
                for key in ("act", "from", "to", "filter")},
            "config": json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
            "search_q": "type:acts " + flt if flt and not error else "",
            "data_url": config["data"], "attribution": {"sources": sources},
            # The same filters on the statistics page, where each table downloads as CSV.
            "stats_url": "/stats?" + urlencode({**dict(parse_qsl(query)), "lang": lang})
                         + "#violations",
        })

    @r.get("/map/data.geojson")
    def map_data(request: Request) -> Response:
        layer = request.query_params.get("layer") or "province"
        if layer not in LAYERS:
            raise NotFound(f"no map layer '{layer[:40]}' (layers: {', '.join(LAYERS)})")
        counts = map_counts(archive, page_actor(request), asked_filter(request) or None,
                            archive.settings.min_cell)
        body = json.dumps(geojson(counts, layer), ensure_ascii=False)
        # A reader's map depends on who they are: never cached for another.
        return Response(body, media_type=GEOJSON,
                        headers={"Cache-Control": "private, no-store", "Vary": "Cookie"})

    @r.get("/map/boundaries.geojson")
    def map_boundaries() -> Response:
        return Response(json.dumps(boundaries(), ensure_ascii=False), media_type=GEOJSON,
                        headers={"Cache-Control": "public, max-age=86400"})

    return r


def _labels(lang: str) -> dict[str, str]:
    """The words the map's script writes, in the reader's language."""
    ko = lang == "ko"
    return {
        "acts": "행위" if ko else "acts", "victims": "피해자" if ko else "victims",
        "events": "사건" if ko else "events",
        "legend": "기록된 행위 수" if ko else "Documented acts",
        "facility": "시설" if ko else "Facility",
        "none": "표시할 수 있는 지역이 없습니다" if ko else "No region can be shown",
        "by_province": "도별" if ko else "By province",
        "by_county": "군·시별" if ko else "By county or city",
    }

