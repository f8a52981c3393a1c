"""``sillok capture URL``: keep a web page as evidence (WARC, screenshot, text, hashes and a
trusted timestamp); ``sillok verify`` re-checks captures."""

from __future__ import annotations

import typer

from sillok.capture.service import capture_url
from sillok.cli.common import DataDir, Json, actor_for, archive_for, console, print_json
from sillok.errors import SillokError
from sillok.search.upkeep import after_bulk_write

STATUS = {"new": "새 자료 / new source", "new_version": "바뀐 페이지, 새 판 / page changed, "
          "new version", "unchanged": "바뀌지 않음, 수집 기록 추가 / unchanged, capture added"}


def capture(
    urls: list[str] = typer.Argument(..., help="Page address(es), http:// or https://."),
    level: str = typer.Option("internal", "--level", help="Confidentiality of the new source "
                              "(public, internal, restricted)."),
    render: bool = typer.Option(False, "--render", help="Take the text from the page as "
                                "Chromium renders it (for pages built by scripts); the WARC "
                                "still holds the page as fetched."),
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Capture web pages with provenance; a page that fails does not stop the others."""
    actor = actor_for(None)
    results, failed = [], []
    with archive_for(data_dir) as archive:
        for url in urls:
            try:
                result = capture_url(archive, actor, url, level=level, render=render)
            except SillokError as exc:  # one bad page does not stop the others
                message = exc.message
                failed.append({"url": url, "error": message})
                if not json_out:
                    console.print(f"[red]{url}: {message}[/]", highlight=False)
                continue
            results.append(result)
            if not json_out:
                stamp = result.capture.get("timestamp")
                console.print(
                    f"{url} → source #{result.source_id}: {STATUS[result.status]}"
                    + (f" (before: #{result.previous})" if result.previous else "")
                    + f"; WARC {result.capture['files']['warc']['sha256'][:16]}…"
                    + (f"; timestamp {stamp['time']} by {stamp['tsa']}" if stamp else ""),
                    highlight=False)
                for note in result.notes:
                    console.print(f"  note: {note}", highlight=False)
        after_bulk_write(archive.engine, changed=len(results))
    if json_out:
        print_json({"captured": [{"url": r.url, "source": r.source_id, "status": r.status,
                                  "previous": r.previous, "capture": r.capture,
                                  "notes": r.notes} for r in results], "failed": failed})
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("capture")(capture)
