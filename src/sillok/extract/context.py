"""Whether a gazetteer name found in Korean prose is really the place (issue 23, point 6).

The lexicon finds every alias that stands at the start of a word; that is not enough in
Korean, where a place's syllables also begin verbs (해주시기 바랍니다: "please do", not Haeju
City) and compounds (한국은행, the Bank of Korea). So each Hangul place found is checked against
Kiwi's analysis of the words around it: the place must be one noun of its own — the name, or
the name with an administrative suffix (해주시, 부령군) — and not the head of a longer noun or
the first syllables of a verb.

조선 names North Korea in North Korean usage, but before 1948 it is the Joseon kingdom (or
Korea under Japanese rule): with a year before 1948 or a word of that history in its sentence
(조선 시대, 왕조, 임금, 일제, 총독부 ...), it is not taken for North Korea.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from sillok.language.analyzer import kiwi

HANGUL = re.compile(r"[가-힣]")
PARTICLES = ("은", "는", "이", "가", "을", "를", "의", "에", "에서", "도", "로", "으로", "와", "과",
             "까지", "부터", "만")
ADMIN_SUFFIX = ("시", "군", "구", "구역", "도", "읍", "면", "리", "동", "노동자구", "지구", "성")
NOUNS = ("NNP", "NNG", "NR")
VERBS = ("VV", "VA", "VX", "VC", "XSV", "XSA", "EP", "EF", "EC", "ETM", "ETN")
JOSEON_WORDS = re.compile(
    r"왕조|왕국|임금|국왕|세종|태조|영조|정조|고종|순종|양반|선비|사대부|한양|실록|궁궐|"
    r"과거\s*시험|일제|총독부|강점기|식민지|대한제국|개화기|구한말|임진왜란|병자호란|갑오|"
    r"동학|백자|분청|훈민정음")
YEAR = re.compile(r"(?<!\d)(\d{3,4})\s*년")
JOSEON_NAMES = ("조선", "Joseon", "Chosun", "Choson", "Chosŏn")
JOSEON_WORDS_EN = re.compile(
    r"\b(?:dynasty|kingdom|kings?|era|period|court|yangban|Japanese rule|colonial|annex\w*|"
    r"Sejong|Taejo|Gojong|Hangul was|centur(?:y|ies))\b", re.IGNORECASE)
NORTH_KOREA_CODES = ("kp",)
SENTENCE_END = re.compile(r"[.!?。\n]")


OF_AN_ORGANISATION = re.compile(
    r"\b(?:Bank|University|Embassy|Ministry|Institute|Council|Association|Society|Museum|"
    r"Government|Academy|Federation|Union|Church|Times|Herald|Daily)\s+of\s+(?:the\s+)?$")


def place_confidence(text: str, start: int, end: int, confidence: float) -> float | None:
    """The confidence of a Hangul place name found at ``start``..``end``, or None when Kiwi's
    analysis says it is not the place (or, in English, it ends an organisation's name: the
    Bank of Korea)."""
    if not HANGUL.match(text[start:start + 1]):
        if OF_AN_ORGANISATION.search(text[max(0, start - 30):start]):
            return None
        return confidence
    offset, window = _window(text, start, end)
    tokens = _tokens(window)
    alias = text[start:end]
    at = start - offset
    first = next((t for t in tokens if t[2] == at), None)
    if first is None:
        return None  # the name does not begin a word of its own
    form, tag, _start = first
    if tag.startswith(VERBS):
        # Read as a verb. It is one when the verb goes on past the name (해주시기 = 하 + 어 +
        # 주 + 시 + 기); a name Kiwi does not know, misread, still takes a particle after it
        # (온성으로 = 오 + ㄴ + 성 + 으로).
        after = next((t for t in tokens if t[2] >= at + len(alias)), None)
        if after is None or not after[1].startswith("J"):
            return None
        return round(confidence * 0.8, 2)
    if tag not in NOUNS:
        return confidence * 0.8  # a name Kiwi does not know (온성 = 온 + 성): kept, less sure
    if form == alias:
        following = next((t for t in tokens if t[2] == at + len(alias)), None)
        if following is not None and following[1] in ("NNG", "NNP") and not _suffix(
                following[0]) and _joined(text, end):
            return None  # the first part of a compound noun
        return min(0.97, confidence + 0.1) if tag == "NNP" else confidence
    if form.startswith(alias) and _suffix(form[len(alias):]):
        return min(0.97, confidence + 0.1)  # 해주시, 부령군
    if form.startswith(alias) and form[len(alias):] in PARTICLES:
        return confidence  # Kiwi kept the particle on a name it does not know: 강계의
    if len(form) > len(alias):
        return None  # the start of a longer noun: 한국은행
    pieces = [t for t in tokens if at <= t[2] < at + len(alias)]
    if len(alias) == 2 and all(t[1] == "NNG" for t in pieces):
        # two common nouns of one syllable: as likely a Sino-Korean word (부령, a decree) as
        # a county Kiwi does not know (길주): kept, for a coder to judge
        return round(confidence * 0.6, 2)
    return confidence * 0.8  # Kiwi cut the name in pieces: kept, less sure


def _suffix(rest: str) -> bool:
    return rest in ADMIN_SUFFIX


def _joined(text: str, end: int) -> bool:
    return end < len(text) and HANGUL.match(text[end]) is not None


def _window(text: str, start: int, end: int) -> tuple[int, str]:
    """The word holding the name with the word before and the word after it."""
    left = start
    for _ in range(2):
        left = text.rfind(" ", 0, max(0, left - 1)) + 1 if left > 0 else 0
    right = end
    for _ in range(2):
        found = text.find(" ", right + 1)
        right = len(text) if found < 0 else found
    left = max(left, start - 40)
    right = min(right, end + 40)
    return left, text[left:right]


@lru_cache(maxsize=4096)
def _tokens(window: str) -> tuple[tuple[str, str, int], ...]:
    tokens: Any = kiwi().tokenize(window)
    return tuple((t.form, t.tag, int(t.start)) for t in tokens)


def joseon_era(text: str, start: int, end: int) -> bool:
    """True when the 조선 at ``start`` is the Joseon kingdom or Korea before 1948: a year
    before 1948 or a word of that history in its sentence."""
    left = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    found = SENTENCE_END.search(text, end)
    right = found.start() if found else len(text)
    sentence = text[max(left, start - 120):min(right, end + 120)]
    tail = text[end:end + 5].lstrip()
    if tail.startswith(("시대", "왕조", "왕", "총독부", "후기", "중기", "초기", "말기", "-era")):
        return True
    if JOSEON_WORDS.search(sentence) or JOSEON_WORDS_EN.search(sentence):
        return True
    return any(int(m.group(1)) < 1948 for m in YEAR.finditer(sentence))
