"""What staff record pages and the source workspace show about consent and custody
(docs/evidence.md); the forms behind them are in evidence_routes.py."""

from __future__ import annotations

from typing import Any

from sillok.archive import consent, custody
from sillok.archive.service import Archive
from sillok.security.policy import CONSENT_SCOPES, Actor, may_see_custody

# Record types whose page shows the consent form (the subjects of consent entries); every
# other record page shows the consent of the sources it rests on.
SUBJECTS = ("source", "person")


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


