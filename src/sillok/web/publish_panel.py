"""What the publishing panel of a record's workspace page shows (templates/_publish.html): the
record's level, the level it is being changed to, the sources publishing it would rest on
with the editor's choice for each, and — for each source that publishing would make public —
its redaction spans and its public copy, to review before confirming
(archive/publishing.py, search/span_review.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData, QueryParams

from sillok.archive.publishing import CHOICES, LEVELS, choices_for, plan
from sillok.archive.service import Archive
from sillok.search.span_review import name_spans, public_preview
from sillok.security.policy import Actor
from sillok.web.pages import PAGED


@dataclass
class Typed:
    """What the editor chose and typed, kept when the panel is shown again."""

    level: str = ""
    reason: str = ""
    version: str = ""
    choices: dict[int, str] = field(default_factory=dict)
    reviewed: set[int] = field(default_factory=set)


def typed_from(form: FormData | QueryParams) -> Typed:
    """``level``, ``reason``, ``version``, ``choice-<source>`` and ``reviewed-<source>``."""
    typed = Typed(level=str(form.get("level") or ""), reason=str(form.get("reason") or ""),
                  version=str(form.get("version") or ""))
    for key, value in form.multi_items():
        prefix, _, number = key.partition("-")
        if not number.isdigit() or len(number) > 9:
            continue
        if prefix == "choice" and str(value) in CHOICES:
            typed.choices[int(number)] = str(value)
        elif prefix == "reviewed" and value:
            typed.reviewed.add(int(number))
    return typed


def panel_context(archive: Archive, actor: Actor, type_name: str, record_id: int,
                  typed: Typed | None = None, errors: dict[str, str] | None = None
                  ) -> dict[str, Any]:
    typed = typed or Typed()
    record, resting = plan(archive, actor, type_name, record_id)
    level = typed.level if typed.level in LEVELS and typed.level != record["level"] else ""
    reviews: dict[int, dict[str, Any]] = {}
    if level == "public":
        to_review = ([record_id] if type_name == "source" else []) + [
            r.source_id for r in resting if r.level != "public"]
        for source_id in to_review:
            spans = name_spans(archive, actor, source_id)
            reviews[source_id] = {
                "spans": spans, "preview": public_preview(archive, actor, source_id),
                "open": sum(1 for s in spans if s["status"] == "proposed")}
    return {"pub": {
        "type_name": type_name, "record": record, "level": level,
        "resting": resting if level == "public" else [], "reviews": reviews,
        "cited": [r for r in resting if r.withheld],
        "offered": {r.source_id: choices_for(type_name, r) for r in resting},
        "typed": typed, "errors": errors or {}, "levels": LEVELS,
        "version": typed.version or record["version"],
        "previewable": type_name in PAGED}}
