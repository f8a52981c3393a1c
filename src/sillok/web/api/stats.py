"""Statistics: defector arrivals (the official series) and counts of acts, victims and events
from the coded records — the very functions the CLI's ``sillok stats`` calls, as the caller,
so the public's numbers go through the same disclosure control (small cells and the cells
that would give them away are null with ``suppressed: true``, never 0)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from sillok.archive.service import Archive
from sillok.stats.arrivals import arrivals, sentence
from sillok.stats.counts import DIMENSIONS, FILTERS, count_acts
from sillok.web.api.deps import NO_NUL, Reader
from sillok.web.api.errors import ERROR_RESPONSES

MAX_FILTER = 500  # characters, as on the statistics page
_DIM = "(?:" + "|".join(DIMENSIONS) + ")"
# Documented in OpenAPI, so that a client (and schemathesis) knows the valid values.
BY_PATTERN = rf"^\s*{_DIM}\s*(?:,\s*{_DIM}\s*)*$"


class ArrivalOut(BaseModel):
    period: str
    total: int | None
    male: int | None
    female: int | None
    provisional: bool
    derived: bool = Field(description="Worked out by subtraction, not reported.")
    source: str
    change_previous: float | None = Field(description="Percent on the previous period.")
    change_year_before: float | None = Field(description="Percent on the same period a "
                                                         "year before.")
    change_baseline: float | None = Field(description="Percent on the baseline year's "
                                                      "same period.")
    baseline_period: str | None
    sentence_en: str
    sentence_ko: str


class CountCell(BaseModel):
    """One cell or total; the dimensions' values are further keys named after them."""

    model_config = ConfigDict(extra="allow")

    acts: int | None
    victims: int | None
    events: int | None
    suppressed: bool | None = Field(None, description="Present when disclosure control "
                                    "applies; true means the counts are hidden (null).")
    total_over: list[str] | None = Field(None, description="For totals: the dimensions "
                                         "added up.")
    summed: bool | None = Field(None, description="Public tables with a filter: true when "
                                "the row adds up several published cells; its acts are their "
                                "sum, and victims and events (each counted once, so not "
                                "additive) are null.")


class CountsOut(BaseModel):
    by: list[str]
    filter: str
    suppressed_below: int | None = Field(description="Cells under this many victims are "
                                         "hidden; null when no suppression applies.")
    rows: list[CountCell]
    margins: list[CountCell]


def router(archive: Archive) -> APIRouter:
    r = APIRouter(prefix="/stats", responses=ERROR_RESPONSES, tags=["statistics"])

    @r.get("/arrivals", response_model=list[ArrivalOut], operation_id="stats_arrivals",
           summary="North Korean defectors arriving in South Korea, by year or quarter")
    def stats_arrivals(
        actor: Reader,
        by: Literal["year", "quarter", "month"] = "year",
        baseline: Annotated[int, Query(ge=1990, le=2100, description="Year to compare with "
                                       "(before COVID: 2019).")] = 2019,
    ) -> list[dict[str, Any]]:
        return [{**row.as_dict(), "sentence_en": sentence(row, "en"),
                 "sentence_ko": sentence(row, "ko")}
                for row in arrivals(archive, actor, by, baseline)]

    # exclude_unset: a cell carries ``suppressed``/``total_over`` only where the count does,
    # so the JSON is the CLI's ``sillok stats acts --format json`` to the byte.
    @r.get("/acts", response_model=CountsOut, operation_id="stats_acts",
           response_model_exclude_unset=True,
           summary="Acts, victims (each counted once) and events, with totals")
    def stats_acts(
        actor: Reader,
        by: Annotated[str, Query(max_length=200, pattern=BY_PATTERN,
                                 description="Comma-separated dimensions: "
                                 + ", ".join(DIMENSIONS) + ".")] = "type,year",
        flt: Annotated[str, Query(alias="filter", max_length=MAX_FILTER, pattern=NO_NUL,
                                  description="Filters "
                                  "in the search bar's language, e.g. 'place:ryanggang from:2015'."
                                     " Keys: " + ", ".join(FILTERS) + ".")] = "",
    ) -> dict[str, Any]:
        # A dimension named twice is the same breakdown: asked once.
        dims = list(dict.fromkeys(d.strip() for d in by.split(",") if d.strip()))
        table = count_acts(archive, actor, dims, flt.strip() or None,
                           min_cell=archive.settings.min_cell)
        return table.as_dict()

    return r
