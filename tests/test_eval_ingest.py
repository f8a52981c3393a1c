"""``sillok eval-ingest`` (issue 23, point 7): the fictional evaluation set is read, its passages
written as files of each format and read back, and the suggestions scored per kind."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sillok.cli.main import app
from sillok.ingest.evaluate import DEFAULT_SET, formats, load, similarity

HELD_OUT = DEFAULT_SET.with_name("ingest_heldout.txt")
HELD_OUT_2 = DEFAULT_SET.with_name("ingest_heldout2.txt")
HELD_OUT_3 = DEFAULT_SET.with_name("ingest_heldout3.txt")
FAST = {"text", "html", "eml (EUC-KR)", "mbox", "docx", "pdf", "pdf (Hancom-like)",
        "pdf (overprinted)"}


def test_the_set_is_fictional_and_marked() -> None:
    passages = load()
    assert len(passages) >= 30
    assert all(p.text.startswith(("[가상]", "[Fictional]")) for p in passages)
    assert all(p.text[lb["start"]:lb["end"]] == lb["text"] for p in passages for lb in p.labels)
    kinds = {lb["kind"] for p in passages for lb in p.labels}
    assert kinds == {"person", "place"}
    # the failure cases of the issue are there, as negatives
    text = " ".join(p.text for p in passages)
    for case in ("해주시기", "한국은행", "부령을", "조선 시대", "Joseon-era"):
        assert case in text


def test_the_held_out_set_is_fictional_apart_and_has_homonyms() -> None:
    held_out = load(HELD_OUT)
    assert len(held_out) >= 20
    assert all(p.text.startswith(("[가상]", "[Fictional]")) for p in held_out)
    assert all(p.text[lb["start"]:lb["end"]] == lb["text"] for p in held_out
               for lb in p.labels)
    # not the shipped set again: no passage shared, and place homonyms as negatives
    assert not {p.text for p in held_out} & {p.text for p in load()}
    text = " ".join(p.text for p in held_out)
    for case in ("통화했지만", "무산되었다", "개성을", "안도의", "둔화되면서", "연사"):
        assert case in text


def test_the_second_held_out_set_is_fictional_and_apart() -> None:
    second = load(HELD_OUT_2)
    assert len(second) >= 30
    assert all(p.text.startswith(("[가상]", "[Fictional]")) for p in second)
    assert all(p.text[lb["start"]:lb["end"]] == lb["text"] for p in second for lb in p.labels)
    assert not {p.text for p in second} & {p.text for p in load() + load(HELD_OUT)}
    text = " ".join(p.text for p in second)
    for case in ("원산지", "화대를", "선양하는", "삼수를", "경성에는", "Gyeongseong"):
        assert case in text


def test_the_third_held_out_set_is_fictional_and_apart() -> None:
    third = load(HELD_OUT_3)
    assert len(third) >= 25
    assert all(p.text.startswith(("[가상]", "[Fictional]")) for p in third)
    assert all(p.text[lb["start"]:lb["end"]] == lb["text"] for p in third for lb in p.labels)
    assert not {p.text for p in third} & {p.text for p in load() + load(HELD_OUT)
                                          + load(HELD_OUT_2)}


def test_each_format_is_read_back(tmp_path: Path) -> None:
    got, skipped = formats(load(), only=FAST)
    assert {"text", "html", "eml (EUC-KR)", "mbox", "docx"} <= set(got)
    if shutil.which("fc-list") and Path("/usr/share/fonts/truetype/nanum").exists():
        assert {"pdf", "pdf (Hancom-like)", "pdf (overprinted)"} <= set(got), skipped
    for name, row in got.items():
        assert row["similarity"] >= 0.98, (name, row)
    assert similarity("가 나  다", "가 나 다") == 1.0 and similarity("abc", "xyz") == 0.0


def test_the_command_scores_suggestions_per_kind(runner: CliRunner,
                                                 cli_env: dict[str, str]) -> None:
    out = runner.invoke(app, ["eval-ingest", "--no-formats", "--json"], env=cli_env)
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["passages"] == len(load()) and report["formats"] == {}
    for kind in ("person", "place"):
        row = report["suggestions"][kind]
        assert row["precision"] >= 0.9 and row["recall"] >= 0.8, (kind, row)
    shown = runner.invoke(app, ["eval-ingest", str(DEFAULT_SET), "--no-formats", "--misses"],
                          env=cli_env)
    assert shown.exit_code == 0 and "precision" in shown.output


def test_a_broken_set_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "set.txt"
    broken.write_text("only | three | parts\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected id"):
        load(broken)
