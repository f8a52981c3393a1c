"""The map's GeoJSON for programs: the same function as /map/data.geojson, as the caller, so the
public gets provinces only, cut from the protected base cube, and never a cell under ``k``
victims (stats/geo.py)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from sillok.archive.service import Archive
from sillok.stats.counts import FILTERS
from sillok.stats.geo import geojson, map_counts
from sillok.web.api.deps import NO_NUL, Reader
from sillok.web.api.errors import ERROR_RESPONSES
from sillok.web.api.stats import MAX_FILTER


def router(archive: Archive) -> APIRouter:
    r = APIRouter(prefix="/map", responses=ERROR_RESPONSES, tags=["statistics"])

    @r.get("", operation_id="map_counts",
           summary="Acts, victims and events by province (staff: also by county) as GeoJSON",
           description="Layers: province, county (staff only: counties with their shapes), "
                       "facility (points), outline (staff only: every county's outline).")
    def map_geojson(
        actor: Reader,
        layer: Literal["province", "county", "facility", "outline"] = "province",
        flt: Annotated[str, Query(alias="filter", max_length=MAX_FILTER, pattern=NO_NUL,
                                  examples=["act:forced_repatriation from:2015"],
                                  description="Filters in the search bar's language, e.g. "
                                  "'act:forced_repatriation from:2015'. Keys: "
                                  + ", ".join(FILTERS) + ".")] = "",
    ) -> dict[str, Any]:
        counts = map_counts(archive, actor, flt.strip() or None, archive.settings.min_cell)
        return geojson(counts, layer)

    return r
