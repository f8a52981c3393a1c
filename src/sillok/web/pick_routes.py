"""The workspace's pickers: the options a typed name finds (JSON, for static/picker.js), and
the small form that creates a record from inside a picker without leaving the form around it.

The options are what the staff member may see (search/pick.py reads through the policy). The
small form is fetched and sent with htmx and answers with itself: with a message beside each
wrong field (422), or with the new record, which picker.js then puts in the picker.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from sillok.archive.service import Archive
from sillok.errors import Invalid, NotFound
from sillok.search.pick import KINDS, pick
from sillok.security.policy import Actor
from sillok.web import i18n
from sillok.web.edit_routes import Posted
from sillok.web.passage_records import LEVELS, form_fields, made_code
from sillok.web.staff_routes import Staff, _hangul

# What each kind's small form asks (field names without the ``new_`` prefix they are sent
# with, so that they never mix with the fields of the form around the picker).
NEW_FIELDS: dict[str, tuple[str, ...]] = {
    "person": ("name", "kind", "level"),
    "place": ("ko", "en", "kind", "parent", "level"),
    "facility": ("ko", "en", "facility_type", "parent", "level"),
    "term": ("ko", "en", "vocabulary", "level"),
    "source": ("title", "kind", "level"),
    "event": ("title", "date", "level"),
}
DEFAULT_LEVEL = {"person": "restricted", "place": "public", "facility": "internal",
                 "term": "public", "source": "internal", "event": "internal"}
Q = Annotated[str, Query(max_length=200)]


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter(prefix="/staff/pick")

    def kind_of(kind: str) -> str:
        if kind not in KINDS:
            raise NotFound(f"no picker for {kind}")
        return kind

    @r.get("/{kind}")
    def options(actor: Staff, kind: str, q: Q = "", vocabulary: Q = "") -> JSONResponse:
        found = pick(archive, actor, kind_of(kind), q, lang=i18n.current.get(),
                     vocabulary=vocabulary or None)
        level_label = templates.env.globals["level_label"]
        return JSONResponse({"items": [
            {"value": c.value, "label": c.label, "detail": c.detail,
             "level": level_label(c.level)}  # type: ignore[operator]
            for c in found], "create": kind in NEW_FIELDS})

    def mini(request: Request, actor: Actor, kind: str, values: dict[str, str],
             errors: dict[str, str], created: dict[str, Any] | None = None,
             status: int = 200) -> HTMLResponse:
        return templates.TemplateResponse(request, "_pick_new.html", {
            "kind": kind, "v": values, "e": errors, "created": created, "levels": LEVELS,
            "target": values.get("for", ""), "vocab": _vocab(archive, actor, kind)},
            status_code=status)

    @r.get("/{kind}/new", response_class=HTMLResponse)
    def new_form(request: Request, actor: Staff, kind: str, q: Q = "", vocabulary: Q = "",
                 target: Annotated[str, Query(alias="for", max_length=80)] = ""
                 ) -> HTMLResponse:
        if kind_of(kind) not in NEW_FIELDS:
            raise NotFound(f"a {kind} is not created from a picker")
        values = {"level": DEFAULT_LEVEL[kind], "vocabulary": vocabulary, "for": target,
                  "kind": {"person": "individual", "place": "city", "source": "testimony"}
                  .get(kind, "")}
        typed = q.strip()
        values.update(_prefill(kind, typed))
        return mini(request, actor, kind, values, {})

    @r.post("/{kind}/new", response_class=HTMLResponse)
    def create(request: Request, actor: Staff, kind: str, form: Posted) -> HTMLResponse:
        if kind_of(kind) not in NEW_FIELDS:
            raise NotFound(f"a {kind} is not created from a picker")
        values = {name: str(form.get(f"new_{name}") or "").strip()
                  for name in (*NEW_FIELDS[kind], "for")}
        try:
            type_name, value, label = _create(archive, actor, kind, values)
        except Invalid as exc:
            errors = form_fields(exc.errors, NEW_FIELDS[kind])
            return mini(request, actor, kind, values, errors, status=422)
        return mini(request, actor, kind, values, {}, created={
            "type": type_name, "value": value, "label": label})

    return r


def _prefill(kind: str, typed: str) -> dict[str, str]:
    """What was typed in the picker, in the field it belongs to (a Hangul name as the Korean
    one, a romanized one as the English one)."""
    if kind == "person":
        return {"name": typed}
    if kind in ("source", "event"):
        return {"title": typed}
    return {"ko": typed} if _hangul(typed) else {"en": typed}


def _vocab(archive: Archive, actor: Actor, kind: str) -> dict[str, list[dict[str, Any]]]:
    wanted = {"person": ("person_kind",), "place": ("place_kind",),
              "facility": ("facility_type",), "source": ("source_kind",)}.get(kind, ())
    return {v: [t["fields"] for t in archive.list_records(
        actor, "term", {"vocabulary": v}, limit=200).items] for v in wanted}


def _create(archive: Archive, actor: Actor, kind: str, v: dict[str, str]
            ) -> tuple[str, str, str]:
    """Create the record the small form describes: its type, the value the picker sends for
    it and its label; raises Invalid with a message per field."""
    level = v["level"] if v["level"] in LEVELS else DEFAULT_LEVEL[kind]
    need = i18n.gettext("Fill this in.")
    if kind == "person":
        if not v["name"]:
            raise Invalid({"name": need})
        record_id = archive.create(actor, "person", {
            "level": level, "kind": v["kind"] or "individual",
            "names": [{"name": v["name"], "system": "hangul" if _hangul(v["name"])
                       else "alias"}]})
        return "person", str(record_id), v["name"]
    if kind in ("place", "facility", "term"):
        missing = {f: need for f in ("ko", "en") if not v[f]}
        if missing:
            raise Invalid(missing)
        if kind == "term":
            code = _slug(v["en"], "_")
            archive.create(actor, "term", {"level": level, "vocabulary": v["vocabulary"],
                                           "code": code, "ko": v["ko"], "en": v["en"]})
            return "term", code, f"{v['ko']} / {v['en']}"
        code = made_code(v["parent"], v["en"])
        data: dict[str, Any] = {"level": level, "code": code, "ko": v["ko"], "en": v["en"],
                                "kind": "facility" if kind == "facility" else v["kind"],
                                "parent": v["parent"] or None}
        if kind == "facility" and v["facility_type"]:
            data["facility_type"] = v["facility_type"]
        archive.create(actor, "place", data)
        return "place", code, v["ko"] if i18n.current.get() == "ko" else v["en"]
    if not v["title"]:
        raise Invalid({"title": need})
    data = {"level": level, "title": v["title"]}
    if kind == "source":
        data["kind"] = v["kind"] or "other"
    elif v["date"]:
        data["date"] = v["date"]
    record_id = archive.create(actor, kind, data)
    return kind, str(record_id), f"{v['title']} (#{record_id})"


def _slug(text: str, joiner: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", joiner, plain).strip(joiner)[:60] or "term"
