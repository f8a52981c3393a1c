"""A real browser for the browser tests: Debian's Chromium driven by Playwright, against the app
served by uvicorn on a free local port. Nothing is downloaded (executable_path)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from sillok.config import Settings
from sillok.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / ".artifacts" / "screenshots"
DOCS_SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
DOC_SHOTS_SWITCH = "SILLOK_DOC_SCREENSHOTS"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# The flags a root CI container needs, and no calls home from the browser.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(settings: Settings, app: Any = None) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app or create_app(settings), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# One Chromium per test process, started on first use and shared by every browser test:
# starting it is a second or two of CPU, which a hundred tests paid each time. Tests stay apart
# by their browser contexts (cookies, storage), which each use of browser() closes after it.
_shared: dict[str, Any] = {}


@contextmanager
def browser() -> Iterator[Any]:
    chromium = _shared.get("browser")
    if chromium is None or not chromium.is_connected():
        if "playwright" not in _shared:
            from playwright.sync_api import sync_playwright

            _shared["playwright"] = sync_playwright().start()
        chromium = _shared["playwright"].chromium.launch(executable_path=CHROMIUM,
                                                         headless=True, args=FLAGS)
        _shared["browser"] = chromium
    before = {id(c) for c in chromium.contexts}
    try:
        yield chromium
    finally:
        for context in chromium.contexts:
            if id(context) not in before:
                context.close()


def shutdown() -> None:
    """Close the shared browser and Playwright's driver (at the end of the test session)."""
    chromium, driver = _shared.pop("browser", None), _shared.pop("playwright", None)
    if chromium is not None and chromium.is_connected():
        chromium.close()
    if driver is not None:
        driver.stop()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def docs_screenshots() -> bool:
    """Whether this run should refresh the screenshots committed under docs/screenshots
    (``SILLOK_DOC_SCREENSHOTS=1``, e.g. ``make screenshots``). Off by default, so that a test
    run leaves the work tree as it found it: every shot still goes to .artifacts/."""
    return os.environ.get(DOC_SHOTS_SWITCH, "") not in ("", "0")


def keep_for_docs(shot: Path, name: str) -> Path | None:
    """Copy a shot taken with :func:`screenshot` to docs/screenshots/``name``.png when this
    run was asked to (:func:`docs_screenshots`); the path written, or None."""
    if not docs_screenshots():
        return None
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    target = DOCS_SHOTS / f"{name}.png"
    shutil.copyfile(shot, target)
    return target


def csp_violations(page: Any) -> list[str]:
    """From now on, every Content-Security-Policy violation the page reports (Chromium writes
    each to the console), in a list that fills as the page runs."""
    found: list[str] = []

    def seen(message: Any) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)
    page.on("console", seen)
    return found


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical accessibility violations on the current page."""
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
    # govern (a <script> tag added with its text inline would be refused).
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]),
             "help": v["help"], "target": json.dumps(v["nodes"][0]["target"])}
            for v in found if v["impact"] in ("serious", "critical")]
