"""jobs: run the queued readings by OCR (ingest/ocr_jobs.py) in a worker of their own.

A server runs them in a thread of its own; this command is for a separate worker process (a
machine with Tesseract, or a timer), and for readings a stopped server left queued.
"""

from __future__ import annotations

import time

import typer

from sillok.cli.common import DataDir, archive_for, console
from sillok.ingest import ocr_jobs

jobs_app = typer.Typer(help="Background jobs: readings of pages by OCR again.",
                       no_args_is_help=True)


@jobs_app.command("run")
def run_cmd(
    follow: bool = typer.Option(False, "--follow", help="Keep waiting for new jobs "
                                "(stop with Ctrl-C) instead of ending when none is left."),
    poll: float = typer.Option(5.0, "--poll", min=0.5, help="With --follow: seconds "
                               "between looks at the queue."),
    data_dir: DataDir = None,
) -> None:
    """Claim and run queued jobs, one at a time, until none is left (or for ever, --follow).
    A job this worker does not finish (killed) is taken up again by another once its claim
    has run out."""
    worker = ocr_jobs.worker_name()
    with archive_for(data_dir) as archive:
        count = ocr_jobs.drain(archive, worker)
        while follow:
            time.sleep(poll)
            count += ocr_jobs.drain(archive, worker)
        left = ocr_jobs.pending(archive)
    console.print(f"{count} job(s) run; {left} still queued or held by another worker",
                  highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(jobs_app, name="jobs")
