"""Changing a record's confidentiality level: one function for every way of doing it (a
record's own page, a list's bulk action, the CLI), with a reason that goes into the audit.

The rule is the policy's (security/policy.py ``level_refusal``): a public record may not rest
on a restricted source, a source may not drop below the evidence quoting it. Consent is
checked by :meth:`Archive.update` as for any change that makes a record public
(archive/consent_rules.py ``check_public``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sillok.archive.consent_rules import evidence_sources
from sillok.archive.kinds import kind_named
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.db.models import LEVELS
from sillok.errors import Invalid, NotFound, Said
from sillok.security.policy import Actor, level_refusal, may_see, require_write

LEVEL_ACTION = "level"
MAX_REASON = 2000


def check_level_args(level: str, reason: str) -> str:
    """The reason, trimmed; Invalid for a level that is not one or a missing reason."""
    errors: dict[str, str] = {}
    if level not in LEVELS:
        errors["level"] = Said("level.unknown", f"'{level}' is not one of: {', '.join(LEVELS)}",
                               f"'{level}'은(는) 등급이 아닙니다(공개, 내부, 제한 중 하나)")
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = Said("level.reason_missing", "say why the level changes",
                                "등급을 바꾸는 이유를 적으세요")
    elif len(reason) > MAX_REASON:
        errors["reason"] = Said("level.reason_too_long", f"at most {MAX_REASON} characters",
                                f"{MAX_REASON}자 이내로 적으세요")
    if errors:
        raise Invalid(errors)
    return reason


def resting_on(session: Session, type_name: str, obj: Any) -> list[tuple[int, str]]:
    """The sources (id, level) a record rests on: for evidence its source, for a source the
    sources it is part of (an attachment's message), for any other record the sources of its
    evidence that is not retracted, and for a person also the sources they are the witness of."""
    if type_name == "evidence":
        ids = [int(obj.source_id)]
    elif type_name == "source":
        ids, cursor, seen = [], obj.parent_id, {int(obj.id)}
        while cursor is not None and cursor not in seen:
            seen.add(cursor)
            ids.append(int(cursor))
            cursor = session.execute(select(m.Source.parent_id).where(
                m.Source.id == cursor)).scalar_one_or_none()
    else:
        ids = evidence_sources(session, type_name, int(obj.id))
        if type_name == "person":
            ids += list(session.execute(select(m.Source.id).where(
                m.Source.witness_id == obj.id, m.Source.retracted_at.is_(None))).scalars())
    if not ids:
        return []
    rows = session.execute(select(m.Source.id, m.Source.level).where(
        m.Source.id.in_(sorted(set(ids)))).order_by(m.Source.id)).all()
    return [(int(i), str(lvl)) for i, lvl in rows]


def quoted_by(session: Session, type_name: str, obj: Any) -> list[tuple[int, str]]:
    """For a source: the evidence (id, level) quoting it that is not retracted."""
    if type_name != "source":
        return []
    rows = session.execute(select(m.Evidence.id, m.Evidence.level).where(
        m.Evidence.source_id == obj.id, m.Evidence.retracted_at.is_(None))
        .order_by(m.Evidence.id)).all()
    return [(int(i), str(lvl)) for i, lvl in rows]


def refusal(session: Session, type_name: str, obj: Any, level: str) -> str | None:
    """Why ``obj`` may not take ``level`` under the policy, or None."""
    return level_refusal(f"{type_name} #{obj.id}", level, resting_on(session, type_name, obj),
                         quoted_by(session, type_name, obj))


def change_level(archive: Archive, actor: Actor, type_name: str, record_id: int, level: str,
                 reason: str, *, session: Session | None = None,
                 expected_version: int | None = None) -> bool:
    """Give a record another level, saying why; False if it had that level already.

    Raises NotFound for a record the actor may not see, Invalid (field ``level``) when the
    policy or consent refuses, StaleVersion when ``expected_version`` is not current."""
    require_write(actor)
    kind = kind_named(type_name)
    reason = check_level_args(level, reason)
    if session is None:
        with archive.transaction() as s:
            return change_level(archive, actor, type_name, record_id, level, reason,
                                session=s, expected_version=expected_version)
    obj = session.get(kind.model, record_id)
    if obj is None or not may_see(actor, obj):
        raise NotFound(f"no {kind.name} #{record_id}")
    if obj.level == level:
        return False
    why = refusal(session, kind.name, obj, level)
    if why is not None:
        raise Invalid({"level": why})
    return archive.update(actor, kind.name, record_id, {"level": level}, session=session,
                          action=LEVEL_ACTION, reason=reason,
                          expected_version=expected_version)
