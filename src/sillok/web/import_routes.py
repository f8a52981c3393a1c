"""Importing a table (xlsx, csv, Uwazi CSV, a Sillok CSV export) or FollowTheMoney entities
from the workspace, as ``sillok import`` does (docs/import.md): upload → the dry-run report
(created, mapped, for review, refused; a table's column mapping editable on the page) →
confirm → all or nothing.

Between the steps the file waits in ``DATA_DIR/imports/TOKEN/`` (owner-only, like every
file of the archive), tied to the editor who uploaded it; the real run removes it."""

from __future__ import annotations

import json
import re
import secrets
import shutil
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from sillok.archive.service import Archive
from sillok.errors import Invalid, NotFound, Said, SillokError
from sillok.exchange.ftm_import import import_ftm, is_ftm
from sillok.exchange.uwazi_client import UwaziClient
from sillok.exchange.uwazi_import import import_uwazi
from sillok.private_files import make_dir, write_file
from sillok.search.upkeep import after_bulk_write
from sillok.security.policy import Actor
from sillok.tables.columns import TARGETS, Mapping, write_mapping
from sillok.tables.importing import LEVELS, import_table
from sillok.tables.sheets import SUFFIXES
from sillok.web.staff_routes import Staff

TOKEN = re.compile(r"[0-9a-f]{32}")
FTM_SUFFIXES = (".json", ".jsonl", ".ftm")
_SAFE = re.compile(r"[^\w.\-가-힣]+")


def _folder(archive: Archive, token: str) -> Path:
    return archive.settings.data_dir / "imports" / token


def _meta(archive: Archive, actor: Actor, token: str) -> tuple[Path, dict[str, Any]]:
    """The waiting upload of ``token``, only for the editor who uploaded it."""
    folder = _folder(archive, token)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise NotFound("no such import waiting (done already, or never uploaded)") from None
    if not TOKEN.fullmatch(token) or meta.get("by") != actor.name:
        raise NotFound("no such import waiting (done already, or never uploaded)")
    return folder, meta


def _uwazi(archive: Archive, actor: Actor, folder: Path, meta: dict[str, Any], *,
           dry_run: bool, password: str, mapping_text: str | None) -> dict[str, Any]:
    """An Uwazi server read again for each step (the password is never kept); the template
    mapping the first dry run proposed waits with the token, as the editor changed it."""
    mapping_file = folder / "mapping.yaml"
    if mapping_text is not None and mapping_text.strip():
        write_file(mapping_file, mapping_text.replace("\r\n", "\n").encode())
    with UwaziClient(meta["url"]) as client:
        if meta.get("user"):
            client.login(meta["user"], password)
        outcome = import_uwazi(archive, actor, client, level=meta["level"], dry_run=dry_run,
                               mapping_file=mapping_file if mapping_file.exists() else None,
                               mapping_dir=folder)
    if outcome.mapping_written is not None:
        outcome.mapping_written.replace(mapping_file)
    created = outcome.result.counts() if outcome.result else outcome.plan.counts()
    return {"format": "uwazi", "uwazi": outcome.plan, "created": created,
            "mapping_text": mapping_file.read_text(encoding="utf-8"),
            "not_fetched": outcome.not_fetched}


def _run(archive: Archive, actor: Actor, folder: Path, meta: dict[str, Any], *,
         dry_run: bool, columns: dict[str, str] | None = None, password: str = "",
         mapping_text: str | None = None) -> dict[str, Any]:
    """The report of a dry run or a real run, for the page."""
    if meta["format"] == "uwazi":
        return _uwazi(archive, actor, folder, meta, dry_run=dry_run, password=password,
                      mapping_text=mapping_text)
    path = folder / meta["file"]
    if meta["format"] == "ftm":
        result = import_ftm(archive, actor, path, level=meta["level"], dry_run=dry_run)
        return {"format": "ftm", "created": result.created, "skipped": result.skipped}
    mapping_file = folder / "mapping.yaml"
    if columns is not None:
        write_mapping(Mapping(columns), mapping_file, meta["name"])
    outcome = import_table(archive, actor, path, level=meta["level"], dry_run=dry_run,
                           mapping_file=mapping_file if mapping_file.exists() else None)
    plan = outcome.plan
    report: dict[str, Any] = {"format": "table", "plan": plan, "created": plan.counts(),
                              "targets": TARGETS}
    if outcome.mapping_written is not None:
        outcome.mapping_written.replace(mapping_file)
    return report


def _said(exc: SillokError) -> str:
    """Why a real run imported nothing, in both languages when every part of it is (the
    refused items' notes, tables/notes.py); else as the error says it."""
    if isinstance(exc, Invalid) and isinstance(exc.context, Said):
        said = Said.joined([exc.context, Said.joined(list(exc.errors.values()))], sep=": ")
        if isinstance(said, Said):
            return said
    return exc.message


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter(prefix="/staff")

    def render(request: Request, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        return templates.TemplateResponse(request, "import.html", context, status_code=status)

    @r.get("/import", response_class=HTMLResponse)
    def import_form(request: Request, _actor: Staff) -> HTMLResponse:
        return render(request, {"levels": LEVELS})

    @r.post("/import", response_class=HTMLResponse)
    async def upload(request: Request, actor: Staff, file: Annotated[UploadFile, File()],
                     level: Annotated[str, Form()] = "internal") -> HTMLResponse:
        if level not in LEVELS:
            raise Invalid({"level": "choose public, internal or restricted"})
        name = _SAFE.sub("-", Path(file.filename or "").name).strip("-.") or "import"
        suffix = Path(name).suffix.lower()
        if suffix not in (*SUFFIXES, *FTM_SUFFIXES):
            raise Invalid({"file": "a table (.xlsx, .csv) or FollowTheMoney entities "
                                   "(.json, .jsonl)"})
        limit = archive.settings.max_file_bytes
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise Invalid({"file": f"larger than {limit} bytes"})
        token = secrets.token_hex(16)
        folder = _folder(archive, token)
        make_dir(folder)
        write_file(folder / name, data)
        fmt = "table" if suffix in SUFFIXES else "ftm"
        if fmt == "ftm" and not is_ftm(folder / name):
            shutil.rmtree(folder, ignore_errors=True)
            raise Invalid({"file": "not FollowTheMoney entities (JSON Lines with schema and "
                                   "properties)"})
        meta: dict[str, Any] = {"by": actor.name, "file": name, "name": file.filename or name,
                "level": level, "format": fmt}
        write_file(folder / "meta.json", json.dumps(meta).encode())
        try:
            report = _run(archive, actor, folder, meta, dry_run=True)
        except SillokError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        if fmt == "table":
            meta["headers"] = list(report["plan"].mapping.columns)
            (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        return render(request, {"token": token, "meta": meta, "report": report,
                                "levels": LEVELS})

    @r.post("/import/uwazi", response_class=HTMLResponse)
    def from_uwazi(request: Request, actor: Staff, url: Annotated[str, Form()],
                   user: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
                   level: Annotated[str, Form()] = "internal") -> HTMLResponse:
        if level not in LEVELS:
            raise Invalid({"level": "choose public, internal or restricted"})
        token = secrets.token_hex(16)
        folder = _folder(archive, token)
        make_dir(folder)
        meta: dict[str, Any] = {"by": actor.name, "format": "uwazi", "url": url.strip(),
                                "user": user.strip(), "name": url.strip(), "level": level}
        write_file(folder / "meta.json", json.dumps(meta).encode())
        try:
            report = _run(archive, actor, folder, meta, dry_run=True, password=password)
        except SillokError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return render(request, {"token": token, "meta": meta, "report": report,
                                "levels": LEVELS})

    @r.post("/import/{token}", response_class=HTMLResponse)
    async def confirm(request: Request, actor: Staff, token: str) -> HTMLResponse:
        folder, meta = _meta(archive, actor, token)
        form = await request.form()
        columns = None
        if meta["format"] == "table":
            headers = meta.get("headers") or []
            chosen = {h: str(form.get(f"map_{i}") or "") for i, h in enumerate(headers)}
            if headers and all(t in TARGETS for t in chosen.values()):
                columns = chosen
        password = str(form.get("password") or "")
        mapping_text = str(form["mapping"]) if "mapping" in form else None

        def run(dry_run: bool) -> dict[str, Any]:
            return _run(archive, actor, folder, meta, dry_run=dry_run, columns=columns,
                        password=password, mapping_text=mapping_text)

        if form.get("step") == "check":
            report = run(True)
            return render(request, {"token": token, "meta": meta, "report": report,
                                    "levels": LEVELS})
        try:
            report = run(False)
        except SillokError as exc:
            report = run(True)
            return render(request, {"token": token, "meta": meta, "report": report,
                                    "levels": LEVELS, "error": _said(exc)}, status=422)
        shutil.rmtree(folder, ignore_errors=True)
        after_bulk_write(archive.engine, changed=sum(report["created"].values()))
        return render(request, {"meta": meta, "report": report, "done": True,
                                "levels": LEVELS})

    return r
