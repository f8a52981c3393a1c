"""Commands about the archive as a whole: init, demo, verify, serve."""

from __future__ import annotations

from typing import Any

import typer

from sillok.accounts.demo_accounts import create_demo_account
from sillok.accounts.key_admin import enable, status
from sillok.archive.lifecycle import build_demo, init_archive
from sillok.archive.verify import verify
from sillok.capture.verify import verify_captures
from sillok.cli.common import (
    DataDir,
    Json,
    actor_for,
    archive_for,
    console,
    index_progress,
    print_json,
    settings_for,
)
from sillok.config import Settings


def init(
    data_dir: DataDir = None,
    json_out: Json = False,
    encrypt_protected: bool = typer.Option(
        False, "--encrypt-protected",
        help="Keep protected person details encrypted with a key outside the database "
             "(also $SILLOK_ENCRYPT_PROTECTED=1; see 'sillok keys').")
) -> None:
    """Create an archive, or upgrade it and its vocabularies; running it twice changes nothing."""
    settings = settings_for(data_dir)
    with index_progress(json_out) as progress:
        report = init_archive(settings, progress)
    encrypted = None
    if encrypt_protected or settings.encrypt_protected:
        encrypted = _encrypt(settings)
    if json_out:
        print_json({"location": report.location, "schema_before": report.schema_before,
                    "schema": report.schema_now, "added": report.seed.added,
                    "updated": report.seed.updated, "changed": report.changed,
                    "tightened": report.tightened,
                    "encrypted": encrypted})
        return
    verb = {"empty": "created", "old": "upgraded", "current": "up to date"}[report.schema_before]
    console.print(f"archive {verb}: {report.location} (schema {report.schema_now})")
    if report.seed.changed:
        added = ", ".join(f"{n} {k}" for k, n in report.seed.added.items())
        updated = ", ".join(f"{n} {k}" for k, n in report.seed.updated.items())
        console.print(f"vocabularies, gazetteer and series: added {added}; updated {updated}")
    else:
        console.print("vocabularies, gazetteer and series: nothing to change")
    if report.tightened:
        console.print(f"permissions: {report.tightened} files and directories made readable "
                      "by their owner only")
    if encrypted:
        console.print(f"protected details encrypted with key {encrypted['key']}; key file "
                      f"{encrypted['key_file']} — back it up (docs/keys.md)", highlight=False)


def _encrypt(settings: Settings) -> dict[str, Any] | None:
    """Turn encryption of protected details on, unless it is on already (init is idempotent)."""
    with archive_for(settings.data_dir) as archive:
        if status(archive)["encrypted"]:
            return None
        return enable(archive, actor_for(None))


def demo(
    data_dir: DataDir = None,
    json_out: Json = False,
    small: bool = typer.Option(
        False, "--small",
        help="Only the hand-written stories (about 40 acts), without the few hundred generated "
             "fictional events that fill the charts, the map and timelines."),
) -> None:
    """Build a demo archive from the shipped FICTIONAL content (an empty archive only)."""
    totals = build_demo(settings_for(data_dir), generated=not small)
    with archive_for(data_dir) as archive:
        account = create_demo_account(archive, actor_for(None))
    if json_out:
        print_json({"created": totals, "account": account})
        return
    parts = ", ".join(f"{n} {kind}" for kind, n in totals.items())
    console.print(f"demo archive built (fictional content): {parts}")
    console.print(f"sign in at /login as [bold]{account['username']}[/] (editor) with the "
                  f"password [bold]{account['password']}[/] (demo only; shown once — "
                  f"'sillok users passwd {account['username']}' sets a new one)",
                  highlight=False)


def verify_cmd(data_dir: DataDir = None, json_out: Json = False) -> None:
    """Recheck every blob's hash, every reference and code, the audit trail, and each web
    capture's files and trusted timestamp."""
    with archive_for(data_dir) as archive:
        report = verify(archive)
        captures, problems, notes = verify_captures(archive)
    report.checked["captures"] = captures
    report.problems += problems
    if json_out:
        print_json({"ok": report.ok, "checked": report.checked, "problems": report.problems,
                    "notes": notes})
    else:
        for problem in report.problems:
            console.print(f"[red]problem:[/] {problem}", highlight=False)
        for note in notes:
            console.print(f"note: {note}", highlight=False)
        checked = ", ".join(f"{n} {what}" for what, n in report.checked.items())
        status = "[green]clean[/]" if report.ok else f"[red]{len(report.problems)} problems[/]"
        console.print(f"verify: {status} ({checked})")
    if not report.ok:
        raise typer.Exit(1)


def serve(
    data_dir: DataDir = None,
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, max=32, help="Server processes. One Python process "
                                "uses about one core (the GIL); give as many as cores."),
) -> None:
    """Serve the archive's web site."""
    import os

    import uvicorn

    from sillok.web.app import MAX_REQUEST_HEAD, create_app

    settings = settings_for(data_dir)
    # proxy_headers=False: uvicorn believes X-Forwarded-For from 127.0.0.1 by default, so any
    # local process could pose as many clients; Sillok reads the header itself, and only from
    # SILLOK_TRUSTED_PROXIES (web/auth.py client_address).
    console.print(f"Sillok serving on http://{host}:{port}  (Ctrl-C stops)")
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning",
                    proxy_headers=False, h11_max_incomplete_event_size=MAX_REQUEST_HEAD)
        return
    # Several processes need an import string: each builds its app from the environment.
    os.environ["SILLOK_DATA_DIR"] = str(settings.data_dir.resolve())
    if settings.database_url:
        os.environ["SILLOK_DATABASE_URL"] = settings.database_url
    # The supervisor restarts a process that does not answer its health check in time; a
    # process that imports Kiwi and opens the archive on a busy machine can take far longer
    # than uvicorn's default 5 s to start, and would be restarted forever.
    uvicorn.run("sillok.web.app:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="warning", timeout_worker_healthcheck=120,
                proxy_headers=False, h11_max_incomplete_event_size=MAX_REQUEST_HEAD)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.command("verify")(verify_cmd)
    app.command("serve")(serve)
