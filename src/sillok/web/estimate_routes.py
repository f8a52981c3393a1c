"""Estimates on the web: staff see how many people there may have been, documented or not,
for the filters of the statistics page (multiple systems estimation from the archive's own
lists, estimate/archive_lists.py); an admin may publish one to the public /stats page, or
unpublish it (estimate/published.py: audited, small-cell rule).

Computing: the page answers at once with a "computing" placeholder that htmx replaces with
the result, fetched from the same address; without JavaScript a link asks for the page with
the result (``wait=1``). The estimate is computed in that request, not in a background job:
the log-linear default takes under a second for 4 lists, and LCMCR runs with the same
settings as ``sillok estimate --method lcmcr`` — its documented default, bounded (4 chains ×
21,000 sweeps; 5–30 s for 4 lists on the project's 2-core machine, bench/README.md) — so
that an estimate published from the page can be computed again, draw for draw, from the
command line with the same seed.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from sillok.archive.service import Archive
from sillok.errors import Forbidden, Invalid
from sillok.estimate import lcmcr
from sillok.estimate.archive_lists import estimate_lists
from sillok.estimate.estimator import METHODS, Method
from sillok.estimate.published import publish, published, small_cell_message, unpublish
from sillok.estimate.result import Estimate
from sillok.security.policy import Actor, Role
from sillok.stats.disclosure import suppresses
from sillok.stats.filters import KEYS
from sillok.stats.overlaps import LIST_KEYS, victim_overlaps
from sillok.web.deps import page_actor
from sillok.web.staff_routes import NotSignedIn
from sillok.web.stats_routes import MAX_FILTER, pick_lang

MAX_LISTS_TEXT = 500


def reader_actor(request: Request) -> Actor:
    """Every signed-in staff role (viewer and above): estimates are for staff."""
    actor = page_actor(request)
    if actor.role is Role.anonymous:
        raise NotSignedIn(str(request.url.path))
    if suppresses(actor):
        raise Forbidden("estimates are for staff")
    return actor


def admin_actor(request: Request) -> Actor:
    actor = reader_actor(request)
    if actor.role is not Role.admin or actor.read_only:
        raise Forbidden("only an administrator may publish or unpublish an estimate")
    return actor


Reader = Annotated[Actor, Depends(reader_actor)]
Admin = Annotated[Actor, Depends(admin_actor)]


def asked(filter_text: str, lists_by: str, lists: str, method: str) -> dict[str, str]:
    """The request, checked: the same limits as the statistics page and the CLI."""
    if lists_by not in LIST_KEYS:
        raise Invalid({"lists_by": f"'{lists_by}' is not one of: {', '.join(LIST_KEYS)}"})
    if method not in METHODS:
        raise Invalid({"method": f"'{method}' is not one of: {', '.join(METHODS)}"})
    return {"filter": filter_text.strip()[:MAX_FILTER], "lists_by": lists_by,
            "lists": lists.strip()[:MAX_LISTS_TEXT], "method": method}


def method_settings(method: str) -> dict[str, Any]:
    """The settings an estimate of the page uses, as stored with a published one."""
    if method == "lcmcr":
        return asdict(lcmcr.Settings())
    return {"criterion": "bic"}


def compute(archive: Archive, actor: Actor, q: dict[str, str]) -> Estimate:
    method: Method = "lcmcr" if q["method"] == "lcmcr" else "loglinear"
    overlaps = victim_overlaps(archive, actor, q["filter"] or None, q["lists_by"],
                               [x for x in q["lists"].split(",") if x.strip()] or None)
    return estimate_lists(overlaps, method, criterion="bic", settings=lcmcr.Settings())


def result_view(result: Estimate, lang: str) -> dict[str, Any]:
    d = result.details
    archive = d.get("archive", {})
    return {
        "estimate": result.estimate, "lower": result.lower, "upper": result.upper,
        "observed": result.observed, "method": result.method, "model": result.model,
        "lists": result.lists, "unobserved": result.unobserved,
        "on_no_list": archive.get("victims_on_no_list", 0),
        "cautions": [(w.code, w.ko if lang == "ko" else w.en) for w in result.warnings],
        "diagnostics": (f"R-hat {d['rhat']:.3f} · ESS {d['ess']:,.0f}" if result.method == "lcmcr"
                        else f"deviance {d['deviance']:.2f} (df {d['df']})"),
    }


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter(prefix="/staff/estimates")

    def page(request: Request, actor: Actor, q: dict[str, str] | None, *,
             status: int = 200, **extra: Any) -> HTMLResponse:
        lang = pick_lang(request)
        return templates.TemplateResponse(request, "estimates.html", {
            "lang": lang, "q": q or {"filter": "", "lists_by": "kind", "lists": "",
                                     "method": "loglinear"},
            "query": urlencode(q) if q else "", "filter_keys": KEYS,
            "is_admin": actor.role is Role.admin and not actor.read_only,
            "published": published(archive), "k": archive.settings.min_cell, **extra,
        }, status_code=status)

    def outcome(request: Request, actor: Actor, q: dict[str, str]) -> dict[str, Any]:
        """The result, or the reason there is none, for the page and its fragment."""
        lang = pick_lang(request)
        try:
            result = compute(archive, actor, q)
        except Invalid as exc:
            return {"error": "; ".join(exc.errors.values()), "status": 422}
        k = archive.settings.min_cell
        small = small_cell_message(result.observed, k) if result.observed < k else None
        return {"result": result_view(result, lang), "status": 200,
                "small": (small[1] if lang == "ko" else small[0]) if small else ""}

    @r.get("", response_class=HTMLResponse)
    def estimates(request: Request, actor: Reader, filter: str = "", lists_by: str = "kind",
                  lists: str = "", method: str = "", wait: str = "") -> HTMLResponse:
        if not method:  # the form alone
            return page(request, actor, None, published_id=request.query_params.get("done"))
        try:
            q = asked(filter, lists_by, lists, method)
        except Invalid as exc:
            return page(request, actor, None, status=422,
                        error="; ".join(exc.errors.values()))
        if request.headers.get("hx-request"):
            found = outcome(request, actor, q)
            return templates.TemplateResponse(request, "_estimate.html", {
                "lang": pick_lang(request), "q": q, "query": urlencode(q),
                "is_admin": actor.role is Role.admin and not actor.read_only, **found},
                status_code=found["status"])
        if wait:
            found = outcome(request, actor, q)
            return page(request, actor, q, computed=True, **found)
        return page(request, actor, q, computing=True)

    @r.post("/publish")
    def publish_estimate(request: Request, actor: Admin, filter: Annotated[str, Form()] = "",
                         lists_by: Annotated[str, Form()] = "kind",
                         lists: Annotated[str, Form()] = "",
                         method: Annotated[str, Form()] = "loglinear") -> Response:
        q = asked(filter, lists_by, lists, method)
        # Computed again here, as the admin, rather than taken from the form: what is
        # published is what the archive says, not what a form was made to say. Both methods
        # give the same numbers for the same data and seed.
        result = compute(archive, actor, q)
        try:
            new_id = publish(archive, actor, filter_text=q["filter"], lists_by=q["lists_by"],
                             settings={**method_settings(q["method"]), "lists": q["lists"]},
                             result=result)
        except Invalid:
            lang = pick_lang(request)
            en, ko = small_cell_message(result.observed, archive.settings.min_cell)
            return page(request, actor, q, status=422, computed=True,
                        result=result_view(result, lang), small=ko if lang == "ko" else en,
                        refused=True)
        return RedirectResponse(f"/staff/estimates?{urlencode({'done': new_id})}",
                                status_code=303)

    @r.post("/{estimate_id}/unpublish")
    def unpublish_estimate(actor: Admin, estimate_id: int) -> Response:
        unpublish(archive, actor, estimate_id)
        return RedirectResponse("/staff/estimates", status_code=303)

    return r
