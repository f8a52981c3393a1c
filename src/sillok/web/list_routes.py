"""The staff lists (issue 18 point 8): sources, events, acts and persons with level badges,
facets, sort, a table or card view, bulk actions on the selected rows, and saved searches.

The list's whole state is in its address (``/staff/lists/events?level=internal&sort=newest``);
the view (table or cards) is also remembered in a cookie when chosen. Bulk actions are a plain
form (it works without scripts; lists.js adds "select all" and shows the fields an action
needs): a level change or an assignment goes through archive/bulk_changes.py (all or nothing,
a reason per refused row), an export through the export code of ``sillok export``.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from sillok.accounts import saved_searches as saved
from sillok.archive.assignments import staff_users
from sillok.archive.bulk_changes import Report, bulk_assign, bulk_level
from sillok.archive.service import Archive
from sillok.archive.transfer import export_selected
from sillok.errors import Invalid, NotFound
from sillok.search.lists import (
    ASSIGNEE,
    FACETS,
    LISTS,
    NOBODY,
    PARAM_KEYS,
    ListQuery,
    labels_of,
    list_page,
)
from sillok.web.labels import pick
from sillok.web.list_labels import t
from sillok.web.staff_routes import Staff
from sillok.web.template_globals import LANG_LABELS, LEVEL_LABELS

VIEWS = ("table", "cards")
VIEW_COOKIE = "sillok_list_view"
ACTIONS = ("level", "assign", "export_csv", "export_json")
PLURAL = {v: k for k, v in LISTS.items()}
# A CSV cell a spreadsheet would run as a formula is written as text.
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def list_url(plural: str, params: dict[str, Any]) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "") and k in PARAM_KEYS}
    return f"/staff/lists/{plural}" + (f"?{urlencode(kept)}" if kept else "")


def _type_of(plural: str) -> str:
    if plural not in LISTS:
        raise NotFound(f"no list of {plural}")
    return LISTS[plural]


def _params(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if k in PARAM_KEYS and v.strip()}


def _local(back: str, plural: str) -> str:
    """Where to go back to: a list's own address, never another site."""
    return back if back.startswith(f"/staff/lists/{plural}") and "//" not in back \
        else f"/staff/lists/{plural}"


def _facet_value(name: str, value: str, labels: Any) -> str:
    if name == "level":
        return pick(LEVEL_LABELS.get(value, (value, value)))
    if name == "language":
        return LANG_LABELS.get(value, value)
    if name == ASSIGNEE:
        return t("nobody") if value == NOBODY else value
    if name in ("kind", "act_type", "sex"):
        return str(labels(value))
    return value


def _ids(values: list[str]) -> list[int]:
    try:
        return [int(v) for v in values]
    except ValueError:
        raise Invalid({"ids": "a selected row is not a record number"}) from None


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           sort_keys=True)
    return "'" + text if text.startswith(FORMULA) else text


def export_response(lines: list[dict[str, Any]], type_name: str, fmt: str) -> Response:
    """Selected records as a download: JSON (the export lines of ``sillok export``) or CSV
    (one row per record: its number, level, fields and dates)."""
    name = f"sillok-{PLURAL[type_name]}-selected.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"',
               "Cache-Control": "no-store"}
    if fmt == "json":
        body = json.dumps({"format": "sillok-export/1", "records": lines},
                          ensure_ascii=False, indent=1, sort_keys=True)
        return Response(body, media_type="application/json; charset=utf-8", headers=headers)
    fields = list(dict.fromkeys(k for line in lines for k in line["record"]
                                if k != "level"))
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["type", "id", "level", *fields, "created_at", "updated_at"])
    for line in lines:
        record = line["record"]
        writer.writerow([line["type"], line["id"], record.get("level", ""),
                         *(_cell(record.get(f)) if record.get(f) is not None else ""
                           for f in fields),
                         line["meta"]["created_at"], line["meta"]["updated_at"]])
    return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers=headers)


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter(prefix="/staff")
    term_label = templates.env.globals["kind_label"]

    def render(request: Request, name: str, context: dict[str, Any],
               status: int = 200) -> HTMLResponse:
        shared = {"t": t, "lists": LISTS, "plural_of": PLURAL}
        return templates.TemplateResponse(request, name, {**shared, **context},
                                          status_code=status)

    @r.get("/lists/{plural}", response_class=HTMLResponse)
    def list_view(request: Request, actor: Staff, plural: str) -> HTMLResponse:
        type_name = _type_of(plural)
        params = _params(request)
        chosen = params.get("view") or request.cookies.get(VIEW_COOKIE, "")
        view = chosen if chosen in VIEWS else "table"
        filters = {k: v for k, v in params.items() if k in (*FACETS[type_name], ASSIGNEE)}
        try:
            page = int(request.query_params.get("page", "1"))
        except ValueError:
            page = 1
        lq = ListQuery(type_name, params.get("q", ""), filters, params.get("sort", ""), page)
        result = list_page(archive, actor, lq)
        facets = []
        for name, counts in result.facets.items():
            values = []
            for value, count in counts:
                on = filters.get(name) == value
                values.append({"value": value, "count": count, "on": on,
                               "label": _facet_value(name, value, term_label),
                               "url": list_url(plural, {**params, name: None if on else value,
                                                        "page": None})})
            facets.append({"name": name, "values": values})
        active = [{"name": k, "label": _facet_value(k, v, term_label),
                   "url": list_url(plural, {**params, k: None})} for k, v in filters.items()]
        with archive.transaction() as session:
            users = staff_users(session)
        mine = saved.list_searches(archive, actor)
        note = None
        if request.query_params.get("saved", "").isdigit():
            hit = [s for s in mine if s.id == int(request.query_params["saved"])]
            if hit:
                note = t("replaced_done" if request.query_params.get("replaced") else
                         "saved_done", name=hit[0].name)
        pager = {k: list_url(plural, {**params, "page": n}) for k, n in
                    (("prev", lq.page - 1), ("next", lq.page + 1))}
        response = render(request, "lists.html", {
            "plural": plural, "type_name": type_name, "params": params, "view": view,
            "result": result, "facets": facets, "active": active, "page": max(lq.page, 1),
            "sort": lq.sort_used, "pager": pager, "users": users, "saved": mine,
            "note": note, "here": list_url(plural, {**params, "page": lq.page}),
            "view_url": {v: list_url(plural, {**params, "view": v}) for v in VIEWS},
            "clear_url": list_url(plural, {k: params.get(k) for k in ("q", "sort", "view")}),
        })
        if params.get("view") in VIEWS:
            response.set_cookie(VIEW_COOKIE, params["view"], max_age=365 * 86400,
                                httponly=True, samesite="lax",
                                secure=request.url.scheme == "https")
        return response

    @r.post("/lists/{plural}/bulk", response_model=None)
    def bulk(request: Request, actor: Staff, plural: str,
             ids: Annotated[list[str] | None, Form()] = None,
             action: Annotated[str, Form()] = "", level: Annotated[str, Form()] = "",
             reason: Annotated[str, Form()] = "", assignee: Annotated[str, Form()] = "",
             back: Annotated[str, Form()] = "") -> Response:
        type_name = _type_of(plural)
        chosen = _ids(ids or [])
        if action not in ACTIONS:
            raise Invalid({"action": f"choose one of: {', '.join(ACTIONS)}"})
        if not chosen:
            raise Invalid({"ids": "select at least one row"})
        if action.startswith("export_"):
            lines = export_selected(archive, actor, type_name, chosen)
            return export_response(lines, type_name, action.removeprefix("export_"))
        report: Report = (bulk_level(archive, actor, type_name, chosen, level, reason)
                          if action == "level" else
                          bulk_assign(archive, actor, type_name, chosen, assignee))
        shown = labels_of(archive, actor, type_name, [row.id for row in report.rows])
        return render(request, "bulk_report.html", {
            "plural": plural, "type_name": type_name, "report": report, "labels": shown,
            "action": action, "level": level, "reason": reason, "assignee": assignee,
            "back": _local(back, plural)}, status=200 if report.applied else 409)

    @r.get("/saved-searches", response_class=HTMLResponse)
    def saved_list(request: Request, actor: Staff) -> HTMLResponse:
        done = request.query_params.get("deleted", "")
        return render(request, "saved_searches.html", {
            "saved": saved.list_searches(archive, actor),
            "note": t("deleted_done", name=done) if done else None})

    @r.post("/saved-searches")
    async def save(request: Request, actor: Staff) -> Response:
        form = await request.form()
        plural = str(form.get("list", ""))
        type_name = _type_of(plural)
        params = {k: str(v) for k, v in form.items() if k in PARAM_KEYS}
        found, replaced = saved.save_search(archive, actor, str(form.get("name", "")),
                                            type_name, params, types=tuple(LISTS.values()),
                                            keys=PARAM_KEYS)
        extra = {"saved": found.id, **({"replaced": 1} if replaced else {})}
        url = list_url(plural, params)
        return RedirectResponse(f"{url}{'&' if '?' in url else '?'}{urlencode(extra)}",
                                status_code=303)

    @r.get("/saved-searches/{search_id}")
    def run(actor: Staff, search_id: int) -> Response:
        found = saved.get_search(archive, actor, search_id)
        return RedirectResponse(list_url(PLURAL[found.record_type], found.params),
                                status_code=303)

    @r.post("/saved-searches/{search_id}/delete")
    def delete(actor: Staff, search_id: int) -> Response:
        name = saved.delete_search(archive, actor, search_id)
        return RedirectResponse(f"/staff/saved-searches?{urlencode({'deleted': name})}",
                                status_code=303)

    return r
