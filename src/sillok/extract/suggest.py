"""All suggestions for one text: dates, counts, persons, places, organisations and terms,
each with character offsets into the text and a confidence between 0 and 1."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from sillok.extract.context import before_1948, place_confidence
from sillok.extract.counts import find_counts
from sillok.extract.dates import LATIN_LETTER, find_dates
from sillok.extract.lexicon import Lexicon
from sillok.extract.persons import NameHit, find_persons, name_candidates

KINDS = ("date", "count", "person", "place", "organisation", "term")
HANGUL = re.compile(r"[가-힣]")
ORG_EN = re.compile(
    r"\b(?:the\s+)?(?P<name>(?:Ministry|Department|Office|Committee|Commission|Council)\s+of"
    r"(?:\s+(?:the\s+)?[A-Z][\w'’-]+){1,4}|(?:[A-Z][\w'’-]+\s+){1,5}(?:Agency|Ministry|Bureau|"
    r"Committee|Commission|Council|Center|Centre|Foundation|Institute|Association|Network|"
    r"Watch|Alliance|Coalition|Service|Agency|News|Times|Post|Daily|Radio)\b|United Nations"
    r"(?:\s+[A-Z][\w'’-]+){0,4}|UN\s+(?:[A-Z][\w'’-]+\s*){1,3}|(?:NKDB|KCNA|UNHCR|OHCHR))")
ORG_KO = re.compile(
    r"(?<![가-힣])(?P<name>[가-힣]{1,12}(?:인권위원회|위원회|협회|센터|연구원|연구소|재단|연합|"
    r"정보센터|통신|신문|방송|일보|네트워크)|통일부|외교부|법무부|국가정보원|국정원|유엔[가-힣]{0,10}"
    r"(?:위원회|사무소|이사회|기구))(?=[^가-힣]|[은는이가을를에의도와과]|$)")


@dataclass(frozen=True)
class Found:
    kind: str
    start: int
    end: int
    text: str
    value: dict[str, Any]
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Ahead:
    """The suggestions of a text that need neither the archive's lexicon nor Kiwi (dates,
    counts, names by pattern, organisations by pattern): found in the parsing worker, so that
    this work runs beside the database writes instead of before them."""

    anchor: date | None
    found: tuple[Found, ...]  # dates, then counts
    names: tuple[NameHit, ...]  # candidates, before the lexicon's filter
    orgs: tuple[tuple[int, int], ...]
    # Spans of Kiwi's proper nouns that may be names (persons.proper_nouns), when the worker
    # analysed the text with Kiwi anyway (for the search index); None: found where written.
    proper: tuple[tuple[int, int], ...] | None = None


def ahead(text: str, anchor: date | None = None) -> Ahead:
    found: list[Found] = []
    for d in find_dates(text, anchor):
        found.append(Found("date", d.start, d.end, d.text,
                           {"start": d.first_day.isoformat(), "precision": d.precision},
                           d.confidence))
    for c in find_counts(text):
        found.append(Found("count", c.start, c.end, c.text, {"n": c.n}, c.confidence))
    # ORG_EN needs a capital Latin letter, ORG_KO a Hangul syllable: a text without skips it.
    has = (LATIN_LETTER.search(text) is not None, HANGUL.search(text) is not None)
    orgs = [m.span("name") for pattern, needed in zip((ORG_EN, ORG_KO), has, strict=True)
            if needed for m in pattern.finditer(text)]
    return Ahead(anchor, tuple(found), tuple(name_candidates(text)), tuple(orgs))


def suggest(text: str, lexicon: Lexicon, anchor: date | None = None,
            pre: Ahead | None = None) -> list[Found]:
    """Every suggestion of ``text``; ``pre``: ``ahead(text, anchor)`` if already computed."""
    if pre is None or pre.anchor != anchor:  # Kiwi's proper nouns do not depend on the date
        pre = replace(ahead(text, anchor), proper=pre.proper if pre is not None else None)
    found = list(pre.found)
    hits = lexicon.find(text)
    for h in hits:
        confidence = h.confidence
        if h.kind == "place":
            judged = place_confidence(text, h.start, h.end, h.confidence)
            if judged is None or before_1948(text, h.value.get("code"), h.start, h.end):
                continue
            confidence = round(judged, 2)
        found.append(Found(h.kind, h.start, h.end, h.text, h.value, confidence))
    known = {h.text.lower() for h in hits}
    proper = list(pre.proper) if pre.proper is not None else None
    for p in find_persons(text, known | set(lexicon.by_alias), list(pre.names), proper):
        found.append(Found("person", p.start, p.end, p.text, {"name": p.text}, p.confidence))
    lexicon_orgs = [(h.start, h.end) for h in hits if h.kind == "organisation"]
    for start, end in pre.orgs:
        if any(start < e and s < end for s, e in lexicon_orgs):
            continue
        found.append(Found("organisation", start, end, text[start:end],
                           {"name": text[start:end]}, 0.7))
    return sorted(found, key=lambda f: (f.start, f.kind))
