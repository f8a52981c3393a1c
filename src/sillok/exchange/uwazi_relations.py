"""Uwazi relationships between persons as Sillok relations (archive ``relation`` records,
vocabulary relation_kind): a relationship property of a template mapped as person, whose
target is ``relation.KIND``, says "the related person is the KIND of this person". A value
naming entity Y on entity X becomes the relation "Y is the KIND of X".

The same tie said from both sides (X's ``father`` is Y, Y's ``children`` include X) is one
relation, cited by both entities' origin lines. A value that does not name an imported
person cannot become a relation (a relation joins two person records): it is kept in X's
description and listed for review, with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sillok.tables.dry_run import LEVELS, ItemReport, OriginLines
from sillok.tables.notes import Note, Word

# "A is the parent of B" is "B is the child of A"; a sibling or spouse either way.
INVERSE = {"parent": "child", "child": "parent", "sibling": "sibling", "spouse": "spouse"}
# How the dry run says "Y is … X" for each kind.
SAID = {"parent": "the parent of", "child": "the child of", "sibling": "a sibling of",
        "spouse": "the spouse of", "witness_of": "a witness of what happened to",
        "other": "otherwise related to"}


@dataclass(frozen=True)
class Wanted:
    """A relation entity ``shared`` asks for through property ``prop``."""

    shared: str
    prop: str
    other: str  # the related entity's sharedId
    label: str  # its title as Uwazi shows it
    kind: str  # a relation_kind code
    report: ItemReport


def wanted(shared: str, entity: dict[str, Any], properties: dict[str, str],
           report: ItemReport) -> list[Wanted]:
    """The relations the person entity's relationship properties ask for (values read from
    one language version: a relationship names the same entities in every language)."""
    out: list[Wanted] = []
    for prop, target in properties.items():
        if not target.startswith("relation."):
            continue
        for v in (entity.get("metadata") or {}).get(prop) or []:
            other = str(v.get("value")) if isinstance(v, dict) else str(v)
            label = str((v.get("label") if isinstance(v, dict) else None) or other)
            out.append(Wanted(shared, prop, other, label, target.split(".", 1)[1], report))
    return out


def _stricter(a: str, b: str) -> str:
    return max(a, b, key=LEVELS.index)


def relation_records(asked: list[Wanted], refs: dict[str, str], levels: dict[str, str],
                     persons: dict[str, dict[str, Any]],
                     lines: OriginLines) -> list[dict[str, Any]]:
    """The relation records (and their evidence) for ``asked``, once every person is
    planned: ``refs`` sharedId -> record ref, ``levels`` a person's level, ``persons`` its
    record (whose description keeps what cannot become a relation)."""
    records: list[dict[str, Any]] = []
    made: dict[tuple[str, str, str], tuple[str, str]] = {}  # (a, kind, b) -> (ref, level)
    for w in asked:
        me = refs.get(w.shared)
        other = refs.get(w.other)
        if me is None:
            continue  # the person itself was refused
        why = (" is not imported as a person" if other is None or not other.startswith("p:")
               else " is this person itself" if other == me else "")
        if other is None or why:
            record = persons[w.shared]
            note = f"{w.prop}: {w.label}"
            record["description"] = "\n".join(filter(None, [record.get("description"), note]))
            w.report.review.append(Note("no_relation", what=w.prop, value=w.label,
                                        why=Word(why)))
            continue
        key = (other, w.kind, me)
        found = made.get(key) or (made.get((me, INVERSE[w.kind], other))
                                  if w.kind in INVERSE else None)
        if found is None:
            level = _stricter(levels[w.shared], levels[w.other])
            ref = f"r:{w.shared}:{w.prop}:{w.other}"
            records.append({"type": "relation", "ref": ref, "level": level,
                            "person_a": other, "person_b": me, "kind": w.kind,
                            "description": f"Uwazi {w.shared}: {w.prop}"})
            made[key] = (ref, level)
            w.report.creates.append(Note("creates_relation", value=w.label,
                                         said=Word(SAID[w.kind])))
            w.report.mapped.append(Note("relation_mapped", what=w.prop, value=w.label,
                                        kind=w.kind, other=w.other))
        else:
            ref, level = found
            w.report.mapped.append(Note("same_relation", what=w.prop, value=w.label,
                                        other=w.other))
        records.append(lines.cite(w.shared, ref, level))
    return records
