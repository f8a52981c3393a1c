"""Extraction quality: precision and recall of the suggestions per type on a labelled set.

    .venv/bin/python bench/extract_quality.py [bench/extract/labelled.jsonl] [--json] [--misses]

A suggestion counts as right when a label of the same type overlaps it and, where the label has
one, the value agrees (date start and precision, count, place code, term code, agency code).
Each label is matched at most once. The labelled set is fictional (bench/extract/README.md).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

TYPES = ("date", "count", "place", "term", "person", "organisation")
TARGETS = {"date": 0.9, "count": 0.9, "place": 0.9, "term": 0.9}


def agrees(kind: str, found: dict[str, Any], label: dict[str, Any]) -> bool:
    if kind == "date":
        return bool(found.get("start") == label.get("start")
                    and found.get("precision") == label.get("precision"))
    if kind == "count":
        return bool(found.get("n") == label.get("n"))
    if kind == "place":
        return bool(found.get("code") == label.get("code"))
    if kind in ("term", "organisation") and label.get("code"):
        return bool(found.get("code") == label.get("code"))
    return True


def score(passages: list[dict[str, Any]], lexicon: Any) -> tuple[dict[str, Any], list[str]]:
    from sillok.extract.suggest import suggest

    right, predicted, labelled = Counter[str](), Counter[str](), Counter[str]()
    misses: list[str] = []
    for passage in passages:
        anchor = date.fromisoformat(passage["published"]) if passage.get("published") else None
        found = suggest(passage["text"], lexicon, anchor)
        labels = list(passage["labels"])
        used: set[int] = set()
        for f in found:
            predicted[f.kind] += 1
            match = next((i for i, lab in enumerate(labels) if i not in used
                          and lab["type"] == f.kind and f.start < lab["end"]
                          and lab["start"] < f.end and agrees(f.kind, f.value, lab["value"])),
                         None)
            if match is None:
                misses.append(f"{passage['id']} extra {f.kind} {f.text!r} {f.value}")
            else:
                used.add(match)
                right[f.kind] += 1
        for i, lab in enumerate(labels):
            labelled[lab["type"]] += 1
            if i not in used:
                misses.append(f"{passage['id']} missed {lab['type']} {lab['text']!r} "
                              f"{lab['value']}")
    table: dict[str, Any] = {}
    for kind in TYPES:
        p = right[kind] / predicted[kind] if predicted[kind] else None
        r = right[kind] / labelled[kind] if labelled[kind] else None
        table[kind] = {"labels": labelled[kind], "suggested": predicted[kind],
                       "right": right[kind],
                       "precision": None if p is None else round(p, 3),
                       "recall": None if r is None else round(r, 3)}
    return table, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", nargs="?", type=Path,
                        default=Path(__file__).parent / "extract" / "labelled.jsonl")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", action="store_true", help="List every miss.")
    args = parser.parse_args()
    passages = [json.loads(line) for line in args.file.read_text("utf-8").splitlines()
                if line.strip()]

    from sillok.archive.lifecycle import init_archive
    from sillok.archive.service import Archive
    from sillok.config import Settings
    from sillok.extract.lexicon import lexicon_for

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        init_archive(settings)
        archive = Archive.open(settings)
        with archive.sessions() as session:
            lexicon = lexicon_for(session)
        archive.close()
    table, misses = score(passages, lexicon)
    if args.json:
        print(json.dumps({"passages": len(passages), "types": table}, indent=2))
    else:
        print(f"{len(passages)} passages")
        print(f"{'type':<14}{'labels':>8}{'suggested':>11}{'precision':>11}{'recall':>8}")
        for kind, row in table.items():
            target = TARGETS.get(kind)
            flag = "" if target is None or (row["precision"] or 0) >= target else "  (< target)"
            print(f"{kind:<14}{row['labels']:>8}{row['suggested']:>11}"
                  f"{row['precision'] if row['precision'] is not None else '-':>11}"
                  f"{row['recall'] if row['recall'] is not None else '-':>8}{flag}")
    if args.misses:
        print("\n".join(misses))


if __name__ == "__main__":
    main()
