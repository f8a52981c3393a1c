"""The review queue of the workspace: pairs linkage takes for one person (or one act), side by
side, with merge / not the same / unsure (keys m, n, u; j and k move), each audited; the
latest answers with their undo (unmerge, or taking the answer back).

Editors and admins only (staff_routes.staff_actor); every change goes through the linkage
services as that person, which check the records are theirs to see.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from sillok.archive.service import Archive
from sillok.errors import Invalid, NotFound
from sillok.linkage import decisions
from sillok.linkage.merge import merge
from sillok.linkage.queue import (
    act_candidates,
    act_card,
    person_candidates,
    person_card,
    recent_answers,
    undo_answer,
)
from sillok.web.labels import pick
from sillok.web.staff_routes import Staff

SHOWN = 20  # pairs on one page: each needs two records read; the rest come as these go
# The reasons linkage gives (linkage/model.py), in the reader's language.
REASONS = {
    "same given name in Hangul": "한글 이름이 같음",
    "given name spelt from the same Hangul": "같은 한글 이름의 로마자 표기",
    "same given-name key": "이름 열쇠가 같음",
    "same given-name syllables, reordered": "이름 음절이 같고 순서만 다름",
    "given names alike, syllables start alike": "이름이 비슷하고 음절 첫소리가 같음",
    "given names alike": "이름이 비슷함",
    "same surname": "성이 같음",
    "same birth year": "출생 연도가 같음",
    "birth years one apart": "출생 연도 1년 차이",
    "birth years within three": "출생 연도 3년 이내",
    "same sex": "성별이 같음",
    "same place of origin": "출신지가 같음",
    "origin in the same province": "출신지가 같은 도",
    "named in the same event": "같은 사건에 나옴",
    "named in the same source": "같은 자료에 나옴",
    "same victim": "피해자가 같음",
    "same act type": "행위 유형이 같음",
    "dates overlap": "날짜가 겹침",
    "same place": "장소가 같음",
    "places in the same province": "장소가 같은 도",
    "told in different sources": "서로 다른 자료에 나옴",
}
SEX = {"male": ("male", "남성"), "female": ("female", "여성"), "m": ("male", "남성"),
       "f": ("female", "여성")}
ANSWERS = {"merge", "different", "unsure"}


def reason_label(reason: str) -> str:
    return pick((reason, REASONS.get(reason, reason)))


def sex_label(value: Any) -> str:
    return pick(SEX.get(str(value).lower(), (str(value), str(value)))) if value else "—"


def router(archive: Archive, templates: Jinja2Templates) -> APIRouter:
    r = APIRouter(prefix="/staff/review")

    @r.get("", response_class=HTMLResponse)
    def queue(request: Request, actor: Staff) -> HTMLResponse:
        try:
            least = float(request.query_params.get("min", "0.9"))
        except ValueError:
            least = -1.0
        if not 0.0 <= least <= 1.0:
            raise Invalid({"min": "a probability between 0 and 1"})
        candidates = person_candidates(archive, actor, least)
        pairs = [{"c": c, "a": person_card(archive, actor, c.a),
                  "b": person_card(archive, actor, c.b)} for c in candidates[:SHOWN]]
        acts = [{"c": c, "a": act_card(archive, actor, c.a), "b": act_card(archive, actor, c.b)}
                for c in act_candidates(archive, actor)[:SHOWN]]
        return templates.TemplateResponse(request, "review.html", {
            "pairs": pairs, "total": len(candidates), "least": least, "acts": acts,
            "recent": recent_answers(archive, actor),
            "recent_acts": recent_answers(archive, actor, "act"),
            "done": request.query_params.get("done"),
            "reason_label": reason_label, "sex_label": sex_label})

    # Before the route of the answers, which would take "undo" for one.
    @r.post("/{record_type}/{a}/{b}/undo")
    def undo(actor: Staff, record_type: str, a: int, b: int,
             least: Annotated[str, Form(alias="min")] = "0.9") -> Response:
        """An unmerge of ``b`` when it is merged into ``a``, else the answer taken back."""
        _check(record_type)
        undo_answer(archive, actor, record_type, a, b, reason="review queue: undo")
        return _back(least, f"undo-{a}-{b}")

    @r.post("/{record_type}/{a}/{b}/{answer}")
    def answer_pair(actor: Staff, record_type: str, a: int, b: int, answer: str,
                    least: Annotated[str, Form(alias="min")] = "0.9") -> Response:
        _check(record_type)
        if answer not in ANSWERS:
            raise NotFound(f"no such answer: {answer}")
        if answer == "merge":
            merge(archive, actor, a, b, reason="review queue", record_type=record_type)
        else:
            decisions.decide(archive, actor, record_type, a, b, answer, reason="review queue")
        return _back(least, f"{answer}-{a}-{b}")

    return r


def _check(record_type: str) -> None:
    if record_type not in ("person", "act"):
        raise NotFound(f"no review of {record_type} records")


def _back(least: str, done: str) -> Response:
    try:
        value = float(least)
    except ValueError:
        value = 0.9
    return RedirectResponse(f"/staff/review?min={value}&done={done}", status_code=303)
