"""Pseudonyms and name masking: what protects a restricted person's identity in public text.

A restricted person is shown to those without clearance as a stable pseudonym ("Witness
W-3F9A2C"), derived from the archive's own secret and the person's id, so the same person gets
the same pseudonym everywhere and nobody can work back from it. Every known name of a restricted
person — the names on the record and the protected real name — is masked in text shown to those
readers: in any script, spelling or fragment the one name matcher knows (name_matcher.py:
박철수 = 박 철수 = Pak Chol-su = PARK CHUL SOO = 철수 = 박철). A lone surname (Kim, Pak) is too
common to mean one person and is left.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import event, inspect, or_, select, text
from sqlalchemy.orm import Session, object_session, selectinload

from sillok.db import models as m
from sillok.errors import StorageError
from sillok.private_files import make_dir, write_file
from sillok.security import at_rest
from sillok.security.name_matcher import NameMatcher, NameSpan, replace


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
        make_dir(path.parent)
        tmp = path.with_suffix(".tmp")
        write_file(tmp, secrets.token_bytes(32))  # 0600 from the start, never readable by others
        tmp.replace(path)
    return path.read_bytes()


Owner = tuple[int, str]  # (person id, NAMES or REAL_NAME): what one pseudonym stands for


def protected_names(session: Session) -> list[tuple[Owner, tuple[str, ...]]]:
    """Every restricted person's names, and every protected real name, each with its owner."""
    # Names and protected details loaded with the persons (one query each, not one per
    # person: 10,000 queries for 5,000 persons were most of a name change's time).
    rows = session.execute(
        select(m.Person).outerjoin(m.PersonProtected).where(
            or_(m.Person.level == "restricted", m.PersonProtected.real_name.is_not(None)))
        .options(selectinload(m.Person.names), selectinload(m.Person.protected))
    ).scalars().unique()
    people: list[tuple[Owner, tuple[str, ...]]] = []
    for person in rows:
        names = [n.name for n in person.names] if person.level == "restricted" else []
        real = person.protected.real_name if person.protected is not None else None
        for part, found in ((NAMES, names), (REAL_NAME, [real] if real else [])):
            clean = tuple(sorted({n.strip() for n in found if len(n.strip()) >= 2}))
            if clean:
                people.append(((int(person.id), part), clean))
    return people


def protected_people(session: Session, secret: bytes) -> list[Protected]:
    """Every restricted person, and every person with a protected real name."""
    return [Protected(pid, pseudonym(secret, pid, part), names, real_name=part == REAL_NAME)
            for (pid, part), names in protected_names(session)]


def owner(person: Protected) -> Owner:
    return (person.person_id, REAL_NAME if person.real_name else NAMES)


class Masker:
    """Replaces every known name of the protected people in a text by their pseudonyms,
    as the one name matcher (name_matcher.py) finds them: any script, spelling, separator
    or fragment."""

    def __init__(self, people: list[Protected], version: tuple[object, ...] = (),
                 matcher: NameMatcher | None = None,
                 rejected: Rejected = frozenset()) -> None:
        # What the masker was built from (masker_for): results shaped by it are kept with it.
        self.version = version
        self.matcher = matcher or NameMatcher((owner(p), p.names) for p in people)
        # Places an editor has said are not the person (span_review.py): left as they are.
        self.rejected = rejected
        self.labels: dict[Hashable, str] = {owner(p): f"[{p.pseudonym}]" for p in people}
        self.empty = self.matcher.empty

        # The spans of texts read again (a search hit shown to many visitors): kept with
        # this masker, which is replaced whenever the protected names change.
        self._found: OrderedDict[str, list[NameSpan]] = OrderedDict()
        self._found_lock = threading.Lock()

    def spans(self, text: str) -> list[NameSpan]:
        if self.empty or not text:
            return []
        if len(text) > KEEP_SPANS_OF:
            return unrejected(text, self.matcher.spans(text), self.rejected)
        with self._found_lock:
            found = self._found.get(text)
            if found is not None:
                self._found.move_to_end(text)
                return found
        found = unrejected(text, self.matcher.spans(text), self.rejected)
        with self._found_lock:
            self._found[text] = found
            if len(self._found) > KEEP_SPANS:
                self._found.popitem(last=False)
        return found

    def mask(self, text: str) -> str:
        if not text or self.empty:
            return text
        return replace(text, self.spans(text), self.labels)


# An editor's decision on a found name (span_review.py) is kept for the words around it, not
# for offsets: the same words get the same answer on a page, in a snippet, in an export and in
# the public index, whatever was cut before them (a preview, a redacted passage), and a change
# to those words makes the name hidden again.
CONTEXT = 24

Rejected = frozenset[tuple[Owner, str]]  # (owner, context key) of each rejected span


def context_key(text: str, start: int, end: int) -> str:
    """What identifies a found name in a text: the name and the words either side of it."""
    parts = (text[max(0, start - CONTEXT):start], text[start:end], text[end:end + CONTEXT])
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def unrejected(text: str, spans: list[NameSpan], rejected: Rejected) -> list[NameSpan]:
    """The spans an editor has not rejected."""
    if not rejected or not spans:
        return spans
    owners = {who for who, _key in rejected}
    return [span for span in spans if span.owner not in owners
            or (span.owner, context_key(text, span.start, span.end)) not in rejected]


KEEP_SPANS = 20_000  # texts whose spans a masker keeps (at most ~20 MB of short texts)
KEEP_SPANS_OF = 4_000  # characters: longer texts (whole testimonies) are read each time


_cache: dict[tuple[str, str], tuple[object, Any]] = {}
_lock = threading.RLock()  # masker_for builds inside, asking matcher_for
# Set on a session while it holds unflushed or uncommitted changes to persons, names or
# protected details (the listener below): what is built from that session's view of them is
# not kept, since the transaction may yet roll back and another one reach the same counter.
NAMES_CHANGED = "sillok.protection.changed"
# The persons changed since the public index last read texts for their names (search/index.py
# takes this set each time, so a person changed again later in the transaction is read again).
NAMES_TO_RESCAN = "sillok.protection.rescan"
PROTECTION_MODELS = (m.Person, m.PersonName, m.PersonProtected)


# Names that may no longer be protected, by person: a name removed or changed, a real name
# removed or changed (as stored: sealed or not, opened by ``names_let_go``), and persons no
# longer restricted (all their names, read afterwards). The public copies that hid them are
# made again in the same transaction (search/index.py), so a name let go is found again.
NAMES_LET_GO = "sillok.protection.let-go"


# After the flush: a new person's or name's id is known only then (session.new still holds
# what was flushed until after_flush_postexec), and the attributes' history (the values
# before the flush) is still there.
@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _context: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, PROTECTION_MODELS):
            person_id = obj.id if isinstance(obj, m.Person) else obj.person_id
            session.info.setdefault(NAMES_CHANGED, set()).add(person_id)
            session.info.setdefault(NAMES_TO_RESCAN, set()).add(person_id)
            _note_let_go(session, obj, person_id)
        elif isinstance(obj, m.NameSpanReview):
            # Not kept while uncommitted, as above; the reviewed source is indexed again by
            # span_review.py itself (the one text the decision is about).
            session.info.setdefault(NAMES_CHANGED, set()).add(obj.person_id)


def _note_let_go(session: Session, obj: Any, person_id: int) -> None:
    """A value changed in place (a deleted row is noted by ``_note_deleted``)."""
    let_go: dict[int, set[tuple[str, str]]] = session.info.setdefault(NAMES_LET_GO, {})
    state = inspect(obj)
    if isinstance(obj, m.Person):
        if "restricted" in (state.attrs.level.history.deleted or ()):
            let_go.setdefault(person_id, set()).add(("person", ""))
    elif isinstance(obj, m.PersonName):
        let_go.setdefault(person_id, set()).update(
            ("name", n) for n in state.attrs.name.history.deleted or () if n)
    else:
        let_go.setdefault(person_id, set()).update(
            ("sealed", str(getattr(v, "text", v)))
            for v in state.attrs.sealed_real_name.history.deleted or () if v)


# A row deleted in a flush, orphans included (a person's names replaced by a new list are
# deleted as orphans, and never appear in session.deleted).
@event.listens_for(m.PersonName, "after_delete")
@event.listens_for(m.PersonProtected, "after_delete")
def _note_deleted(_mapper: Any, _connection: Any, target: Any) -> None:
    session = object_session(target)
    if session is None:
        return
    let_go: dict[int, set[tuple[str, str]]] = session.info.setdefault(NAMES_LET_GO, {})
    if isinstance(target, m.PersonName):
        if target.name:
            let_go.setdefault(target.person_id, set()).add(("name", target.name))
    elif target.sealed_real_name:
        let_go.setdefault(target.person_id, set()).add(
            ("sealed", str(getattr(target.sealed_real_name, "text", target.sealed_real_name))))


def names_let_go(session: Session, person_ids: set[int]) -> dict[int, set[str]]:
    """The names of these persons that were protected before this transaction and may not be
    any more (taken off the list): each public copy that hid one is to be made again."""
    noted: dict[int, set[tuple[str, str]]] = session.info.pop(NAMES_LET_GO, {})
    out: dict[int, set[str]] = {}
    let_go_persons = [pid for pid in person_ids if ("person", "") in noted.get(pid, ())]
    if let_go_persons:
        for pid, name in session.execute(select(m.PersonName.person_id, m.PersonName.name)
                                          .where(m.PersonName.person_id.in_(let_go_persons))):
            out.setdefault(pid, set()).add(name)
    # A name of a person who is not restricted, and was not before, was never protected:
    # editing public persons' names costs no scan.
    restricted = set(session.execute(select(m.Person.id).where(
        m.Person.id.in_(list(person_ids)), m.Person.level == "restricted")).scalars())
    ring = None
    for pid in person_ids:
        for what, value in noted.get(pid, ()):
            if what == "name" and (pid in restricted or pid in let_go_persons):
                out.setdefault(pid, set()).add(value)
            elif what == "sealed":
                if at_rest.is_envelope(value):
                    ring = ring or at_rest.ring_for(session.get_bind())
                    if ring is None:
                        continue  # no key: the copies stay as they are, hiding it (closed)
                    value = ring.open_field(pid, "real_name", value)
                out.setdefault(pid, set()).add(value)
    return out


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop(NAMES_CHANGED, None)
    session.info.pop(NAMES_TO_RESCAN, None)
    session.info.pop(NAMES_LET_GO, None)


# Every change to persons, their names and protected details adds one to this row, by
# triggers (migration 0008), whichever way it is made. The check runs before every public
# search and page; counting persons and names instead was half a kept page's time at NKDB
# scale (60,000 persons).
# Row 2 counts the editors' decisions on found names (migration 0012).
_VERSION = text("SELECT id, counter FROM protection_changes WHERE id IN (1, 2)")
NAMES_ROW, REVIEWS_ROW = 1, 2


def _kept(session: Session, what: str, build: Callable[[tuple[object, ...]], Any],
          rows: tuple[int, ...] = (NAMES_ROW,)) -> Any:
    """What ``build`` makes of the protected names (and of the decisions on them), kept
    until they change."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # so that the listener sees a change to names not flushed yet
    counters: dict[int, int] = {int(i): int(c) for i, c in session.execute(_VERSION)}
    if any(row not in counters for row in rows):
        # Without the row nothing would ever tell the masker of a new name: fail closed.
        raise StorageError("the archive is damaged: a protection_changes row is missing "
                           "(restore it from a backup)")
    version: tuple[object, ...] = tuple(int(counters[row]) for row in rows)
    if session.info.get(NAMES_CHANGED):
        return build(version)
    key = (str(session.get_bind().engine.url), what)
    with _lock:
        cached = _cache.get(key)
        if cached is None or cached[0] != version:
            cached = (version, build(version))
            _cache[key] = cached
        return cached[1]


def matcher_for(session: Session, *, real_names_only: bool = False) -> NameMatcher:
    """The name matcher of this archive's protected names (no pseudonyms needed);
    ``real_names_only``: of the protected real names alone."""
    def build(_version: tuple[object, ...]) -> NameMatcher:
        return NameMatcher((who, names) for who, names in protected_names(session)
                           if who[1] == REAL_NAME or not real_names_only)
    return cast(NameMatcher, _kept(session, f"matcher|{real_names_only}", build))


def rejected_for(session: Session) -> Rejected:
    """Every span an editor has rejected (span_review.py), kept until a decision changes."""
    def build(_version: tuple[object, ...]) -> Rejected:
        rows = session.execute(
            select(m.NameSpanReview.person_id, m.NameSpanReview.part,
                   m.NameSpanReview.context_key)
            .where(m.NameSpanReview.decision == "rejected"))
        return frozenset(((int(pid), part), key) for pid, part, key in rows)
    return cast(Rejected, _kept(session, "rejected", build, (REVIEWS_ROW,)))


def masker_for(session: Session, data_dir: Path, *, real_names_only: bool = False) -> Masker:
    """The masker of this archive, rebuilt only when persons, names or protected details
    have changed, or an editor's decision on a found name. ``real_names_only``: for readers
    who see restricted persons' records but not their protected details (analysts)."""
    def build(version: tuple[object, ...]) -> Masker:
        people = [p for p in protected_people(session, archive_secret(data_dir))
                  if p.real_name or not real_names_only]
        return Masker(people, version, matcher_for(session, real_names_only=real_names_only),
                      rejected_for(session))
    return cast(Masker, _kept(session, f"masker|{real_names_only}", build,
                              (NAMES_ROW, REVIEWS_ROW)))


# Fields that hold the archive's codes (a place, a facility, a term): identifiers, not text.
# A code that reads like a name is still a code — the city 청진 is ``kp-09-chongjin``, and a
# restricted person whose given name is 정진 (Chong-jin) must not turn every Chongjin place
# reference into "kp-09-[Witness W-…]", a broken link and a raw code on the public site.
CODE_FIELDS = frozenset({"code", "parent", "place", "places", "facility", "act_type",
                         "agency", "facility_type", "victim_status", "vocabulary", "kind"})
CODE_SHAPE = re.compile(r"[a-z0-9][a-z0-9_-]*")
# Gazetteer and vocabulary records are reference data written from public reports, not
# anyone's testimony: their own names are shown as they are (as web/labels.py shows them).
# Only those: their free text (description, source note) and the records related to them (an
# event at the place, whose title may name a witness) are masked as everywhere.
REFERENCE_TYPES = frozenset({"place", "term"})
REFERENCE_NAMES = frozenset({"en", "ko", "names", "synonyms_en", "synonyms_ko"})


def mask_view(item: dict[str, Any], masker: Masker) -> dict[str, Any]:
    """A record view (label, fields, related) with every string in it masked, except the
    codes in code fields (only a value of a code's shape: free text there is masked) and a
    place's or term's own names and label."""
    if item.get("type") not in REFERENCE_TYPES:
        return cast(dict[str, Any], _mask_value(item, masker))
    out = {k: v if k in ("type", "label") else _mask_value(v, masker)
           for k, v in item.items() if k != "fields"}
    if "fields" in item:
        out["fields"] = {k: v if k in REFERENCE_NAMES else _mask_value({k: v}, masker)[k]
                         for k, v in item["fields"].items()}
    return out


def _is_code(value: Any) -> bool:
    if isinstance(value, list):
        return all(_is_code(v) for v in value)
    return isinstance(value, int) or (isinstance(value, str)
                                      and CODE_SHAPE.fullmatch(value) is not None)


def _mask_value(value: Any, masker: Masker) -> Any:
    if isinstance(value, str):
        return masker.mask(value)
    if isinstance(value, dict):
        return {k: v if k in CODE_FIELDS and _is_code(v) else _mask_value(v, masker)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_value(v, masker) for v in value]
    return value
