"""Estimates on the public statistics page: an admin publishes one (what was asked and the
result as computed then), the public sees that snapshot, and only that, until it is
unpublished. Publishing and unpublishing are audited (archive/audit.py), and the audit
trail vouches for the stored snapshot (archive/audit_state.py), so a figure changed in the
database without an entry shows up in ``sillok audit verify``.

The public statistics' small-cell rule applies (stats/disclosure.py, ``SILLOK_MIN_CELL``):

- an estimate resting on fewer documented people than the minimum is refused at publication;
- one published before the minimum was raised past its documented count is withheld from
  the public page, with the reason, rather than shown;
- the public reads each caution by its meaning (:data:`PUBLIC_CAUTIONS`), never its text:
  the texts name counts such as the people two lists share, which are cells of a table too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from sillok.archive.audit import record_change
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.db.types import utcnow
from sillok.errors import Forbidden, Invalid, NotFound
from sillok.estimate.result import Estimate
from sillok.security.policy import Actor, Role

RECORD_TYPE = "published_estimate"  # in the audit trail
# Caution code → what it means for a reader of the public page, in English and Korean,
# without the counts the staff text gives.
PUBLIC_CAUTIONS: dict[str, tuple[str, str]] = {
    "few_lists": ("Only two lists: their independence is assumed and cannot be checked.",
                  "목록이 두 개뿐이어서 서로 독립이라는 가정을 확인할 수 없습니다."),
    "few_people": ("Few people are documented: the estimate rests mostly on the model's "
                   "assumptions.",
                   "기록된 사람이 적어 추정치가 대부분 모형의 가정에 기댑니다."),
    "sparse_overlaps": ("Some lists share few people: the estimate is unstable.",
                        "공통 인원이 적은 목록이 있어 추정치가 불안정합니다."),
    "dependent_lists": ("One list may restate another (they are not independent).",
                        "한 목록이 다른 목록을 옮겨 적은 것일 수 있습니다(독립이 아님)."),
    "restated_list": ("Sources of one list are based on sources of another (they are not "
                      "independent).",
                      "한 목록의 출처가 다른 목록의 출처에 근거합니다(독립이 아님)."),
    "saturated_model": ("The model fits every observed cell exactly: the estimate rests on an "
                        "assumption no data can check.",
                        "모형이 관측된 모든 칸에 정확히 맞아, 추정치가 자료로 확인할 수 없는 "
                        "가정에 기댑니다."),
    "model_uncertainty": ("Models that fit about as well give quite different estimates.",
                          "비슷하게 잘 맞는 모형들이 꽤 다른 추정치를 냅니다."),
    "model_problem": ("The chosen model has a numerical problem.",
                      "선택된 모형에 수치상의 문제가 있습니다."),
    "wide_interval": ("The interval is wide: quote the interval, not the single number.",
                      "구간이 넓습니다. 단일 값이 아니라 구간을 인용하십시오."),
    "unbounded": ("The interval has no upper bound.", "구간의 상한이 없습니다."),
    "not_converged": ("The sampler's chains did not agree.",
                      "표본추출 체인들이 일치하지 않았습니다."),
    "few_effective_draws": ("The sampler kept few effective draws: the interval's ends are "
                            "rough.",
                            "유효 표본이 적어 구간의 끝값이 거칩니다."),
    "at_cap": ("The data barely bound the total.", "자료가 총수를 거의 제한하지 못합니다."),
}
OTHER_CAUTION = ("Read with care (see the method's documentation).",
                 "주의해서 읽으십시오(방법 설명 참조).")


def small_cell_message(observed: int, k: int) -> tuple[str, str]:
    return (f"This estimate rests on {observed} documented people, fewer than the {k} below "
            "which public statistics show nothing: it cannot be published.",
            f"이 추정치는 기록된 {observed}명에 근거하며, 공개 통계가 아무것도 보여 주지 "
            f"않는 기준({k}명) 미만이어서 공개할 수 없습니다.")


@dataclass(frozen=True)
class Published:
    """One published estimate as stored: the request and the snapshot."""

    id: int
    filter_text: str
    lists_by: str
    method: str
    settings: dict[str, Any]
    result: dict[str, Any]
    observed: int
    published_by: str
    published_at: datetime
    withheld: bool = False  # below the small-cell minimum now: not shown to the public

    def public(self) -> dict[str, Any]:
        """What the public page shows of it: the numbers, the method and model, the lists
        (source kinds by name; origins, which may name partners, by their number only) and
        each caution's public meaning."""
        r = self.result
        codes = list(dict.fromkeys(w["code"] for w in r.get("warnings", [])))
        return {
            "id": self.id, "filter": self.filter_text, "method": self.method,
            "model": r["model"], "estimate": r["estimate"], "lower": r["lower"],
            "upper": r["upper"], "observed": r["observed"], "lists_by": self.lists_by,
            "lists": r["lists"] if self.lists_by == "kind" else [],
            "list_count": len(r["lists"]), "published_at": self.published_at,
            "cautions": [PUBLIC_CAUTIONS.get(code, OTHER_CAUTION) for code in codes],
        }


def _require_admin(actor: Actor) -> None:
    if actor.role is not Role.admin or actor.read_only:
        raise Forbidden("only an administrator may publish or unpublish an estimate")


def publish(archive: Archive, actor: Actor, *, filter_text: str, lists_by: str,
            settings: dict[str, Any], result: Estimate) -> int:
    """Store ``result`` as the published estimate for what was asked; refused for a
    non-admin, and for fewer documented people than the public minimum."""
    _require_admin(actor)
    k = archive.settings.min_cell
    if result.observed < k:
        raise Invalid({"observed": small_cell_message(result.observed, k)[0]})
    snapshot = result.as_dict()
    with archive.transaction() as session:
        row = m.PublishedEstimate(
            filter_text=filter_text, lists_by=lists_by, method=result.method,
            settings=settings, result=snapshot, observed=result.observed,
            published_by=actor.name, published_at=utcnow())
        session.add(row)
        session.flush()
        record_change(session, actor=actor.name, action="publish", record_type=RECORD_TYPE,
                      record_id=row.id, after={"filter": filter_text, "lists_by": lists_by,
                                               "settings": settings, "result": snapshot})
        return row.id


def unpublish(archive: Archive, actor: Actor, estimate_id: int) -> None:
    _require_admin(actor)
    with archive.transaction() as session:
        row = session.get(m.PublishedEstimate, estimate_id)
        if row is None or row.unpublished_at is not None:
            raise NotFound(f"no published estimate #{estimate_id}")
        row.unpublished_by, row.unpublished_at = actor.name, utcnow()
        record_change(session, actor=actor.name, action="unpublish", record_type=RECORD_TYPE,
                      record_id=row.id, before={"published": True},
                      after={"published": False})


def published(archive: Archive) -> list[Published]:
    """The estimates on the public page now, newest first; those whose documented count is
    below today's minimum are marked withheld."""
    k = archive.settings.min_cell
    with archive.transaction() as session:
        rows = session.execute(
            select(m.PublishedEstimate).where(m.PublishedEstimate.unpublished_at.is_(None))
            .order_by(m.PublishedEstimate.published_at.desc(), m.PublishedEstimate.id.desc())
        ).scalars().all()
        return [Published(r.id, r.filter_text, r.lists_by, r.method, dict(r.settings),
                          dict(r.result), r.observed, r.published_by, r.published_at,
                          withheld=r.observed < k) for r in rows]
