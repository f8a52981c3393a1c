"""Relations between persons from a person's staff page: "this person is the parent (child,
sibling, spouse, witness, …) of that one", chosen with pickers, never typed as ids.

The relation is a record like the others (archive services: validation, audit, version); it
is edited on its own page (edit_forms.py) and retracted there with a reason.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from sillok.archive.service import Archive
from sillok.errors import Invalid
from sillok.web import i18n
from sillok.web.staff_routes import Staff

Text = Annotated[str, Form(max_length=500)]


def router(archive: Archive) -> APIRouter:
    r = APIRouter(prefix="/staff/records/person")

    @r.post("/{person_id}/relations")
    def add_relation(actor: Staff, person_id: int, kind: Text = "", other: Text = "",
                     level: Text = "restricted", description: Text = "") -> Response:
        """This person is the ``kind`` of ``other``; the page shows it both ways."""
        # The person picker sends the chosen person's id.
        other_id = int(other) if other.strip().isdigit() else None
        errors = {}
        if other_id is None:
            errors["other"] = i18n.gettext("Choose the other person from the list.")
        if not kind:
            errors["kind"] = i18n.gettext("Choose how they are related.")
        if errors:
            raise Invalid(errors)
        relation = archive.create(actor, "relation", {
            "level": level, "person_a": person_id, "person_b": other_id, "kind": kind,
            "description": description.strip()})
        return RedirectResponse(f"/staff/records/person/{person_id}?relation={relation}"
                                "#relations", status_code=303)

    return r
