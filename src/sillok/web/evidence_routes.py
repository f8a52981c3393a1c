"""Consent and chain of custody in the workspace (docs/evidence.md): the panels shown on staff
record pages and the source workspace, the forms that add entries, and the custody downloads
for a legal request. Every change goes through archive/consent.py and archive/custody.py as the
signed-in editor; the policy decides the rest."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from sillok.archive import consent, custody
from sillok.archive.service import Archive
from sillok.errors import Invalid, NotFound
from sillok.security.policy import CONSENT_SCOPES
from sillok.web.evidence_panels import SUBJECTS
from sillok.web.staff_routes import Staff


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value.strip() else None
    except ValueError:
        raise Invalid({"decided_on": f"'{value}' is not a date (YYYY-MM-DD)"}) from None


def _when(value: str, zone: str) -> datetime | None:
    """A ``datetime-local`` field with the offset chosen beside it (+09:00 by default)."""
    if not value.strip():
        return None
    try:
        return datetime.fromisoformat(f"{value.strip()}{zone.strip() or '+09:00'}")
    except ValueError:
        raise Invalid({"at": f"'{value}' is not a time"}) from None


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter(prefix="/staff")

    @r.post("/consent/{subject_type}/{subject_id}", response_class=HTMLResponse)
    async def record_consent(request: Request, actor: Staff, subject_type: str,
                             subject_id: int) -> HTMLResponse:
        if subject_type not in SUBJECTS:
            raise NotFound(f"no consent for {subject_type} records")
        form = await request.form()
        decisions = {scope: str(form.get(f"scope_{scope}") or "") for scope in CONSENT_SCOPES}
        chosen = {scope: d for scope, d in decisions.items() if d}
        partners = [p.strip() for p in str(form.get("partners") or "").split(",") if p.strip()]
        report = consent.record(archive, actor, subject_type, subject_id, chosen,
                                partners=partners,
                                decided_on=_date(str(form.get("decided_on") or "")),
                                note=str(form.get("note") or ""))
        return templates.TemplateResponse(request, "consent_done.html", {
            "report": report, "subject_type": subject_type, "subject_id": subject_id})

    @r.post("/sources/{source_id}/custody")
    def add_custody(actor: Staff, source_id: int, action: Annotated[str, Form()],
                    method: Annotated[str, Form()], from_party: Annotated[str, Form()] = "",
                    to_party: Annotated[str, Form()] = "", at: Annotated[str, Form()] = "",
                    zone: Annotated[str, Form()] = "+09:00",
                    sha256: Annotated[str, Form()] = "",
                    note: Annotated[str, Form()] = "") -> Response:
        custody.add(archive, actor, source_id, action=action, method=method,
                    from_party=from_party, to_party=to_party, happened_at=_when(at, zone),
                    sha256=sha256 or None, note=note)
        return RedirectResponse(f"/staff/records/source/{source_id}#custody", status_code=303)

    @r.get("/sources/{source_id}/custody.{fmt}")
    def download_custody(actor: Staff, source_id: int, fmt: str) -> Response:
        if fmt not in ("csv", "json"):
            raise NotFound(f"no custody download as {fmt}")
        shown = custody.chain(archive, actor, source_id)
        name = f"sillok-source-{source_id}-custody.{fmt}"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        if fmt == "csv":
            return Response(custody.as_csv(shown), media_type="text/csv; charset=utf-8",
                            headers=headers)
        return Response(json.dumps(shown, ensure_ascii=False, indent=2),
                        media_type="application/json", headers=headers)

    return r
