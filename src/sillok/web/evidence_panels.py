"""What staff record pages and the source workspace show about consent and custody
(docs/evidence.md); the forms behind them are in evidence_routes.py."""

from __future__ import annotations

from typing import Any

from sillok.archive import consent, custody
from sillok.archive.service import Archive
from sillok.security.policy import CONSENT_SCOPES, Actor, may_see_custody
from sillok.web.labels import pick

# Record types whose page shows the consent form (the subjects of consent entries); every
# other record page shows the consent of the sources it rests on.
SUBJECTS = ("source", "person")

# Custody steps and ways as a reader says them, in the order of custody.ACTIONS + METHODS.
_CUSTODY_EN = ("received", "transferred", "copied", "returned", "destroyed", "other",
               "in person", "email", "messenger app", "post", "download", "upload",
               "command line", "API", "other")
_CUSTODY_KO = ("받음", "넘겨줌", "복사", "돌려줌", "폐기", "기타", "직접 전달", "이메일",
               "메신저", "우편", "내려받기", "올리기", "명령줄", "API", "기타")
CUSTODY_WORDS = dict(zip(custody.ACTIONS + custody.METHODS,
                         zip(_CUSTODY_EN, _CUSTODY_KO, strict=True), strict=True))


def custody_label(code: object) -> str:
    """A custody step or way in the reader's language (the code itself when unknown)."""
    return pick(CUSTODY_WORDS.get(str(code), (str(code or ""),) * 2))


def panels(archive: Archive, actor: Actor, type_name: str, record_id: int) -> dict[str, Any]:
    """What a staff record page shows about consent and custody."""
    out: dict[str, Any] = {"consent_scopes": CONSENT_SCOPES,
                           "resting": consent.resting_on(archive, actor, type_name, record_id)}
    if type_name in SUBJECTS:
        out["consent"] = consent.show(archive, actor, type_name, record_id)
    if type_name == "source" and may_see_custody(actor):
        out["custody"] = custody.chain(archive, actor, record_id)
        out["custody_actions"], out["custody_methods"] = custody.ACTIONS, custody.METHODS
    elif may_see_custody(actor):
        # A record resting on sources shows their custody in brief: steps and the last one.
        out["custody_of"] = []
        for s in out["resting"]:
            chain = custody.chain(archive, actor, s["source"])
            entries = chain["entries"]
            out["custody_of"].append({"source": s["source"], "title": chain["title"],
                                      "steps": len(entries),
                                      "last": entries[-1] if entries else None})
    return out


