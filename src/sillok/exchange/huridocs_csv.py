"""Sillok records as one HURIDOCS-style CSV table, the way victim and event lists are kept and
Uwazi's CSV import reads them: one row per victim of an event (its violation types joined by
``|``), one row per event without a victim and one per person in no event; ``|`` between
several values, the title in a ``title`` column, UTF-8 with a byte order mark so that Excel
reads the Hangul.

Built on :func:`sillok.archive.transfer.export_lines`, so the table holds exactly what the
role may export as JSON Lines (the same levels, protected names left out, marked passages
redacted), and a table that can hold restricted records is audited. ``sillok import`` reads the
table back (tables/): ``event_id`` and ``person_id`` say which rows are one event and one
person, so importing it into an empty archive gives the same persons, events and acts
(tests/test_exchange_csv.py); docs/import.md lists what the table does not carry.
"""

from __future__ import annotations

import csv
from typing import IO, Any

from sillok.archive.service import Archive
from sillok.archive.transfer import audit_export, export_lines
from sillok.security.policy import Actor

FORMAT = "huridocs-csv"
COLUMNS = ("event_id", "title", "description", "date", "place", "person_id", "name", "sex",
           "birth_year", "origin", "violation_type", "source")
_FORMULA = ("=", "+", "@", "\t", "\r")


def _safe(value: Any) -> str:
    """A cell a spreadsheet will show, not run: a leading formula sign gets an apostrophe
    (which the table import takes off again)."""
    text = "" if value is None else str(value)
    if text[:1] in _FORMULA or (text[:1] == "-" and not text[1:2].isdigit()):
        return "'" + text
    return text


def _joined(values: list[str]) -> str:
    # A | inside a value would split it in two on the way back.
    return "|".join(v.replace("|", "/") for v in values if v)


def rows(archive: Archive, actor: Actor) -> tuple[list[dict[str, str]], dict[str, int]]:
    records: dict[str, dict[int, dict[str, Any]]] = {}
    for line in export_lines(archive, actor):
        if line["type"] in ("person", "event", "act", "evidence", "source") and not (
                line.get("meta") or {}).get("retracted_at"):
            records.setdefault(line["type"], {})[int(line["id"])] = line["record"]
    persons, events = records.get("person", {}), records.get("event", {})
    acts = records.get("act", {})
    # An import's own record of its file (tables/plan.py, exchange/uwazi_plan.py) cites
    # every record it made: it says where a record came from, not what it rests on.
    sources = {sid: s for sid, s in records.get("source", {}).items()
               if not (s.get("extra") or {}).get("import")}
    cites: dict[tuple[str, int], list[str]] = {}
    for ev in records.get("evidence", {}).values():
        pointer = ev.get("record") or {}
        target = (str(pointer.get("type") or ""), int(pointer.get("id") or 0))
        title = (sources.get(int(ev.get("source") or 0)) or {}).get("title")
        if title and title not in cites.setdefault(target, []):
            cites[target].append(title)

    def person_cells(pid: int) -> dict[str, str]:
        p = persons[pid]
        year = p.get("birth_year")
        return {"person_id": f"P{pid}", "name": _joined([n["name"] for n in p.get("names")
                                                         or []]),
                "sex": p.get("sex") or "",
                "birth_year": f"{'~' if p.get('birth_year_estimate') else ''}{year}"
                if year else "",
                "origin": p.get("origin_place") or ""}

    def event_cells(eid: int) -> dict[str, str]:
        e = events[eid]
        return {"event_id": f"E{eid}", "title": e.get("title") or "",
                "description": e.get("description") or "", "date": e.get("date") or "",
                "place": _joined(list(e.get("places") or []))}

    out: list[dict[str, str]] = []
    by_pair: dict[tuple[int, int], list[int]] = {}
    for aid, act in sorted(acts.items()):
        if int(act["event"]) in events and int(act["victim"]) in persons:
            by_pair.setdefault((int(act["event"]), int(act["victim"])), []).append(aid)
    in_rows: set[int] = set()
    for eid in sorted(events):
        pairs = [(pid, aids) for (e, pid), aids in by_pair.items() if e == eid]
        if not pairs:
            out.append({**event_cells(eid),
                        "source": _joined(cites.get(("event", eid), []))})
        for pid, aids in pairs:
            in_rows.add(pid)
            titles: list[str] = []
            for aid in aids:
                titles += [t for t in cites.get(("act", aid), []) if t not in titles]
            out.append({**event_cells(eid), **person_cells(pid),
                        "violation_type": _joined([acts[a]["act_type"] for a in aids]),
                        "source": _joined(titles)})
    for pid in sorted(set(persons) - in_rows):
        out.append({**person_cells(pid), "source": _joined(cites.get(("person", pid), []))})
    counts = {"row": len(out), "person": len(persons), "event": len(events),
              "act": sum(len(a) for a in by_pair.values())}
    return out, counts


def write_csv(archive: Archive, actor: Actor, out: IO[str]) -> dict[str, int]:
    table, counts = rows(archive, actor)
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in table:
        writer.writerow({c: _safe(row.get(c)) for c in COLUMNS})
    audit_export(archive, actor, counts, fmt=FORMAT)
    return counts
