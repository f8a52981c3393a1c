"""Assigning one record from its workspace page (issue 18): the same service as the lists'
bulk assignment (archive/assignments.py), so the assignee must be an enabled editor or admin,
and every change is an ``assign`` entry of the record's history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from sillok.archive.assignments import assign_one
from sillok.archive.service import Archive
from sillok.errors import NotFound
from sillok.web.staff_routes import RECORD_TYPES, Staff


def router(archive: Archive) -> APIRouter:
    r = APIRouter(prefix="/staff/records")

    @r.post("/{type_name}/{record_id}/assign")
    def assign(actor: Staff, type_name: str, record_id: int,
               assignee: Annotated[str, Form(max_length=200)] = "") -> Response:
        if type_name not in RECORD_TYPES:
            raise NotFound(f"no records of type {type_name}")
        assign_one(archive, actor, type_name, record_id, assignee)
        return RedirectResponse(f"/staff/records/{type_name}/{record_id}?saved=assign#assign",
                                status_code=303)

    return r
