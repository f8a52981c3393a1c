"""Whether a gazetteer name found in Korean prose is really the place (issue 23, point 6).

The lexicon finds every alias that stands at the start of a word; that is not enough in
Korean, where a place's syllables also begin verbs (해주시기 바랍니다: "please do", not Haeju
City) and compounds (한국은행, the Bank of Korea). So each Hangul place found is checked against
Kiwi's analysis of the words around it: the place must be one noun of its own — the name, or
the name with an administrative suffix (해주시, 부령군) — and not the head of a longer noun or
the first syllables of a verb.

A name that is also a common word (통화, 무산, 삼수: Kiwi's common nouns, and the names the
word list of homographs.py finds) is the place only with a sign of a place around it.

조선 names North Korea in North Korean usage, but before 1948 it is the Joseon kingdom (or
Korea under Japanese rule), and 경성 (京城) was Seoul's name under Japanese rule before it is
Kyongsong County: with a year before 1948 or a word of that history in its sentence (조선 시대,
왕조, 임금, 일제, 총독부 ...), and no province before it, such a name is not taken for the place.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import dropwhile, takewhile
from typing import Any

from sillok.extract.homographs import shipped as homographs
from sillok.extract.lexicon import PLACE_HEADS
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
YEAR_EN = re.compile(r"\b(1[5-9]\d\d)(?:s|'s)?\b")  # in 1938, the 1930s
JOSEON_NAMES = ("조선", "Joseon", "Chosun", "Choson", "Chosŏn")
# Names whose usual sense before 1948 was another: the place's code, then the names (a name
# of North Korea that starts with 조선; 경성 exactly, not 경성군).
ERA_NAMES: dict[str, tuple[tuple[str, ...], bool]] = {
    "kp": (JOSEON_NAMES, True),
    "kp-09-kyongsong": (("경성", "Gyeongseong", "Kyongsong", "Kyŏngsŏng"), False),
}
JOSEON_WORDS_EN = re.compile(
    r"\b(?:dynasty|kingdom|kings?|era|period|court|yangban|Japanese rule|colonial|annex\w*|"
    r"Sejong|Taejo|Gojong|Hangul was|centur(?:y|ies))\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?。\n]")
# Signs that a name which is also a common word (통화, 무산, 부령) names the place.
PROVINCES = ("함경북도", "함경남도", "평안북도", "평안남도", "황해북도", "황해남도", "자강도",
             "양강도", "량강도", "강원도", "함북", "함남", "평북", "평남", "황북", "황남",
             "평양시", "라선시", "나선시", "남포시", "개성시", "길림성", "지린성", "요녕성",
             "랴오닝성", "연변", "중국", "북한")
PLACE_NOUNS = ("출신", "태생", "지역", "일대", "근처", "부근", "인근", "시내", "읍", "읍내",
               "시장", "장마당", "역", "공단", "국경", "세관", "보위부", "보위", "안전부",
               "보안서", "안전서", "구류장", "구류", "집결소", "교화소", "관리소", "수용소",
               "단련대", "탄광", "광산", "농장", "공장", "기업소", "학교", "병원", "마을",
               "거리", "교회", "항", "항구", "부두", "포구", "공항", "역전")
# People of a place: 원산의 한 가족, 청진의 주민들 (after 의, as a noun of places is).
PEOPLE_NOUNS = ("주민", "사람", "가족", "가정", "여성", "남성", "아이", "청년", "노인", "노동자",
                "농민", "학생", "교사", "군인", "간부", "상인")
# 하다 / 되다 / 시키다 joined to the name: whatever Kiwi makes of the rest, a verb.
MADE_A_VERB = re.compile(r"(?:하[였여고는며면지기자게]|했|한다|되[었어는고며면지기게]|됐|된다|돼|"
                         r"시키|시켰)")
PLACE_PARTICLES = ("에서", "에", "로", "으로", "까지", "부터", "에서부터")
# The verb a particle of place belongs to, by Kiwi's lemma: going, coming, being born, staying.
PREDICATES = ("VV", "VA", "XSV", "XSA")
MOVE_VERBS = ("가", "오", "나", "자라", "지내", "머물", "숨")
PLACE_CUES = re.compile(
    r"출신|고향|태어|태생|살았|살던|살고|살다|거주|이사|떠나|떠났|도착|건너|넘어|강을|"
    r"끌려|이송|압송|송환|북송|체포|붙잡|잡혀|갇히|갇혔|수감|구금|탈북|국경|두만강|압록강|"
    r"보위부|안전부|보안서|구류장|교화소|관리소|집결소|단련대|수용소|가족|마을|시장|장마당|"
    r"열린|열렸|벌어진|벌어졌|일어난|일어났|진행된|진행됐")  # where something took place


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
    if MADE_A_VERB.match(text, end):
        return None  # 통화했다, 무산되었다: a noun made a verb is never a place
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
    if (tag == "NNG" or (tag == "NNP" and alias in homographs())) and (
            form == alias or _in_pieces(tokens, at, alias)):
        # Kiwi reads a common noun here: 통화 (a phone call; Tonghua), 무산 (무산되다, to
        # fall through; Musan), 개성 (character; Kaesong), 안도 (relief; Antu), or pieces of
        # nouns, 부령 (부 + 령, a decree; Puryong); or reads a proper noun where the word
        # list says it is also a word (삼수 끝에, after a third try). Only the words around
        # it tell.
        return _common_word(text, start, end, alias, confidence)
    if form == alias:
        following = next((t for t in tokens if t[2] == at + len(alias)), None)
        if following is not None and following[1] in ("NNG", "NNP") and not _suffix(
                following[0]) and following[0] not in PLACE_HEADS and _joined(text, end):
            return None  # the first part of a compound noun
        return min(0.97, confidence + 0.1) if tag == "NNP" else confidence
    if form.startswith(alias) and _suffix(form[len(alias):]):
        return min(0.97, confidence + 0.1)  # 해주시, 부령군
    if form.startswith(alias) and form[len(alias):] in PLACE_HEADS:
        return confidence  # one noun for the name and a place in it: 원산항, 남포항
    if form.startswith(alias) and form[len(alias):] in PARTICLES:
        return confidence  # Kiwi kept the particle on a name it does not know: 강계의
    if len(form) > len(alias):
        return None  # the start of a longer noun: 한국은행
    return confidence * 0.8  # Kiwi cut the name in pieces: kept, less sure


def _in_pieces(tokens: tuple[tuple[str, str, int], ...], at: int, alias: str) -> bool:
    """The name is cut into nouns (and noun prefixes) that end where it ends: 부 + 령."""
    pieces = [t for t in tokens if at <= t[2] < at + len(alias)]
    return (len(pieces) > 1 and all(t[1] in ("NNG", "NNB", "XPN", "XSN") for t in pieces)
            and sum(len(t[0]) for t in pieces) == len(alias))


def _common_word(text: str, start: int, end: int, alias: str,
                 confidence: float) -> float | None:
    """A name that is also a common word is the place only with a sign of a place: a
    province before it (함경북도 부령), a noun of places after it (부령 출신, 무산 보위부),
    or a particle of place (에서, 으로 ...) with a word of moving, living or holding in its
    clause (길주에서 태어났다). Made a verb (통화했다, 무산되었다) it is never the place."""
    # What follows, read a little further than the window (길주의 한 학교에서 needs three words).
    found = SENTENCE_END.search(text, end)
    stop = min(found.start() if found else len(text), end + 30)
    after = [t for t in _tokens(text[start:stop]) if t[2] >= len(alias)]
    following = after[0] if after else None
    if following is not None and following[1] in ("XSV", "XSA"):
        return None
    if _after_province(text, start):
        return confidence
    if following is not None and following[1].startswith("NN") and following[0] in PLACE_NOUNS:
        return confidence
    if (following is not None and following[0] in PLACE_PARTICLES and following[1] == "JKB"
            and (PLACE_CUES.search(_predicate(text, start, stop, after)) or _moves(after))):
        return round(confidence * 0.8, 2)
    if following is not None and following[1] == "JKG":
        # 길주의 학교에서, 청진의 집결소, 원산의 한 가족: of it, a noun that is somewhere, a
        # place noun or people who live there
        rest = after[1:]
        if rest and rest[0][1] == "MM":  # 길주의 한 학교: past a determiner
            rest = rest[1:]
        nouns = list(takewhile(lambda t: t[1].startswith("NN"), rest))
        noun = "".join(t[0] for t in nouns)
        then = rest[len(nouns)] if len(rest) > len(nouns) else None
        if nouns and (nouns[0][0] in PLACE_NOUNS + PEOPLE_NOUNS or noun.endswith(PLACE_NOUNS) or (
                then is not None and then[1] == "JKB" and then[0] in PLACE_PARTICLES)):
            return round(confidence * 0.8, 2)
    return None


def _moves(after: list[tuple[str, str, int]]) -> bool:
    """The name's own verb (with its auxiliaries) is one of going, coming, being born or
    staying: 선양에서 단동으로 가는, 회령에서 나고, 연길에 팔려 갔다 (not 연사로 나선)."""
    verbs = list(dropwhile(lambda t: not t[1].startswith(PREDICATES), after))
    group = verbs[:1] + list(takewhile(lambda t: t[1].startswith(("E", "VX")), verbs[1:]))
    return any(t[0] in MOVE_VERBS and t[1] in ("VV", "VX") for t in group)


def _predicate(text: str, start: int, stop: int,
               after: list[tuple[str, str, int]]) -> str:
    """The name's own clause: from it to the end of the word holding the first verb after it,
    which a particle of place belongs to (길주에서 태어났다, 무산에서 열린 재판, but not 행사
    연사로 나선 교수는 강제송환을 설명했다, where the word of moving is another clause's)."""
    verb = next((t for t in after if t[1].startswith(PREDICATES)), None)
    if verb is None:
        return text[start:stop]
    word_end = text.find(" ", start + verb[2])
    return text[start:stop if word_end < 0 else min(stop, word_end)]


def _after_province(text: str, start: int) -> bool:
    """A province (or China, 연변 ...) written just before: read in the text, not in Kiwi's
    tokens, which cut some of them (양강도 = 양 + 강 + 도)."""
    before = text[max(0, start - 8):start]
    return before[-1:].isspace() and before.rstrip().endswith(PROVINCES)


def _sentence(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    found = SENTENCE_END.search(text, end)
    right = found.start() if found else len(text)
    return text[max(left, start - 120):min(right, end + 120)]


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


def before_1948(text: str, code: str | None, start: int, end: int) -> bool:
    """True when the name at ``start``..``end`` of the place ``code`` is one of ERA_NAMES and
    its sentence is about the time before 1948 (and no province stands before it)."""
    names, prefix = ERA_NAMES.get(code or "", ((), False))
    found = text[start:end]
    if not (found.startswith(names) if prefix else found in names):
        return False
    if _after_province(text, start):
        return False  # 함경북도 경성: the county, whenever it was
    return joseon_era(text, start, end)


def joseon_era(text: str, start: int, end: int) -> bool:
    """True when the 조선 at ``start`` is the Joseon kingdom or Korea before 1948: a year
    before 1948 or a word of that history in its sentence."""
    sentence = _sentence(text, start, end)
    tail = text[end:end + 5].lstrip()
    if tail.startswith(("시대", "왕조", "왕", "총독부", "후기", "중기", "초기", "말기", "-era")):
        return True
    if JOSEON_WORDS.search(sentence) or JOSEON_WORDS_EN.search(sentence):
        return True
    years = [*YEAR.finditer(sentence), *YEAR_EN.finditer(sentence)]
    return any(int(m.group(1)) < 1948 for m in years)
