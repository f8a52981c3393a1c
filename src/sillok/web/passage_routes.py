"""The source workspace, continued: a selected passage becomes a new person or a new place,
with the passage as its evidence (an evidence link may point at a record of any type).

The forms post with htmx and get themselves back: empty with a link to the new record, or as
sent with a message beside each field that was wrong (422). Without JavaScript a post ends
on the new record's page, or on the error page. Every change goes through the archive
services (validation, audit, search index) in one transaction: record and evidence together
or neither.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from sillok.archive.service import Archive
from sillok.errors import Invalid
from sillok.security.policy import Actor
from sillok.web import i18n
from sillok.web.passage_records import (
    PERSON_FIELDS,
    PLACE_FIELDS,
    create_with_evidence,
    form_fields,
    made_code,
    no_passage,
    offsets,
    passage_choices,
    place_code,
    refuse_if,
)
from sillok.web.staff_routes import Staff, _hangul

Text = Annotated[str, Form(max_length=300)]
# Makes the record: its type, id and label, or raises Invalid.
Make = Callable[[], tuple[str, int, str]]


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter(prefix="/staff/sources")

    def answer(request: Request, actor: Actor, template: str, fields: tuple[str, ...],
               source_id: int, values: dict[str, Any], make: Make) -> Response:
        """Run ``make``; answer htmx with the form again,
        anyone else with a redirect to the new record or the error page."""
        htmx = bool(request.headers.get("hx-request"))
        try:
            type_name, record_id, label = make()
        except Invalid as exc:
            if not htmx:
                raise
            return templates.TemplateResponse(request, template, {
                "source_id": source_id, "values": values,
                "errors": form_fields(exc.errors, fields), **passage_choices(archive, actor)},
                status_code=422)
        if not htmx:
            return RedirectResponse(f"/staff/records/{type_name}/{record_id}", status_code=303)
        kept = {"start": values["start"], "end": values["end"], "level": values["level"]}
        return templates.TemplateResponse(request, template, {
            "source_id": source_id, "values": kept, "errors": {},
            "created": {"type": type_name, "id": record_id, "label": label},
            **passage_choices(archive, actor)})

    @r.post("/{source_id}/persons", response_model=None)
    def create_person(request: Request, actor: Staff, source_id: int,
                      name: Text = "", system: Text = "", kind: Text = "individual",
                      sex: Text = "", birth_year: Text = "",
                      roles: Annotated[list[str] | None, Form()] = None,
                      origin_place: Text = "", connection: Text = "",
                      level: Text = "restricted", start: Text = "", end: Text = "") -> Response:
        """A person named in the passage (victim, perpetrator, witness …), with the passage as
        the evidence that names them."""
        values = {"name": name, "system": system, "kind": kind, "sex": sex,
                  "birth_year": birth_year, "roles": roles or [], "origin_place": origin_place,
                  "connection": connection, "level": level, "start": start, "end": end}

        def make() -> tuple[str, int, str]:
            passage = offsets(start, end)
            year = birth_year.strip()
            refuse_if(("passage", no_passage(), passage is None),
                      ("name", i18n.gettext("Give the person's name as the passage has it."),
                       not name.strip()),
                      ("birth_year", i18n.gettext("A year, e.g. 1975."),
                       bool(year) and not year.isdigit()))
            assert passage is not None
            data: dict[str, Any] = {
                "level": level, "kind": kind or "individual", "roles": list(roles or []),
                "names": [{"name": name.strip(), "system": system or (
                    "hangul" if _hangul(name) else "alias")}]}
            if sex:
                data["sex"] = sex
            if year:
                data["birth_year"] = int(year)
            if origin_place.strip():
                data["origin_place"] = place_code(origin_place)
            person = create_with_evidence(archive, actor, source_id, "person", data, passage,
                                          connection)
            return "person", person, name.strip()

        return answer(request, actor, "_person_form.html", PERSON_FIELDS, source_id, values,
                      make)

    @r.post("/{source_id}/places", response_model=None)
    def create_place(request: Request, actor: Staff, source_id: int,
                     ko: Text = "", en: Text = "", kind: Text = "", parent: Text = "",
                     facility_type: Text = "", code: Text = "", level: Text = "internal",
                     start: Text = "", end: Text = "") -> Response:
        """A place the gazetteer lacks, named in the passage (a village, a holding cell), with
        the passage as its evidence; its code is made from the parent's and the English name
        unless one is given."""
        values = {"ko": ko, "en": en, "kind": kind, "parent": parent,
                  "facility_type": facility_type, "code": code, "level": level,
                  "start": start, "end": end}

        def make() -> tuple[str, int, str]:
            passage = offsets(start, end)
            parent_code = place_code(parent)
            new_code = code.strip().lower() or made_code(parent_code, en)
            refuse_if(("passage", no_passage(), passage is None),
                      ("ko", i18n.gettext("Give the Korean name."), not ko.strip()),
                      ("en", i18n.gettext("Give the English name."), not en.strip()),
                      ("kind", i18n.gettext("Choose a kind of place."), not kind),
                      ("code", i18n.gettext("Give a code (a–z, 0–9 and -): the English name "
                                            "has nothing to make one from."),
                       bool(en.strip()) and not new_code))
            assert passage is not None
            data: dict[str, Any] = {"level": level, "code": new_code, "kind": kind,
                                    "ko": ko.strip(), "en": en.strip()}
            if parent_code:
                data["parent"] = parent_code
            if facility_type:
                data["facility_type"] = facility_type
            place = create_with_evidence(archive, actor, source_id, "place", data, passage, "")
            return "place", place, f"{new_code} — {ko.strip()} / {en.strip()}"

        return answer(request, actor, "_place_form.html", PLACE_FIELDS, source_id, values,
                      make)

    return r
