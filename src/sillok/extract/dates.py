"""Dates in Korean and English text, absolute and relative, resolved to a start and precision.

Relative forms (작년 3월, 지난해, last March, last year) are resolved against an anchor: the
source's publication date. Without an anchor they are not suggested, since a guess would be
worse than nothing. Durations (3년 동안, for five years) and ages are not dates.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = {m: i for i, m in enumerate(
    [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december"
], start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
# Month names must be capitalised: "this may be" is not a date.
MONTH = (r"(?-i:(?P<mon>" + "|".join(sorted((m.capitalize() for m in MONTHS), key=len,
                                            reverse=True)) + r"))\.?")
ORDINAL_Q = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
             "fourth": 4, "4th": 4, "last": 4}
KO_REL_YEAR = {"재작년": -2, "작년": -1, "지난해": -1, "지난 해": -1, "전년": -1, "올해": 0,
               "금년": 0, "올": 0, "이듬해": 1, "내년": 1}
KO_REL = "|".join(sorted(map(re.escape, KO_REL_YEAR), key=len, reverse=True))
# Seasons as Korean speakers use them (봄 = March to May, 겨울 = December to February).
SEASONS = {"봄": 3, "여름": 6, "가을": 9, "겨울": 12}

# What a pattern cannot match without: one of these strings in the text, or (LATIN) a letter
# that is a Latin one in some case (İ, ı, ſ and the Kelvin sign match i, s and k when case is
# ignored). A text is mostly in one language, so the other language's patterns are skipped
# after a plain search for a character or two instead of a regex pass each (see present).
LATIN = ("latin",)
LATIN_LETTER = re.compile(r"[A-Za-z\u0130\u0131\u017f\u212a]")
MONTH_START = tuple(m.capitalize() for m in MONTHS if len(m) == 3)  # every MONTH begins so
CENTURY = ("19", "20")


class Folded(tuple[str, ...]):
    """Words a pattern that ignores case needs, looked for in the lower-cased text. Only words
    without i, k or s: the regex engine also takes ı, İ, ſ and the Kelvin sign for those, and
    lower() maps some of them elsewhere; every other letter matches exactly when its lower
    case is the word's."""


QUARTER, Q, YEAR = Folded(("quarter",)), Folded(("q",)), Folded(("year",))


def present(needs: tuple[str, ...], text: str, latin: bool, lower: str) -> bool:
    """Whether ``text`` has what a pattern needs (``latin``: whether it has a Latin letter;
    ``lower``: the text lower-cased)."""
    if needs is LATIN:
        return latin
    return any(s in (lower if isinstance(needs, Folded) else text) for s in needs)


# Each pattern: (regex, kind, needs). Named groups y (year), yy (two-digit year), m, d, q, mon,
# rel.
PATTERNS: list[tuple[re.Pattern[str], str, tuple[str, ...]]] = [
    (re.compile(p, re.IGNORECASE), k, needs) for p, k, needs in [
    (r"(?P<y>(?:19|20)\d{2})\s*년\s*(?P<m>1[0-2]|0?[1-9])\s*월\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*일",
     "day", ("년",)),
    (r"(?P<y>(?:19|20)\d{2})\s*[.\-/]\s*(?P<m>1[0-2]|0?[1-9])\s*[.\-/]\s*"
     r"(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)\.?", "day", CENTURY),
    # 2019.3 and 2019. 3. as spreadsheets and Korean forms write a month
    (r"(?P<y>(?:19|20)\d{2})\s*\.\s*(?P<m>1[0-2]|0?[1-9])(?![\d.,]\d)(?!\d)\.?", "month",
     CENTURY),
    (r"(?P<y>(?:19|20)\d{2})\s*년\s*(?:제\s*)?(?P<q>[1-4])\s*(?:/\s*4\s*)?분기",
     "quarter", ("분기",)),
    (r"(?P<y>(?:19|20)\d{2})\s*년\s*(?P<m>1[0-2]|0?[1-9])\s*[~∼-]\s*(?P<m2>1[0-2]|0?[1-9])\s*월",
     "range", ("년",)),
    (r"(?P<y>(?:19|20)\d{2})\s*년\s*(?P<m>1[0-2]|0?[1-9])\s*월", "month", ("년",)),
    (r"(?:(?P<y>(?:19|20)\d{2})|(?<![\d.])(?P<yy>\d{2}))\s*년\s*(?P<season>봄|여름|가을|겨울)",
     "season", ("년",)),
    (r"(?<![\d.])(?P<yy>\d{2})\s*년\s*(?P<m>1[0-2]|0?[1-9])\s*월(?:\s*(?P<d>3[01]|[12]\d|0?[1-9])"
     r"\s*일)?", "yy", ("년",)),
    (r"(?P<rel>" + KO_REL + r")\s*(?:제\s*)?(?P<q>[1-4])\s*(?:/\s*4\s*)?분기",
     "rel_quarter", ("분기",)),
    (r"(?P<rel>" + KO_REL + r")\s*(?P<m>1[0-2]|0?[1-9])\s*월(?:\s*(?P<d>3[01]|[12]\d|0?[1-9])"
     r"\s*일)?", "rel_month", ("월",)),
    (r"(?P<y>(?:19|20)\d{2})\s*년(?!\s*(?:동안|간|째|만에|이상|이내|가량|정도))", "year", ("년",)),
    (r"(?<![가-힣])(?P<rel>재작년|작년|지난해|지난 해|올해|금년|이듬해|내년)(?![가-힣]*\s*동안)",
     "rel_year", ("년", "해")),
    (r"(?<![가-힣])(?P<relm>지난달|지난 달|이번 달|이달|다음 달|다음달)",
     "rel_month_only", ("달",)),
    # English
    (MONTH + r"\s+(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})", "day",
     MONTH_START),
    (r"(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\s+(?:of\s+)?" + MONTH
     + r",?\s+(?P<y>(?:19|20)\d{2})", "day", MONTH_START),
    (r"(?P<y>(?:19|20)\d{2})-(?P<m>1[0-2]|0[1-9])-(?P<d>3[01]|[12]\d|0[1-9])", "day", ("-",)),
    (r"(?:the\s+)?(?P<qw>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\s+of\s+"
     r"(?P<y>(?:19|20)\d{2})", "quarter", QUARTER),
    (r"\bQ(?P<q>[1-4])\s*(?P<y>(?:19|20)\d{2})\b", "quarter", Q),
    (r"\b(?P<y>(?:19|20)\d{2})\s*Q(?P<q>[1-4])\b", "quarter", Q),
    (r"(?:between\s+|from\s+)?" + MONTH + r"\s+(?:and|to|through|until|-|–)\s+"
     + MONTH.replace("mon>", "mon2>") + r",?\s+(?P<y>(?:19|20)\d{2})", "range", MONTH_START),
    (MONTH + r",?\s+(?:of\s+)?(?P<y>(?:19|20)\d{2})", "month", MONTH_START),
    (r"\b(?P<rel>last|this|next)\s+" + MONTH + r"(?![\w])", "rel_en_month", MONTH_START),
    (r"\b(?P<rel>last|this|next)\s+year\b", "rel_en_year", YEAR),
    # "in September" said in December: the September before (a month without its year)
    (r"\b(?:in|since|until|by|from)\s+" + MONTH + r"(?!\s*,?\s*\d)", "bare_month", MONTH_START),
    (r"(?<![\d,.$₩])\b(?P<y>(?:19[5-9]|20[0-3])\d)\b(?!\s*(?:people|persons|defectors|won|"
     r"dollars|yuan|km|kg|명|원|%))(?![\d,.]\d)", "year", CENTURY),
]]
PRECISION = {"day": "day", "month": "month", "quarter": "quarter", "year": "year"}


@dataclass(frozen=True)
class DateHit:
    start: int
    end: int
    text: str
    first_day: date
    precision: str  # day | month | quarter | year | season
    confidence: float
    last_day: date | None = None  # set where the span is not one precision unit (a season)


def find_dates(text: str, anchor: date | None) -> list[DateHit]:
    """Date expressions in ``text``; where two overlap, the earlier pattern (the more precise
    one) wins."""
    taken: list[tuple[int, int]] = []
    hits: list[DateHit] = []
    latin, lower = LATIN_LETTER.search(text) is not None, text.lower()
    for pattern, kind, needs in PATTERNS:
        if not present(needs, text, latin, lower):
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            resolved = _resolve(match, kind, anchor)
            if resolved is None:
                continue
            first, precision, confidence = resolved
            taken.append((start, end))
            hits.append(DateHit(start, end, match.group(0).rstrip(". "), first, precision,
                                confidence))
    hits = [DateHit(h.start, h.start + len(h.text), h.text, h.first_day, h.precision,
                    h.confidence, season_end(h.first_day) if h.precision == "season" else None)
            for h in hits]
    return sorted(hits, key=lambda h: h.start)


def _resolve(match: re.Match[str], kind: str,
             anchor: date | None) -> tuple[date, str, float] | None:
    g = match.groupdict()
    try:
        if kind == "range":
            return _range(g, int(g["y"] or 0))
        if kind in PRECISION:
            year = int(g["y"])
            if kind == "quarter":
                q = int(g["q"]) if g.get("q") else ORDINAL_Q[g["qw"].lower()]
                return date(year, 3 * q - 2, 1), "quarter", 0.95
            if kind == "year":
                # A bare four-digit number is a year more often than not, but not always.
                return date(year, 1, 1), "year", 0.9 if "년" in match.group(0) else 0.75
            month = _month(g)
            if kind == "month":
                return date(year, month, 1), "month", 0.95
            return date(year, month, int(g["d"])), "day", 0.97
        if kind == "season":
            return date(_year(g, anchor), SEASONS[g["season"]], 1), "season", 0.8
        if kind == "yy":
            year = _year(g, anchor)
            if g.get("d"):
                return date(year, int(g["m"]), int(g["d"])), "day", 0.85
            return date(year, int(g["m"]), 1), "month", 0.85
        if anchor is None:
            return None
        if kind == "rel_month_only":
            step = {"지난달": -1, "지난 달": -1, "이번 달": 0, "이달": 0, "다음 달": 1,
                    "다음달": 1}[g["relm"] or ""]
            months = anchor.year * 12 + anchor.month - 1 + step
            return date(months // 12, months % 12 + 1, 1), "month", 0.85
        if kind == "bare_month":
            month = _month(g)
            year = anchor.year if month <= anchor.month else anchor.year - 1
            return date(year, month, 1), "month", 0.7
        if kind.startswith("rel_en"):
            offset = {"last": -1, "this": 0, "next": 1}[g["rel"].lower()]
            if kind == "rel_en_year":
                return date(anchor.year + offset, 1, 1), "year", 0.85
            month = _month(g)
            year = anchor.year + offset if offset else anchor.year
            if offset == -1 and month < anchor.month:
                year = anchor.year  # "last March" said in May is this year's March
            return date(year, month, 1), "month", 0.8
        year = anchor.year + KO_REL_YEAR[g["rel"]]
        if kind == "rel_year":
            return date(year, 1, 1), "year", 0.85
        if kind == "rel_quarter":
            return date(year, 3 * int(g["q"]) - 2, 1), "quarter", 0.9
        if g.get("d"):
            return date(year, int(g["m"]), int(g["d"])), "day", 0.9
        return date(year, int(g["m"]), 1), "month", 0.9
    except (ValueError, KeyError):
        return None


def _year(g: dict[str, str | None], anchor: date | None) -> int:
    """The year of a match: four digits, or two (19년) read as the nearest century."""
    if g.get("y"):
        return int(g["y"] or 0)
    yy = int(g["yy"] or 0)
    pivot = (anchor or date.today()).year % 100
    return 2000 + yy if yy <= pivot + 1 else 1900 + yy


def season_end(first: date) -> date:
    """The last day of the three-month season that starts on ``first``."""
    months = first.year * 12 + first.month - 1 + 2
    year, month = months // 12, months % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def date_text(first: date, precision: str, last: date | None = None) -> str:
    """A found date in the archive's date syntax (archive/dates.py): 2019, 2019-Q1, 2019-03,
    2019-03-05, and a season as the estimated range of its months (~2019-03/2019-05)."""
    if precision == "year":
        return str(first.year)
    if precision == "quarter":
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    if precision == "month":
        return f"{first.year}-{first.month:02d}"
    if precision == "season":
        end = last or season_end(first)
        return f"~{first.year}-{first.month:02d}/{end.year}-{end.month:02d}"
    return first.isoformat()


def _range(g: dict[str, str | None], year: int) -> tuple[date, str, float] | None:
    """January to March 2023 is the first quarter; other spans are kept at their first month."""
    first = _month(g)
    m2 = g.get("m2")
    last = int(m2) if m2 else MONTHS[(g.get("mon2") or "").lower().rstrip(".")]
    if last < first:
        return None
    if first % 3 == 1 and last == first + 2:
        return date(year, first, 1), "quarter", 0.9
    return date(year, first, 1), "month", 0.8


def _month(g: dict[str, str | None]) -> int:
    if g.get("m"):
        return int(g["m"] or 0)
    return MONTHS[(g.get("mon") or "").lower().rstrip(".")]
