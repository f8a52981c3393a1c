"""Browser tests leave docs/screenshots as they found it unless asked to refresh it
(SILLOK_DOC_SCREENSHOTS=1, tests/browser.py keep_for_docs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import browser


def test_docs_screenshots_are_written_only_when_asked(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"\x89PNG fictional")
    docs = tmp_path / "docs"
    monkeypatch.setattr(browser, "DOCS_SHOTS", docs)
    for off in ("", "0"):
        monkeypatch.setenv(browser.DOC_SHOTS_SWITCH, off)
        assert browser.keep_for_docs(shot, "lists-phone-ko") is None
    monkeypatch.delenv(browser.DOC_SHOTS_SWITCH)
    assert browser.keep_for_docs(shot, "lists-phone-ko") is None and not docs.exists()
    monkeypatch.setenv(browser.DOC_SHOTS_SWITCH, "1")
    written = browser.keep_for_docs(shot, "lists-phone-ko")
    assert written == docs / "lists-phone-ko.png" and written.read_bytes() == shot.read_bytes()
