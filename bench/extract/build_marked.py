"""marked.txt → marked.jsonl (or NAME.txt → NAME.jsonl): passages with labels and character
offsets (fictional data).

    .venv/bin/python bench/extract/build_marked.py [heldout.txt]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
MARK = re.compile(r"\{\{([a-z]+)(?::([^|}]+))?\|([^}]+)\}\}")
KINDS = {"date", "count", "person", "place", "term", "org"}


def value_of(kind: str, raw: str | None, surface: str) -> dict[str, object]:
    if kind == "date":
        start, precision = (raw or "").split("/")
        return {"start": start, "precision": precision}
    if kind == "count":
        return {"n": int(raw or 0)}
    if kind == "place":
        return {"code": raw}
    if kind == "term":
        vocabulary, code = (raw or "").split("/")
        return {"vocabulary": vocabulary, "code": code}
    if kind == "org" and raw:
        vocabulary, code = raw.split("/")
        return {"vocabulary": vocabulary, "code": code}
    return {"name": surface}


def parse(line: str) -> dict[str, object]:
    ident, lang, published, marked = (part.strip() for part in line.split("|", 3))
    text, labels, position = "", [], 0
    for match in MARK.finditer(marked):
        kind, raw, surface = match.groups()
        assert kind in KINDS, (ident, kind)
        text += marked[position:match.start()]
        start = len(text)
        text += surface
        labels.append({"type": "organisation" if kind == "org" else kind, "start": start,
                       "end": len(text), "text": surface,
                       "value": value_of(kind, raw, surface)})
        position = match.end()
    text += marked[position:]
    assert "{{" not in text and "}}" not in text, ident
    return {"id": ident, "lang": lang, "published": published, "note": "fictional",
            "text": text, "labels": labels}


def main() -> None:
    source = HERE / (sys.argv[1] if len(sys.argv) > 1 else "marked.txt")
    lines = [line for line in source.read_text("utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    passages = [parse(line) for line in lines]
    with source.with_suffix(".jsonl").open("w", encoding="utf-8") as out:
        for passage in passages:
            out.write(json.dumps(passage, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for passage in passages:
        for label in passage["labels"]:  # type: ignore[attr-defined]
            counts[label["type"]] = counts.get(label["type"], 0) + 1
    print(f"{len(passages)} passages; labels: {counts}")


if __name__ == "__main__":
    main()
