"""The encodings file one organisation hands to a comparison: a keyed Bloom filter per victim and,
beside it, only what the report counts by (the types and years of the acts against them).

No name, key, id or date of birth is written, and the rows are shuffled, so the order does not
follow the archive's ids (which follow the order records were entered in). Only the persons and
acts the actor may see are read (the policy filters the query), and an export that included
restricted persons is audited like any export of restricted data.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select

from sillok.archive.audit import audit_bulk_read
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Invalid
from sillok.privlink.scheme import Encoder, Scheme, secret_check
from sillok.privlink.tokens import person_fields
from sillok.security.policy import Actor, visible_filter

FORMAT = "sillok-link-encodings"
# Names in these systems are read for keys; aliases ("Witness A") and Chinese characters are not
# a spelling of the person's Korean name.
NAME_SYSTEMS = ("hangul", "rr", "mr", "dprk", "english", "korean_reading")
VERSION = 1


@dataclass(frozen=True)
class Victim:
    """What an encoding is made from, read from the archive or (in the bench) generated."""

    names: tuple[str, ...]
    sex: str | None
    birth_year: int | None
    acts: tuple[tuple[str, int | None], ...]  # (act type, year)


def read_victims(archive: Archive, actor: Actor) -> list[Victim]:
    """Every person the actor may see who is the victim of an act the actor may see."""
    act, person = m.Act, m.Person
    with archive.transaction() as session:
        rows = session.execute(
            select(act.victim_id, act.act_type, act.date_start, person.level)
            .join(person, person.id == act.victim_id)
            .where(visible_filter(act, actor), act.retracted_at.is_(None),
                   visible_filter(person, actor), person.retracted_at.is_(None))
            .order_by(act.victim_id, act.id)).all()
        acts: dict[int, list[tuple[str, int | None]]] = {}
        restricted: list[int] = []
        for victim_id, act_type, start, level in rows:
            if victim_id not in acts and level == "restricted":
                restricted.append(victim_id)
            acts.setdefault(victim_id, []).append((act_type, start.year if start else None))
        ids = list(acts)
        names: dict[int, list[str]] = {}
        persons: dict[int, m.Person] = {}
        for chunk in _chunks(ids, 500):
            for pid, name in session.execute(
                    select(m.PersonName.person_id, m.PersonName.name)
                    .where(m.PersonName.person_id.in_(chunk),
                           m.PersonName.system.in_(NAME_SYSTEMS))
                    .order_by(m.PersonName.person_id, m.PersonName.position)):
                names.setdefault(pid, []).append(name)
            for p in session.execute(select(person).where(person.id.in_(chunk))).scalars():
                persons[p.id] = p
        audit_bulk_read(session, actor, "export", "link-encodings", restricted,
                        {"persons": len(ids)})
    return [Victim(names=tuple(names.get(pid, ())), sex=persons[pid].sex,
                   birth_year=persons[pid].birth_year,
                   acts=tuple(sorted(set(acts[pid]), key=lambda a: (a[0], a[1] or 0))))
            for pid in ids if names.get(pid)]


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def encode_victims(victims: Iterable[Victim], secret: bytes, scheme: Scheme,
                   organisation: str = "") -> dict[str, Any]:
    """The encodings document (see :func:`write_encodings`)."""
    encoder = Encoder(secret, scheme)
    records = [{"clk": encoder.encode(person_fields(v.names, v.sex, v.birth_year)).hex(),
                "acts": [[t, y] for t, y in v.acts]} for v in victims]
    secrets.SystemRandom().shuffle(records)
    return {"format": FORMAT, "version": VERSION, "organisation": organisation,
            "created": datetime.now(UTC).date().isoformat(), "scheme": scheme.as_dict(),
            "check": secret_check(secret, scheme), "records": records}


def write_encodings(document: Mapping[str, Any], out: IO[str]) -> None:
    out.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")


@dataclass(frozen=True)
class EncodingsFile:
    organisation: str
    scheme: Scheme
    check: str
    clks: list[bytes]
    acts: list[list[tuple[str, int | None]]]


def read_encodings(path: Path) -> EncodingsFile:
    """Read and check an encodings file; anything else is refused with the reason."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Invalid({"file": f"cannot read {path}: {exc}"}) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Invalid({"file": f"{path} is not a Sillok encodings file"})
    if data.get("version") != VERSION:
        raise Invalid({"file": f"{path}: version {data.get('version')} is not {VERSION}"})
    scheme = Scheme.from_dict(data.get("scheme") or {})
    size = scheme.size // 8
    clks: list[bytes] = []
    acts: list[list[tuple[str, int | None]]] = []
    for i, record in enumerate(data.get("records") or []):
        try:
            clk = bytes.fromhex(record["clk"])
            pairs = [(str(t), None if y is None else int(y)) for t, y in record["acts"]]
        except (KeyError, TypeError, ValueError):
            raise Invalid({"file": f"{path}: record {i + 1} is malformed"}) from None
        if len(clk) != size:
            raise Invalid({"file": f"{path}: record {i + 1} is not {scheme.size} bits"})
        clks.append(clk)
        acts.append(pairs)
    return EncodingsFile(organisation=str(data.get("organisation") or path.stem),
                         scheme=scheme, check=str(data.get("check", "")), clks=clks, acts=acts)
