"""Pseudonyms and name masking: what protects a restricted person's identity in public text.

A restricted person is shown to those without clearance as a stable pseudonym ("Witness
W-3F9A2C"), derived from the archive's own secret and the person's id, so the same person gets
the same pseudonym everywhere and nobody can work back from it. Every known name of a restricted
person — the names on the record and the protected real name — is masked in text shown to those
readers: in Hangul as written, and in any romanization (박철수 = Pak Chol-su = Park Cheol-soo),
found through the same name keys search uses. Only full names are masked: a lone surname (Kim,
Pak) is too common to mean one person.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import ahocorasick
from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from sillok.db import models as m
from sillok.errors import StorageError
from sillok.language.names import hangul_keys, latin_keys

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Runs of capitalised words, as romanized names are written (Pak Chol-su, Kim Jong Un).
LATIN_RUN = re.compile(r"[A-Z][a-zŏŭ'’]+(?:(?:-|\s+)[A-Za-zŏŭ'’]+){0,3}")


@dataclass(frozen=True)
class Protected:
    person_id: int
    pseudonym: str
    names: tuple[str, ...]
    real_name: bool = False


# What a pseudonym stands for: the names on a person's record, or the protected real name.
# Each has its own pseudonym, so that a text naming the alias and one naming the real name are
# never tied together by the same "Witness W-…" (docs/security.md).
NAMES, REAL_NAME = "person", "real-name"


def pseudonym(secret: bytes, person_id: int, part: str = NAMES) -> str:
    digest = hmac.new(secret, f"{part}:{person_id}".encode(), hashlib.sha256).hexdigest()
    return f"Witness W-{digest[:6].upper()}"


def archive_secret(data_dir: Path) -> bytes:
    """The archive's pseudonym key, made on first use and kept beside the database (it is in
    backups with the data directory, and never in the database itself)."""
    path = data_dir / "pseudonym.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(secrets.token_bytes(32))
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_bytes()


def protected_people(session: Session, secret: bytes) -> list[Protected]:
    """Every restricted person, and every person with a protected real name."""
    rows = session.execute(
        select(m.Person).outerjoin(m.PersonProtected).where(
            or_(m.Person.level == "restricted", m.PersonProtected.real_name.is_not(None)))
    ).scalars().unique()
    people = []
    for person in rows:
        names = [n.name for n in person.names] if person.level == "restricted" else []
        real = person.protected.real_name if person.protected is not None else None
        for part, found in ((NAMES, names), (REAL_NAME, [real] if real else [])):
            clean = tuple(sorted({n.strip() for n in found if len(n.strip()) >= 2}))
            if clean:
                people.append(Protected(person.id, pseudonym(secret, person.id, part), clean,
                                        real_name=part == REAL_NAME))
    return people


class Masker:
    def __init__(self, people: list[Protected], version: tuple[object, ...] = ()) -> None:
        # What the masker was built from (masker_for): results shaped by it are kept with it.
        self.version = version
        self.hangul = ahocorasick.Automaton()
        self.latin: dict[tuple[str, ...], str] = {}
        count = 0
        for person in people:
            for name in person.names:
                # Every name as written (any script, any case) …
                self.hangul.add_word(name.lower(), (name.lower(), person.pseudonym))
                count += 1
                # … and, through name keys, every other romanization of it.
                if HANGUL.search(name):
                    keys = hangul_keys(name.replace(" ", ""))
                else:
                    keys = latin_keys(name)
                syllables = tuple(keys[:-1]) if len(keys) > 1 else tuple(keys)
                if len(syllables) >= 2:
                    self.latin[syllables] = person.pseudonym
                    # Given name first, as names are often written abroad (Hanna Song).
                    self.latin[syllables[1:] + syllables[:1]] = person.pseudonym
        if count:
            self.hangul.make_automaton()
        self.has_hangul = count > 0

    def mask(self, text: str) -> str:
        if not text or (not self.has_hangul and not self.latin):
            return text
        spans: list[tuple[int, int, str]] = []
        lower = text.lower()
        if self.has_hangul and len(lower) == len(text):
            for last, (name, alias) in self.hangul.iter(lower):
                start, end = last - len(name) + 1, last + 1
                if _bounded(text, start, end):
                    spans.append((start, end, alias))
        if self.latin:
            spans.extend(self._latin_spans(text))
        out, position = [], 0
        for start, end, alias in sorted(spans, key=lambda s: (s[0], s[0] - s[1])):
            if start < position:
                continue
            out.append(text[position:start])
            out.append(f"[{alias}]")
            position = end
        out.append(text[position:])
        return "".join(out)

    def _latin_spans(self, text: str) -> list[tuple[int, int, str]]:
        spans = []
        for run in LATIN_RUN.finditer(text):
            words = list(re.finditer(r"[A-Za-zŏŭ'’]+(?:-[A-Za-zŏŭ'’]+)*", run.group(0)))
            for size in (3, 2):
                for i in range(len(words) - size + 1):
                    first, last = words[i], words[i + size - 1]
                    piece = run.group(0)[first.start():last.end()]
                    keys = latin_keys(piece)
                    syllables = tuple(keys[:-1]) if len(keys) > 1 else tuple(keys)
                    alias = self.latin.get(syllables)
                    if alias:
                        spans.append((run.start() + first.start(), run.start() + last.end(),
                                      alias))
        return spans


def _bounded(text: str, start: int, end: int) -> bool:
    """A Latin name must stand as a word (Ri is not the ri of "Ririka"); a Hangul name may be
    followed by a particle (박철수는), so only Latin edges are checked."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    latin_edge = text[start].isascii() and text[start].isalnum()
    if latin_edge and (before.isascii() and before.isalnum()):
        return False
    return not (text[end - 1].isascii() and text[end - 1].isalnum()
                and after.isascii() and after.isalnum())


_cache: dict[str, tuple[object, Masker]] = {}
_lock = threading.Lock()


# Every change to persons, their names and protected details adds one to this row, by
# triggers (migration 0008), whichever way it is made. The check runs before every public
# search and page; counting persons and names instead was half a kept page's time at NKDB
# scale (60,000 persons).
_VERSION = text("SELECT counter FROM protection_changes WHERE id = 1")


def masker_for(session: Session, data_dir: Path, *, real_names_only: bool = False) -> Masker:
    """The masker of this archive, rebuilt only when persons, names or protected details
    have changed. ``real_names_only``: for readers who see restricted persons' records but
    not their protected details (analysts)."""
    counter = session.execute(_VERSION).scalar()
    if counter is None:
        # Without the row nothing would ever tell the masker of a new name: fail closed.
        raise StorageError("the archive is damaged: its protection_changes row is missing "
                           "(restore it from a backup)")
    version = (int(counter),)
    key = f"{session.get_bind().engine.url}|{real_names_only}"
    with _lock:
        cached = _cache.get(key)
        if cached is None or cached[0] != version:
            people = [p for p in protected_people(session, archive_secret(data_dir))
                      if p.real_name or not real_names_only]
            cached = (version, Masker(people, version))
            _cache[key] = cached
        return cached[1]


def mask_view(item: dict[str, Any], masker: Masker) -> dict[str, Any]:
    """A record view (label, fields, related) with every string in it masked."""
    return cast(dict[str, Any], _mask_value(item, masker))


def _mask_value(value: Any, masker: Masker) -> Any:
    if isinstance(value, str):
        return masker.mask(value)
    if isinstance(value, dict):
        return {k: _mask_value(v, masker) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_value(v, masker) for v in value]
    return value
