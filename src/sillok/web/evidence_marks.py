"""A source's evidence highlighted in its text on the workspace page (issue 18 point 3).

The workspace cuts the text into pieces (plain runs, suggestion spans, redacted passages,
page markers), each knowing the offset it starts at. Here every piece is cut again where an
evidence passage starts or ends and told which evidence covers it, so the template can mark
it; passages may overlap. The first piece of each passage carries the anchor a record page
links to (``#evidence-ID``), the last one the link to the record.
"""

from __future__ import annotations

from typing import Any


def with_evidence(cuts: list[dict[str, Any]], evidence: list[dict[str, Any]]
                  ) -> list[dict[str, Any]]:
    """``cuts`` with each text piece split at the passages' ends and given ``evidence`` (the
    ids covering it), ``anchors`` (passages starting there) and ``ends`` (passages ending
    there, with the record each is evidence of)."""
    spans = [(e["start"], e["end"], e) for e in evidence if e["end"] > e["start"]]
    if not spans:
        return cuts
    points = sorted({p for s, e, _ in spans for p in (s, e)})
    out: list[dict[str, Any]] = []
    for cut in cuts:
        text, start = cut.get("text") or "", cut["start"]
        if not text:
            out.append(cut)
            continue
        end = start + len(text)
        inner = [p for p in points if start < p < end]
        for a, b in zip([start, *inner], [*inner, end], strict=True):
            piece = {**cut, "text": text[a - start:b - start], "start": a}
            covering = [e for s, t, e in spans if s <= a and b <= t]
            piece["evidence"] = " ".join(str(e["id"]) for e in covering)
            piece["anchors"] = [e["id"] for s, _t, e in spans if s == a]
            piece["ends"] = [e for _s, t, e in spans if t == b]
            out.append(piece)
    return out
