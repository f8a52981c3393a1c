"""Editing a record in place in the staff workspace: the form of each record type, filled
from the record; a message beside each field that is wrong, with what was typed kept; and,
when someone else saved the record since the form was opened, a conflict page that shows
their change beside the saved value and overwrites nothing.

The form carries the version it was opened at; the archive refuses a change made from
another (archive/editing.py). Every change goes through Archive.update as the editor:
validation, audit (field by field), search index.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from sillok.archive.service import Archive
from sillok.errors import Conflict, Invalid, NotFound, StaleVersion
from sillok.search.pick import label_of
from sillok.security.policy import Actor, may_see_protected
from sillok.web import i18n
from sillok.web.edit_forms import (
    FORMS,
    NAME_ROWS_EXTRA,
    Field,
    changes_from,
    differences,
    field_errors,
    form_values,
    typed_values,
    vocabularies,
)
from sillok.web.passage_records import LEVELS, place_code
from sillok.web.staff_routes import Staff


async def posted_form(request: Request) -> FormData:
    """The posted form, read once (the CSRF check has read the same one)."""
    return await request.form()


Posted = Annotated[FormData, Depends(posted_form)]


def fields_for(type_name: str, actor: Actor) -> tuple[Field, ...]:
    """The form's fields for this editor: protected details only for those cleared for
    them (a form without them leaves them as they are)."""
    if type_name not in FORMS:
        raise NotFound(f"no records of type {type_name}")
    protected = may_see_protected(actor)
    return tuple(f for f in FORMS[type_name]
                 if protected or not f.name.startswith("protected."))


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter(prefix="/staff/records")

    def choices(actor: Actor, fields: tuple[Field, ...], type_name: str,
                values: dict[str, Any]) -> dict[str, Any]:
        vocab = {v: [t["fields"] for t in archive.list_records(
            actor, "term", {"vocabulary": v}, limit=500).items]
            for v in vocabularies(type_name)}
        if any(f.widget == "names" for f in fields):
            vocab["name_system"] = [t["fields"] for t in archive.list_records(
                actor, "term", {"vocabulary": "name_system"}, limit=200).items]
        return {"vocab": vocab, "levels": LEVELS,
                "picked": picked_labels(archive, actor, fields, values)}

    def form_page(request: Request, actor: Actor, type_name: str, rec: dict[str, Any],
                  values: dict[str, Any], errors: dict[str, str], version: int,
                  status: int = 200) -> HTMLResponse:
        fields = fields_for(type_name, actor)
        return templates.TemplateResponse(request, "edit.html", {
            "rec": rec, "type_name": type_name, "fields": fields, "values": values,
            "errors": errors, "version": version, "name_rows_extra": NAME_ROWS_EXTRA,
            **choices(actor, fields, type_name, values)}, status_code=status)

    @r.get("/{type_name}/{record_id}/edit", response_class=HTMLResponse)
    def edit(request: Request, actor: Staff, type_name: str, record_id: int) -> HTMLResponse:
        fields_for(type_name, actor)
        rec = archive.get(actor, type_name, record_id)
        if rec["retracted"]:
            raise Conflict(i18n.gettext("A retracted record cannot be changed."))
        return form_page(request, actor, type_name, rec,
                         form_values(type_name, rec["fields"]), {}, int(rec["version"]))

    @r.post("/{type_name}/{record_id}/edit", response_model=None)
    def save(request: Request, actor: Staff, type_name: str, record_id: int,
             form: Posted) -> Response:
        fields = fields_for(type_name, actor)
        version = str(form.get("version") or "")
        if not version.isdigit():
            raise Invalid({"version": "the form lacks the version it was opened at"})
        typed = typed_values(type_name, form)
        changes, errors = changes_from(type_name, typed)
        if not any(f.name.startswith("protected.") for f in fields):
            changes.pop("protected", None)
        if not errors:
            try:
                archive.update(actor, type_name, record_id, changes,
                               expected_version=int(version))
            except StaleVersion as stale:
                return conflict(request, actor, type_name, record_id, typed, stale)
            except Invalid as exc:
                errors = field_errors(type_name, exc.errors)
            else:
                return RedirectResponse(f"/staff/records/{type_name}/{record_id}?saved=1",
                                        status_code=303)
        rec = archive.get(actor, type_name, record_id)
        return form_page(request, actor, type_name, rec, typed, errors, int(version),
                         status=422)

    def conflict(request: Request, actor: Actor, type_name: str, record_id: int,
                 typed: dict[str, Any], stale: StaleVersion) -> HTMLResponse:
        """Someone saved the record after this form was opened: nothing was written. The
        page shows, field by field, what this editor typed beside what is saved now, and
        offers to edit the saved version again or to save theirs over it, knowingly."""
        rec = archive.get(actor, type_name, record_id)
        fields = fields_for(type_name, actor)
        now = form_values(type_name, rec["fields"])
        shown = {f.name for f in fields}
        rows = [d for d in differences(type_name, typed, now) if d["field"] in shown]
        return templates.TemplateResponse(request, "edit_conflict.html", {
            "rec": rec, "type_name": type_name, "rows": rows, "stale": stale,
            "fields": fields, "values": typed, "version": stale.current,
            "name_rows_extra": 0, **choices(actor, fields, type_name, typed)}, status_code=409)

    return r


def picked_labels(archive: Archive, actor: Actor, fields: tuple[Field, ...],
                  values: dict[str, Any]) -> dict[str, Any]:
    """What each picker shows for the value in the form: a record's label, or for a list
    of places a (code, label) pair each."""
    lang = i18n.current.get()
    out: dict[str, Any] = {}
    for f in fields:
        value = str(values.get(f.name) or "")
        if not f.pick or not value:
            continue
        if f.widget == "places":
            codes = [place_code(c) for c in value.split(",") if place_code(c)]
            out[f.name] = [(c, label_of(archive, actor, f.pick, c, lang=lang)) for c in codes]
        else:
            out[f.name] = label_of(archive, actor, f.pick,
                                   place_code(value) if f.widget == "place" else value,
                                   lang=lang)
    return out
