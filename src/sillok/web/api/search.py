"""``GET /search``: the search bar's language, results as the caller may see them, facets.

The same service as the search page (search/service.py): permissions are applied inside the
query, so what the caller may not see is neither returned, counted nor faceted; and readers
without clearance for restricted records search and see public copies only, exactly as on the
page (search/index.py, search/service.py).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from sillok.archive.service import Archive
from sillok.search.service import search
from sillok.web.api.deps import NO_NUL, Reader
from sillok.web.api.errors import ERROR_RESPONSES
from sillok.web.api.labels import CODE_DESCRIPTION, ApiLabels
from sillok.web.labels import public_note

MAX_OFFSET = 100_000


class SearchHit(BaseModel):
    type: str
    id: int
    label: str = Field(description="In the caller's language (?lang=, Accept-Language).")
    code: str | None = Field(None, description=CODE_DESCRIPTION)
    level: str
    score: float
    snippet: str = Field(description="HTML: text escaped, matches in <mark>…</mark>.")


class Expansion(BaseModel):
    matched: str = Field(description="What in the query was recognised.")
    term: str = Field(description="The vocabulary term (vocabulary:code).")
    added: list[str] = Field(description="Labels and synonyms searched for as well.")
    source: str | None = Field(default=None, description="Where a thesaurus entry's "
                               "equivalence comes from (publisher, title, address).")


class TermSuggestion(BaseModel):
    vocabulary: str
    code: str
    label_en: str
    label_ko: str
    filter: str | None = Field(description="The search filter that selects records of this "
                               "term (e.g. act:forced_repatriation), if there is one.")
    matched: str | None = Field(default=None, description="The words of the query that "
                                "named the term, if it was named rather than matched.")


class SearchOut(BaseModel):
    query: str
    total: int = Field(description="Matches the caller may see (a lower bound if capped).")
    total_capped: bool = Field(description="Counting stopped early: total and facets are "
                                           "lower bounds.")
    limit: int
    offset: int
    items: list[SearchHit]
    expansions: list[Expansion]
    suggestions: list[TermSuggestion] = Field(
        default_factory=list, description="Vocabulary terms the query names or matches: "
        "offered as filters, not listed among the items (unless the query has type:terms).")
    notes: list[str] = Field(default_factory=list, description="What the caller should know "
                             "about the query: a filter value that names nothing (then there "
                             "are no results), a year that is not one.")
    facets: dict[str, dict[str, int]] | None = Field(
        description="Facet → value → count, over every match; null unless facets=true.")


def router(archive: Archive) -> APIRouter:
    r = APIRouter(responses=ERROR_RESPONSES)
    human = ApiLabels(archive)

    @r.get("/search", response_model=SearchOut, tags=["search"], operation_id="search",
           summary="Search records (words, \"phrases\", -exclusion, OR, type: lang: level: "
                   "kind: year: from: to: place: act: facility:)")
    def search_api(
        actor: Reader,
        q: Annotated[str, Query(max_length=1000, pattern=NO_NUL,
                                description="The query, in the search bar's language "
                                "(at most 1,000 characters).",
                                examples=["강제북송", "forced repatriation from:2015",
                                          "탈북민 place:hamgyong-north type:event"])] = "",
        facets: bool = False,
        limit: Annotated[int, Query(ge=1, le=200)] = 20,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
        sort: Literal["relevance", "date"] = "relevance",
        expand: Annotated[bool, Query(description="Also search for the labels and synonyms "
                                      "of vocabulary terms the query names.")] = True,
    ) -> dict[str, Any]:
        result = search(archive, actor, q, limit=limit, offset=offset, facets=facets,
                        sort=sort, expand_terms=expand, terms_apart=True)
        return {"query": result.query, "total": result.total,
                "total_capped": result.total_capped, "limit": limit, "offset": offset,
                "items": human(result.items), "notes": result.notes,
                "expansions": [{**e, "source": public_note(e["source"]) if e.get("source")
                                else None} for e in result.expansions],
                "suggestions": result.suggestions,
                "facets": result.facets if facets else None}

    return r
