"""Counts of people: "34 North Korean defectors", "탈북민 34명", "a group of five", "세 명".

Only numbers of people: 5 kg, 3 days and ages (25세, aged 25, a 25-year-old) are not counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sillok.extract.dates import LATIN, LATIN_LETTER, Folded, present

EN_NUMBERS = {w: i for i, w in enumerate(
    [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty"
])}
EN_NUMBERS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                   "eighty": 80, "ninety": 90, "hundred": 100, "a dozen": 12, "dozen": 12})
KO_NUMBERS = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8,
              "아홉": 9, "열": 10, "열한": 11, "열두": 12, "열세": 13, "열네": 14, "열다섯": 15,
              "스무": 20, "스물": 20, "서른": 30, "마흔": 40, "쉰": 50}
PEOPLE = (
    r"(?:people|persons|individuals|defectors|refugees|escapees|migrants|returnees|men|women|"
    r"girls|boys|children|minors|teenagers|students|prisoners|detainees|inmates|victims|"
    r"witnesses|workers|soldiers|fishermen|crew(?:\s+members)?|family\s+members|relatives|"
    r"North\s+Koreans|Koreans|nationals|citizens|residents|villagers|believers|Christians|"
    r"adults|mothers|survivors|abductees|POWs|lawyers|officials|officers|guards|teachers|"
    r"doctors|farmers|traders|brokers|missionaries|journalists|activists|interviewees|"
    r"persons|youths|miners|sailors|pupils|escapees)"
)
EN_NUM = r"(?P<n>\d{1,3}(?:,\d{3})+|\d+|" + "|".join(
    sorted(map(re.escape, EN_NUMBERS), key=len, reverse=True)) + r")"
KO_NUM = r"(?P<n>\d{1,3}(?:,\d{3})+|\d+|" + "|".join(
    sorted(map(re.escape, KO_NUMBERS), key=len, reverse=True)) + r")"
# Each pattern: (regex, confidence, what it cannot match without: see dates.present).
PATTERNS: list[tuple[re.Pattern[str], float, tuple[str, ...]]] = [
    # 34명, 탈북민 34명, 세 명, 일가족 5명 (not 명절, 명단, 명령)
    (re.compile(r"(?<![\d.,가-힣])" + KO_NUM
                + r"\s*(?:여\s*)?명(?![가-힣]*?(?:절|단|령|예|의\s*나이))"), 0.95, ("명",)),
    (re.compile(r"(?<![\d.,가-힣])(?P<n>\d{1,3}(?:,\d{3})+|\d+)\s*(?:가구|세대)"), 0.7,
     ("가구", "세대")),
    # "a group of five", "a family of four"
    (re.compile(r"\b(?:a\s+)?(?:group|family|party|total)\s+of\s+" + EN_NUM + r"\b",
                re.IGNORECASE), 0.9, Folded(("of",))),
    # "34 North Korean defectors", "five women", "two more escapees"
    (re.compile(r"(?<![\d.,$₩])\b" + EN_NUM + r"\s+(?:(?:more|other|young|elderly|"
                r"(?-i:[A-Z][a-z]+)|North\s+Korean|South\s+Korean|Chinese|female|male|"
                r"underage|former|political|Christian|detained|arrested)\s+){0,3}"
                + PEOPLE + r"\b", re.IGNORECASE), 0.95, LATIN),
]
AGE_AFTER = re.compile(r"^\s*(?:-?\s*years?[- ]old|세|살)")
AGE_BEFORE = re.compile(r"(?:aged|age)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class CountHit:
    start: int
    end: int
    text: str
    n: int
    confidence: float


def find_counts(text: str) -> list[CountHit]:
    hits: list[CountHit] = []
    taken: list[tuple[int, int]] = []
    latin, lower = LATIN_LETTER.search(text) is not None, text.lower()
    for pattern, confidence, needs in PATTERNS:
        if not present(needs, text, latin, lower):
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            n_start, n_end = match.span("n")
            if AGE_AFTER.match(text[n_end:n_end + 12]) or AGE_BEFORE.search(text[:n_start]):
                continue
            n = _number(match.group("n"))
            if n is None or n <= 0:
                continue
            taken.append((start, end))
            hits.append(CountHit(start, end, match.group(0), n, confidence))
    return sorted(hits, key=lambda h: h.start)


def _number(word: str) -> int | None:
    word = word.lower().replace(",", "")
    if word.isdigit():
        return int(word)
    return EN_NUMBERS.get(word) or KO_NUMBERS.get(word)
