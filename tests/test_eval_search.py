"""``sillok eval-search`` on a tiny SQuAD v1 file: the contracted keys and correct ranks."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sillok.cli.main import app

SQUAD = {"version": "test", "data": [{"title": "fictional", "paragraphs": [
    {"context": "[가상] 쥐똥나무 마을에서 탈북민들이 체포되었다.",
     "qas": [{"id": "1", "question": "탈북민들은 어느 마을에서 체포되었나?", "answers": []}]},
    {"context": "[Fictional] The Blue Heron bridge over the river was closed in 2021.",
     "qas": [{"id": "2", "question": "Which bridge was closed?", "answers": []},
             {"id": "3", "question": "Blue Heron", "answers": []}]},
]}]}


def test_eval_search(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "qa.json"
    f.write_text(json.dumps(SQUAD, ensure_ascii=False), encoding="utf-8")
    out = runner.invoke(app, ["eval-search", str(f), "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert {"mrr_at_10", "recall_at_1", "recall_at_10", "p50_ms", "p95_ms", "qps"} <= set(report)
    assert report["questions"] == 3 and report["recall_at_1"] == 1.0
    assert report["mrr_at_10"] == 1.0
    bad = tmp_path / "bad.json"
    bad.write_text('{"data": [{"nope": 1}]}', encoding="utf-8")
    out = runner.invoke(app, ["eval-search", str(bad)])
    assert out.exit_code == 1 and "not SQuAD v1" in out.stderr
