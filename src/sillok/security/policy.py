"""The one place that decides what an actor may see and do.

Every way out of the archive (CLI, web pages, API, exports, statistics) asks this module, and
visibility is applied *inside the query* via :func:`visible_filter`, so that a record an actor
may not see is never loaded, counted or matched in the first place.

Roles and clearance (docs/policy.md states the same in prose):

=========  ====================  ===================  ===========
role       sees records up to    protected details    may write
=========  ====================  ===================  ===========
anonymous  public                no                   no
viewer     internal              no                   no
analyst    restricted            no                   no
editor     restricted            yes                  yes
admin      restricted            yes                  yes (and users)
=========  ====================  ===================  ===========
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, select, true

from sillok.errors import Forbidden, Invalid, Said, what_ko


class Role(StrEnum):
    anonymous = "anonymous"
    viewer = "viewer"
    analyst = "analyst"
    editor = "editor"
    admin = "admin"


class Level(StrEnum):
    public = "public"
    internal = "internal"
    restricted = "restricted"


LEVEL_RANK = {Level.public: 0, Level.internal: 1, Level.restricted: 2}

CLEARANCE: dict[Role, Level] = {
    Role.anonymous: Level.public,
    Role.viewer: Level.internal,
    Role.analyst: Level.restricted,
    Role.editor: Level.restricted,
    Role.admin: Level.restricted,
}

# Identities of witnesses and victims: only those who took the testimony and administrators.
PROTECTED_READERS = frozenset({Role.editor, Role.admin})
WRITERS = frozenset({Role.editor, Role.admin})


# The names under which the archive itself acts, as they appear in the audit trail: an
# account of that name could pass its own changes off as the system's (or the public's). The
# operator at the terminal acts as ``cli:<login>`` (cli/common.py).
SEED_NAME = "sillok-init"
DEMO_NAME = "sillok-demo"
EVAL_NAME = "eval-search"
OPERATOR_PREFIX = "cli:"
RESERVED_NAMES = frozenset({
    "anonymous", "public", "system", "root", "cli", "sillok", SEED_NAME, DEMO_NAME, EVAL_NAME,
})


def is_reserved_name(name: str) -> bool:
    """Whether an account may not take ``name``: compared after NFKC and case folding, so that
    neither ``Anonymous`` nor a full-width ``ａｎｏｎｙｍｏｕｓ`` passes for another."""
    folded = unicodedata.normalize("NFKC", name).casefold().strip()
    return folded in RESERVED_NAMES or folded.startswith(OPERATOR_PREFIX)


@dataclass(frozen=True)
class Actor:
    """Someone acting on the archive: a user name (for the audit) and a role (for the policy)."""

    name: str
    role: Role
    # An API token of scope ``read`` sees what its user sees but changes nothing.
    read_only: bool = False

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(Role.anonymous.value, Role.anonymous)


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise Forbidden(f"unknown role '{value}' (one of: {allowed})") from None


def visible_levels(actor: Actor) -> list[str]:
    top = LEVEL_RANK[CLEARANCE[actor.role]]
    return [lvl.value for lvl, rank in LEVEL_RANK.items() if rank <= top]


def may_see_level(actor: Actor, level: str) -> bool:
    return level in visible_levels(actor)


def may_see_protected(actor: Actor) -> bool:
    return actor.role in PROTECTED_READERS


def may_write(actor: Actor) -> bool:
    return actor.role in WRITERS and not actor.read_only


def require_write(actor: Actor) -> None:
    if actor.read_only and actor.role in WRITERS:
        raise Forbidden("a read-only API token may not change the archive")
    if not may_write(actor):
        raise Forbidden(f"role '{actor.role.value}' may not change the archive")


def visible_filter(model: Any, actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause limiting ``model`` (with a ``level`` column) to what ``actor`` sees."""
    levels = visible_levels(actor)
    if len(levels) == len(LEVEL_RANK):
        return true()
    clause: ColumnElement[bool] = model.level.in_(levels)
    return clause


def may_see(actor: Actor, record: Any) -> bool:
    """The same rule as :func:`visible_filter`, for a record already loaded."""
    return may_see_level(actor, record.level)


class PlaceGrain(StrEnum):
    """How finely a record's place may be shown on a map (stats/geo.py)."""

    province = "province"  # its province, special city or (abroad) country
    county = "county"  # its county or city (the finest unit the map draws)


def place_grain(actor: Actor, record_level: str) -> PlaceGrain | None:
    """The finest place unit at which ``actor`` may see a record of ``record_level`` on a map,
    or None when the record is not to be seen at all.

    The public sees provinces only: every public count is cut from the protected base cube of
    act type × year × province (stats/base_cube.py), so a county could be worked out by
    subtracting one map from another. Staff see counties; but a restricted record, whose
    village or county may point to the person, is shown at its province to anyone who may
    not read protected identities (an analyst). A place itself hidden from the reader is
    walked through to the nearest one they may see."""
    if not may_see_level(actor, record_level):
        return None
    if CLEARANCE[actor.role] == Level.public:
        return PlaceGrain.province
    if record_level == Level.restricted.value and not may_see_protected(actor):
        return PlaceGrain.province
    return PlaceGrain.county


# -- consent (docs/evidence.md, Consent) ---------------------------------------------------
# What a witness may agree to, each decided on its own: publication of the testimony in
# redacted form, use of their name, sharing with named partners, use in statistics.
CONSENT_SCOPES = ("publication", "name", "partners", "statistics")
CONSENT_DECISIONS = ("given", "refused", "withdrawn")
# The state of a scope for a source: the latest decision that applies, or none recorded.
NO_CONSENT = "none"
CONSENT_SCOPES_KO = {"publication": "공개", "name": "실명 사용", "partners": "협력 기관 공유",
                     "statistics": "통계 이용"}
CONSENT_STATES_KO = {"given": "있음", "refused": "거부", "withdrawn": "철회", NO_CONSENT: "없음"}


def consent_allows(state: str, *, needs_consent: bool, required: bool) -> bool:
    """Whether a use goes ahead. A decision recorded wins; with none recorded, the archive
    behaves as before consent was kept unless the organisation requires consent
    (``SILLOK_CONSENT_REQUIRED``) for sources that need it (testimonies, sources with a
    witness): then what was not agreed to does not happen."""
    if state == "given":
        return True
    if state in ("refused", "withdrawn"):
        return False
    return not (required and needs_consent)


def consent_refusal(what: str, scope: str, blockers: list[tuple[int, str]]) -> Invalid:
    """The error for a record that may not be public (or named) for want of consent: which
    source, and what its consent is, so that the officer knows what to record or retract."""
    shown = "; ".join(
        f"source #{source_id}: {scope} consent {state}"
        + (" (none recorded, and consent is required)" if state == NO_CONSENT else "")
        for source_id, state in blockers[:5])
    scope_ko = CONSENT_SCOPES_KO.get(scope, scope)
    shown_ko = "; ".join(
        f"자료 #{source_id}: {scope_ko} 동의 {CONSENT_STATES_KO.get(state, state)}"
        + (" (기록된 동의가 없으며, 동의가 필요함)" if state == NO_CONSENT else "")
        for source_id, state in blockers[:5])
    more, more_ko = _more(len(blockers))
    return Invalid({"level": Said(
        "level.consent_missing",
        f"{what} cannot be public without {scope} consent — {shown}{more}; "
        "record the consent (sillok consent record) or keep it internal",
        f"{what_ko(what)}은(는) {scope_ko} 동의 없이 공개할 수 없습니다 — {shown_ko}{more_ko}. "
        "동의를 기록하거나(sillok consent record) 내부 등급으로 두세요")})


def may_see_custody(actor: Actor) -> bool:
    """A chain of custody names the people a source passed through (often the witness, an
    interviewer, a courier): only those who may read identities see it."""
    return may_see_protected(actor)


def may_see_relation(actor: Actor, relation: Any, person_a: Any, person_b: Any) -> bool:
    """A relation says something about both its persons (that a restricted witness is the
    brother of a public victim, say): it is shown only to a reader who may see the relation
    and each of the two persons."""
    return may_see(actor, relation) and may_see(actor, person_a) and may_see(actor, person_b)


def relation_filter(model: Any, persons: Any, actor: Actor) -> ColumnElement[bool]:
    """The rule of :func:`may_see_relation` as a WHERE clause on ``model`` (relations), with
    ``persons`` the person model."""
    own = visible_filter(model, actor)
    if len(visible_levels(actor)) == len(LEVEL_RANK):
        return own
    seen = select(persons.id).where(visible_filter(persons, actor))
    return and_(own, model.person_a_id.in_(seen), model.person_b_id.in_(seen))


# -- changes of level (archive/levels.py) ------------------------------------------------------

def more_public(level: str, than: str) -> bool:
    """Whether ``level`` is shown more widely than ``than`` (public is the widest)."""
    return LEVEL_RANK[Level(level)] < LEVEL_RANK[Level(than)]


def level_refusal(what: str, level: str, sources: list[tuple[int, str]],
                  quoted_by: list[tuple[int, str]]) -> str | None:
    """Why a record may not take ``level``, or None. ``sources`` are the sources it rests on
    with their levels; ``quoted_by`` (a source's) the evidence quoting it, with theirs.

    A public record may not rest on a restricted source: what the public reads of it was
    learnt from a text whose very existence is to be kept to a few (an internal source can be
    cited as a withheld source; a restricted one not at all). A source may not become less
    public than the evidence that quotes it (a quote is the source's own words)."""
    if level == Level.public.value:
        hidden = [sid for sid, lvl in sources if lvl == Level.restricted.value]
        if hidden:
            shown = ", ".join(f"#{sid}" for sid in hidden[:5])
            more, more_ko = _more(len(hidden))
            return Said("level.restricted_source",
                        f"{what} rests on restricted source {shown}{more}: it cannot be public "
                        "while it does; lower the source, or cite another",
                        f"{what_ko(what)}은(는) 제한 자료 {shown}{more_ko}에 근거하고 있어 공개할 "
                        "수 없습니다. 그 자료의 등급을 낮추거나 다른 자료를 인용하세요")
    wider = [eid for eid, lvl in quoted_by if more_public(lvl, level)]
    if wider:
        shown = ", ".join(f"#{eid}" for eid in wider[:5])
        more, more_ko = _more(len(wider))
        return Said("level.quoted_by_wider",
                    f"{what} is quoted by evidence {shown}{more}, which would be more public "
                    f"than it; change that evidence's level first",
                    f"{what_ko(what)}을(를) 인용하는 근거 {shown}{more_ko}이(가) 이 자료보다 더 "
                    "공개됩니다. 먼저 그 근거의 등급을 바꾸세요")
    return None


def _more(n: int) -> tuple[str, str]:
    """" and 3 more" / " 외 3건" past the five listed."""
    return (f" and {n - 5} more", f" 외 {n - 5}건") if n > 5 else ("", "")
