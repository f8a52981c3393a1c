"""Raising or lowering a record's confidentiality level, with a reason, and publishing a record
that rests on sources the public may not read (issue 18 point 5).

A change of level is an :meth:`Archive.update` of the ``level`` field (validation, consent,
audit with the reason, the search index and its public copies rewritten in the same
transaction; a person's names protected or let go as their level crosses ``restricted``). What
it must bring along is done in the same transaction:

- **Publishing a record that rests on sources the public may not read** (evidence of it that
  is not public, or whose source is not): for each such source the editor chooses to cite it
  as a *withheld source* (archive/withheld.py: the public sees only that one exists), or to
  cite its *public copy* — the source is made public, which the public reads with every
  redaction span replaced (marked passages, protected names: search/span_review.py), and the
  evidence with it. A source's public copy is published only once the editor has reviewed its
  spans (``reviewed``); so is a source made public itself.
- **Raising a source** takes every piece of evidence quoting it that is more public than its
  new level up with it, first: a quote may not be shown more widely than its source.

Every one of these changes is made by archive/levels.py ``change_level``, under the policy's
rule for levels (security/policy.py ``level_refusal``): a restricted source can stand behind a
public record only through its public copy, never as a withheld source.

:func:`preview` makes the very same change in a transaction that is rolled back, and hands out
the archive as it would then be, so that a page rendered from it for the public is exactly the
page the public will get.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive import levels
from sillok.archive.kinds import LEVEL_ORDER, kind_named
from sillok.archive.levels import check_level_args
from sillok.archive.service import Archive
from sillok.archive.views import label
from sillok.archive.withheld import cite_withheld, cited_withheld
from sillok.db import models as m
from sillok.errors import LEVELS_KO, TYPE_NAMES_KO, Conflict, Invalid, NotFound, Said, what_ko
from sillok.security.policy import Actor, Level, may_see, require_write

LEVELS = tuple(level.value for level in Level)
WITHHELD, COPY = "withheld", "copy"
CHOICES = (WITHHELD, COPY)


@dataclass
class Resting:
    """A source a record rests on through evidence the public cannot read."""

    source_id: int
    label: str
    level: str
    evidence: list[int]  # the record's evidence from this source that is not public
    withheld: bool  # cited as a withheld source already


@dataclass
class Outcome:
    before: str
    after: str
    sources_published: list[int] = field(default_factory=list)
    evidence_changed: list[int] = field(default_factory=list)
    withheld: list[int] = field(default_factory=list)


class ChoicesNeeded(Invalid):
    """Publishing needs the editor's choice for each source the record rests on."""

    def __init__(self, resting: list[Resting]) -> None:
        shown = ", ".join(f"#{r.source_id}" for r in resting)
        super().__init__({"choices": Said(
            "level.choices_needed",
            f"choose how the public sees each source this record rests on ({shown}): as a "
            "withheld source or as its redacted public copy",
            f"이 기록이 근거한 자료({shown})마다 공개 방식을 고르세요: 비공개 자료로 인용하거나, "
            "가림 처리한 공개본으로 인용합니다")})
        self.resting = resting


def _load(session: Session, actor: Actor, type_name: str, record_id: int) -> Any:
    obj = session.get(kind_named(type_name).model, record_id)
    if obj is None or not may_see(actor, obj):
        raise NotFound(f"no {type_name} #{record_id}")
    return obj


def resting_on(session: Session, actor: Actor, type_name: str, obj: Any) -> list[Resting]:
    """The sources ``obj`` rests on that the public could not read were it public: those of
    its evidence (not retracted) that is not public or whose source is not."""
    if type_name == "source":
        return []
    if type_name == "evidence":
        rows = [obj] if obj.retracted_at is None else []
    else:
        rows = list(session.execute(select(m.Evidence).where(
            m.Evidence.record_type == type_name, m.Evidence.record_id == obj.id,
            m.Evidence.retracted_at.is_(None)).order_by(m.Evidence.id)).scalars())
    cited = cited_withheld(session, type_name, int(obj.id))
    out: dict[int, Resting] = {}
    for evidence in rows:
        source = evidence.source
        # Evidence being published itself rests only on its source.
        if source.level == "public" and (type_name == "evidence" or evidence.level == "public"):
            continue
        entry = out.setdefault(source.id, Resting(
            source.id, label(session, actor, "source", source), source.level, [],
            source.id in cited))
        if evidence.level != "public":
            entry.evidence.append(int(evidence.id))
    return list(out.values())


def plan(archive: Archive, actor: Actor, type_name: str, record_id: int
         ) -> tuple[dict[str, Any], list[Resting]]:
    """The record (level, version, label) and what publishing it would rest on."""
    with archive.transaction() as session:
        obj = _load(session, actor, type_name, record_id)
        record = {"type": type_name, "id": record_id, "level": obj.level,
                  "version": int(obj.version), "label": label(session, actor, type_name, obj),
                  "retracted": obj.retracted_at is not None}
        return record, resting_on(session, actor, type_name, obj)


def needs_review(type_name: str, record_id: int, resting: list[Resting],
                 choices: dict[int, str]) -> list[int]:
    """The sources that become public by this publication: their spans are to be reviewed."""
    own = [record_id] if type_name == "source" else []
    return own + [r.source_id for r in resting
                  if choices.get(r.source_id) == COPY and r.level != "public"]


def change_level(archive: Archive, actor: Actor, type_name: str, record_id: int, level: str,
                 reason: str, *, version: int | None = None,
                 choices: dict[int, str] | None = None, reviewed: set[int] | None = None,
                 session: Session | None = None) -> Outcome:
    """Raise or lower a record's level, with the reason on record; publishing brings along the
    editor's ``choices`` (source id → ``withheld`` or ``copy``) for every source the record
    rests on, and needs every source it makes public in ``reviewed`` (None: not asked, for
    :func:`preview`). All or nothing."""
    require_write(actor)
    reason = check_level_args(level, reason)
    if session is None:
        with archive.transaction() as s:
            return change_level(archive, actor, type_name, record_id, level, reason,
                                version=version, choices=choices, reviewed=reviewed,
                                session=s)
    obj = _load(session, actor, type_name, record_id)
    if obj.retracted_at is not None:
        raise Conflict(Said("level.retracted",
                            f"{type_name} #{record_id} is retracted and cannot be changed",
                            f"{what_ko(f'{type_name} #{record_id}')}은(는) 철회되어 바꿀 수 "
                            "없습니다"))
    if obj.level == level:
        raise Invalid({"level": Said(
            "level.unchanged", f"the {type_name} is {level} already",
            f"이 {TYPE_NAMES_KO.get(type_name, type_name)}은(는) 이미 "
            f"{LEVELS_KO.get(level, level)} 등급입니다")})
    outcome = Outcome(before=str(obj.level), after=level)
    chosen = dict(choices or {})
    resting = resting_on(session, actor, type_name, obj) if level == "public" else []
    if level == "public":
        _check_choices(type_name, record_id, resting, chosen, reviewed)
        # Sources first: a piece of evidence may not be more public than its source.
        for r in resting:
            if chosen[r.source_id] == COPY and r.level != "public":
                levels.change_level(archive, actor, "source", r.source_id, "public", reason,
                                    session=session)
                outcome.sources_published.append(r.source_id)
    if type_name == "source" and LEVEL_ORDER[level] > LEVEL_ORDER[outcome.before]:
        # Quotes first, as the policy asks: a source may not drop below its quotes.
        outcome.evidence_changed += _raise_quotes(archive, actor, session, record_id, level,
                                                  reason)
    levels.change_level(archive, actor, type_name, record_id, level, reason, session=session,
                        expected_version=version)
    for r in resting:
        if chosen[r.source_id] == WITHHELD:
            cite_withheld(session, actor, type_name, record_id, r.source_id, reason)
            outcome.withheld.append(r.source_id)
            continue
        for evidence_id in r.evidence:
            if type_name == "evidence" and evidence_id == record_id:
                continue  # the record itself, done above
            levels.change_level(archive, actor, "evidence", evidence_id, "public", reason,
                                session=session)
            outcome.evidence_changed.append(evidence_id)
    return outcome


def _check_choices(type_name: str, record_id: int, resting: list[Resting],
                   chosen: dict[int, str], reviewed: set[int] | None) -> None:
    offered = {r.source_id: choices_for(type_name, r) for r in resting}
    wrong = {sid: c for sid, c in chosen.items() if sid in offered and c not in offered[sid]}
    if wrong:
        raise Invalid({f"choice-{sid}": Said(
            "level.choice_unknown", f"'{c}' is not a way to cite this source",
            f"'{c}'은(는) 이 자료를 인용하는 방법이 아닙니다") for sid, c in wrong.items()})
    if any(r.source_id not in chosen for r in resting):
        raise ChoicesNeeded(resting)
    if reviewed is None:
        return
    unreviewed = [sid for sid in needs_review(type_name, record_id, resting, chosen)
                  if sid not in reviewed]
    if unreviewed:
        raise Invalid({f"review-{sid}": Said(
            "level.review_needed", "review the redaction of this source's public copy and "
            "confirm it", "이 자료 공개본의 가림 처리를 검토하고 확인하세요")
            for sid in unreviewed})


def choices_for(type_name: str, resting: Resting) -> tuple[str, ...]:
    """How a source may be cited by a record being published. Evidence published itself
    quotes its source, so only the public copy will do; and a restricted source cannot stand
    behind a public record even unseen (security/policy.py ``level_refusal``): only its public
    copy may."""
    if type_name == "evidence" or resting.level == "restricted":
        return (COPY,)
    return CHOICES


def _raise_quotes(archive: Archive, actor: Actor, session: Session, source_id: int,
                  level: str, reason: str) -> list[int]:
    """Evidence quoting the source that is more public than its new level, raised to it."""
    lower = [lv for lv in LEVELS if LEVEL_ORDER[lv] < LEVEL_ORDER[level]]
    ids = list(session.execute(select(m.Evidence.id).where(
        m.Evidence.source_id == source_id, m.Evidence.retracted_at.is_(None),
        m.Evidence.level.in_(lower)).order_by(m.Evidence.id)).scalars())
    for evidence_id in ids:
        levels.change_level(archive, actor, "evidence", evidence_id, level, reason,
                            session=session)
    return [int(i) for i in ids]


class _Within(Archive):
    """The archive as one open transaction sees it: every read of a page rendered from it goes
    through the same services and policy, inside that transaction."""

    def __init__(self, base: Archive, session: Session) -> None:
        # Not Archive.__init__: the engine and what is attached to it are the base's own.
        self.settings, self.engine, self.sessions = base.settings, base.engine, base.sessions
        self.public_engine, self.public_sessions = None, None
        self._session = session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        yield self._session


@contextmanager
def preview(archive: Archive, actor: Actor, type_name: str, record_id: int, level: str,
            choices: dict[int, str] | None = None) -> Iterator[Archive]:
    """The archive as it will be once the record is at ``level`` with these choices: the
    change is made by :func:`change_level` itself in a transaction that is never committed
    (rolled back when the block ends, whatever happens in it)."""
    require_write(actor)
    session = archive.sessions()
    try:
        obj = _load(session, actor, type_name, record_id)
        if obj.level != level:
            change_level(archive, actor, type_name, record_id, level, "preview",
                         choices=choices, session=session)
        yield _Within(archive, session)
    finally:
        session.rollback()
        session.close()
