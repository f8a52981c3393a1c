"""Person names: Korean through Kiwi's proper-noun tags and name patterns, romanized Korean
names, and capitalised English names after a title.

A Korean proper noun is proposed when it looks like a name (a common surname and one or two
more syllables) and is not a place or term the lexicon knows; a following 씨, a title or an age
in brackets raises the confidence. Names are proposals for a person to review, never facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sillok.language.analyzer import kiwi, normalise, tokens_ahead

SURNAMES_KO = set(
    "김이리박최정강조윤장림임한오서신권황안송류유전홍고문량양손배백허남심로노하곽성차주우구라나민"
    "진지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용"
)
TITLES_KO = ("씨", "氏", "여사", "선생", "위원장", "총비서", "국무위원장", "부부장", "동무", "군",
             "양", "목사", "교수", "대표", "기자", "의원", "장관", "대사", "동지", "할머니",
             "할아버지", "아주머니", "아저씨", "반장", "보위원", "보안원", "지도원", "소대장",
             "중대장", "교원")
SURNAMES_TWO = {"남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방"}
# Who a name follows in testimony ("어머니 정옥순은", "증언자 김영철은"): the name is a person's.
KIN_KO = ("어머니", "아버지", "엄마", "아빠", "남편", "아내", "부인", "딸", "아들", "오빠",
          "언니", "누나", "형", "동생", "남동생", "여동생", "할머니", "할아버지", "삼촌", "이모",
          "고모", "친구", "증언자", "피해자", "목격자", "탈북민", "주민", "이웃", "동료", "씨족")
PARTICLE_AFTER = re.compile(r"(?:은|는|이|가|을|를|의|와|과|에게|한테|께서|도|만|씨|\(|,|\s)")
NAME_KO = re.compile(r"(?<![가-힣])(?P<name>[가-힣]{2,4}?)(?=\s*(?:\(\d{1,3}(?:세|살)?[,)·]|"
                     + "|".join(TITLES_KO) + r"))")
SURNAMES_LATIN = (
    [
    "Kim", "Gim", "Lee", "Yi", "Rhee", "Ri", "Rhie", "Park", "Pak", "Bak", "Choi", "Choe",
    "Choy", "Jung", "Jeong", "Chung", "Chong", "Kang", "Cho", "Jo", "Yoon", "Yun", "Jang",
    "Chang", "Lim", "Im", "Rim", "Han", "Oh", "O", "Seo", "Suh", "Shin", "Sin", "Kwon",
    "Hwang", "Ahn", "An", "Song", "Ryu", "Yoo", "Yu", "Jeon", "Jun", "Chon", "Hong", "Ko",
    "Koh", "Go", "Moon", "Mun", "Ryang", "Yang", "Son", "Sohn", "Bae", "Pae", "Baek", "Paek",
    "Heo", "Hur", "Nam", "Sim", "Shim", "Ro", "Roh", "No", "Noh", "Ha", "Kwak", "Sung",
    "Seong", "Cha", "Ju", "Joo", "Woo", "U", "Ku", "Koo", "Ra", "Na", "Min", "Jin", "Chin",
    "Ji", "Chi", "Um", "Eom", "Chae", "Won", "Cheon", "Chun", "Bang", "Pang", "Gong", "Kong",
    "Hyun", "Hyon", "Ham", "Byun", "Pyon", "Yeom", "Yom", "Yeo", "Choo", "Chu", "Do", "To",
    "Ma", "Gil", "Kil", "Yeon", "Yon", "Wi", "Pyo", "Myung", "Ki", "Ban", "Pan", "Wang",
    "Kum", "Keum", "Ok", "Yuk", "In", "Je", "Mo", "Tak", "Kook", "Guk", "Eo", "Eun", "Pyeon"
])
# Surnames that are also English words would make "In Manpo" or "So Far" a name; they still
# count after a title or in Hangul, just not in this pattern.
SURNAMES_LATIN = [s for s in SURNAMES_LATIN if s not in {"In", "An", "So", "No", "Do", "To",
                                                         "O", "U", "Ok", "Go", "Um", "Ha"}]
SYLLABLE = r"[A-Z][a-zŏŭ]+(?:[-'’][a-zŏŭ]+)?"
NAME_LATIN = re.compile(r"\b(?P<name>(?:" + "|".join(SURNAMES_LATIN) + r")(?:\s+" + SYLLABLE
                        + r"){1,2})\b")
# Given name first, as Koreans abroad often write it: Hanna Song, Joseph Kim.
GIVEN_FIRST = re.compile(r"\b(?P<name>(?-i:[A-Z][a-z]{2,})\s+(?:" + "|".join(SURNAMES_LATIN)
                         + r"))\b(?!\s+[A-Z])")
NOT_GIVEN = {"The", "This", "That", "These", "Those", "When", "While", "After", "Before",
             "Earlier", "Later", "In", "On", "At", "For", "From", "With", "And", "But", "North",
             "South", "East", "West", "Central", "Upper", "Lower", "New", "Old", "Mount",
             "President", "Chairman", "General", "Leader", "Comrade", "Minister", "Said",
             "According", "Seoul", "Pyongyang", "Korean", "Chinese", "Ministry", "Party",
             "January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December", "Monday", "Tuesday", "Wednesday",
             "Thursday", "Friday", "Saturday", "Sunday", "Ms", "Mr", "Mrs", "Dr"}
# Proper nouns Kiwi tags that begin with a surname syllable but are not people.
NOT_PERSON_KO = {"유엔", "한국", "조선", "정부", "통일", "중국", "미국", "일본", "노동", "로동",
                 "인민", "국제", "안보", "유럽", "신의주", "정치", "이북", "남한", "북한"}
HANGUL_SYLLABLE = re.compile(r"[가-힣]")
CAPITAL = re.compile(r"[A-Z]")
TITLED_EN = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Rev|Pastor|Father|Sister)\.?\s+"
                       r"(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})")
STOP_LATIN = {"Korea", "Korean", "Koreans", "Province", "County", "City", "Camp", "Party",
              "River", "University", "Ministry", "Agency", "Center", "Centre", "Institute"}


@dataclass(frozen=True)
class NameHit:
    start: int
    end: int
    text: str
    confidence: float


def _kiwi() -> Any:
    return kiwi()


_prepared: dict[str, list[Any]] = {}


def prepare(texts: list[str]) -> None:
    """Analyse the Korean texts of a batch in one parallel Kiwi call, ahead of find_persons;
    the search index reuses the same analysis when the batch is committed."""
    _prepared.clear()
    for text, tokens in zip(texts, tokens_ahead(texts), strict=True):
        # Offsets are into the normalised text: usable when normalising kept every length.
        if tokens is not None and len(normalise(text)) == len(text):
            _prepared[text] = tokens


def name_candidates(text: str) -> list[NameHit]:
    """Names found by their patterns alone (surname and title, romanized surname, given name
    first, English title), before the lexicon's filter: needs neither Kiwi nor the archive,
    so the parsing worker finds them beside the database writes."""
    out: list[NameHit] = []
    if HANGUL_SYLLABLE.search(text):  # NAME_KO needs one, and a text in English has none
        for match in NAME_KO.finditer(text):
            if match.group("name")[0] in SURNAMES_KO:
                out.append(_hit(text, *match.span("name"), 0.85))
    if not CAPITAL.search(text):  # the other patterns each need a capital Latin letter
        return out
    for match in NAME_LATIN.finditer(text):
        out.append(_hit(text, *match.span("name"), 0.8))
    for match in GIVEN_FIRST.finditer(text):
        if match.group("name").split()[0] not in NOT_GIVEN:
            out.append(_hit(text, *match.span("name"), 0.7))
    for match in TITLED_EN.finditer(text):
        out.append(_hit(text, *match.span("name"), 0.8))
    return out


def _hit(text: str, start: int, end: int, confidence: float) -> NameHit:
    return NameHit(start, end, text[start:end], confidence)


def proper_nouns(text: str, tokens: list[Any] | None = None) -> list[tuple[int, int]]:
    """Spans of the Korean proper nouns Kiwi finds in ``text`` that look like a person's name
    (a common surname, two to four syllables), before the lexicon's filter. ``tokens``: Kiwi's
    tokens of the text (or of its normalised form, when that has the same length) if at hand.
    Needs no archive, so the parsing worker works them out beside the database writes."""
    spans: list[tuple[int, int]] = []
    if not re.search(r"[가-힣]", text):
        return spans
    listed = list(tokens if tokens is not None else _kiwi().tokenize(text))
    for i, token in enumerate(listed):
        form = token.form
        if (token.tag != "NNP" or form[0] not in SURNAMES_KO or not re.fullmatch(r"[가-힣]+", form)
                or text[token.start:token.start + len(form)] != form):
            continue
        if 2 <= len(form) <= 3 or (len(form) == 4 and form[:2] in SURNAMES_TWO):
            spans.append((token.start, token.start + len(form)))
        # Kiwi cuts a name it does not know after its first syllables (박순/NNP 희/NNG가):
        # a surname-led proper noun and the syllable right after it, before a particle, are
        # one name of three syllables.
        # (최/NNP 성/NNG 민/NNG이 too).
        end, j = token.start + len(form), i + 1
        while len(form) <= 2 and j < len(listed) and end - token.start < 3:
            nxt = listed[j]
            if nxt.start != end or nxt.tag not in ("NNG", "NNP", "NR", "NNB"):
                break
            end, j = nxt.start + len(nxt.form), j + 1
        if (len(form) <= 2 and end - token.start == 3 and re.fullmatch(
                r"[가-힣]{3}", text[token.start:end])
                and PARTICLE_AFTER.match(text[end:end + 2] or " ")):
            spans.append((token.start, end))
    return spans


def proper_confidence(text: str, start: int, end: int) -> float:
    """How much a proper noun of a name's shape looks like a person's name: three syllables
    (the usual Korean name) more than two, more again after a kinship word or before a
    particle (a name in a sentence, not a place or a brand in a compound)."""
    kin = text[max(0, start - 6):start].rstrip().endswith(KIN_KO)
    particle = PARTICLE_AFTER.match(text[end:end + 2] or " ") is not None
    attached = end < len(text) and not text[end].isspace()
    if end - start == 2 and not kin and not (particle and attached):
        return 0.0  # two syllables alone are a name only with something that says so
    confidence = 0.6 if end - start == 3 else 0.5
    if kin:
        confidence += 0.25
    if particle:
        confidence += 0.1
    return round(min(confidence, 0.9), 2)


def find_persons(text: str, known: set[str], candidates: list[NameHit] | None = None,
                 proper: list[tuple[int, int]] | None = None) -> list[NameHit]:
    """Names in ``text``; ``known`` holds lower-cased lexicon aliases (places, terms) that a
    proper noun must not be. ``candidates``: ``name_candidates(text)`` if already found;
    ``proper``: ``proper_nouns(text)`` if already found."""
    hits: dict[tuple[int, int], NameHit] = {}

    def add(start: int, end: int, confidence: float) -> None:
        name = text[start:end]
        words = name.split()
        if (name.lower() in known or name in NOT_PERSON_KO
                or any(w in STOP_LATIN or w.lower() in known for w in words)
                # a place or term with a particle on it (강계의, 북한이) is not a name
                or (name[-1:] in "의이가은는을를에도" and name[:-1].lower() in known)):
            return
        # The higher confidence wins a span, so the order of the finders does not matter.
        old = hits.get((start, end))
        if old is None or old.confidence < confidence:
            hits[(start, end)] = NameHit(start, end, name, confidence)

    for hit in candidates if candidates is not None else name_candidates(text):
        add(hit.start, hit.end, hit.confidence)
    if proper is None:
        proper = proper_nouns(text, _prepared.pop(text, None))
    for start, end in proper:
        confidence = proper_confidence(text, start, end)
        if confidence:
            add(start, end, confidence)
    return _without_overlaps(sorted(hits.values(), key=lambda h: (h.start, -h.end)))


def _without_overlaps(hits: list[NameHit]) -> list[NameHit]:
    kept: list[NameHit] = []
    for hit in hits:
        clash = [k for k in kept if hit.start < k.end and k.start < hit.end]
        if not clash:
            kept.append(hit)
        elif all(hit.confidence > k.confidence for k in clash):
            kept = [k for k in kept if k not in clash] + [hit]
    return sorted(kept, key=lambda h: h.start)
