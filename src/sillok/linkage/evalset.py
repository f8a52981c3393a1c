"""A fictional evaluation set for person linkage, generated reproducibly from a seed.

**Every person here is invented.** Each true person (a *cluster*) is written down one to four
times, the way documentation centres meet the same person: in Hangul (South or North spelling:
이/리), in Revised Romanization, in McCune–Reischauer without its marks, in passport and
newspaper spellings (Lee, Park, Young-hee), surname first, last or in capitals, with or
without spaces and hyphens; with typing errors, with the birth year exact, one off or
estimated, with fields missing, with the place of origin as a county or only its province.
Families are the hard negatives: brothers and sisters share surname, home county, birth
decade, often the generation syllable of the given name (영호, 영철), and the events and
testimonies that name them together.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sillok.errors import Invalid
from sillok.linkage.gazetteer import Gazetteer
from sillok.linkage.records import LinkRecord
from sillok.security.spellings import FINAL, INITIAL, MEDIAL

# Surnames with their share of the population and their usual Latin spellings (weights).
SURNAMES: list[tuple[str, float, dict[str, float]]] = [
    ("김", 21.5, {"Kim": 9, "Gim": 1}), ("이", 14.7, {"Lee": 6, "Yi": 1.5, "Rhee": 0.5, "Ri": 2}),
    ("박", 8.4, {"Park": 6, "Pak": 3, "Bak": 1}), ("최", 4.7, {"Choi": 7, "Choe": 3}),
    ("정", 4.3, {"Jung": 4, "Jeong": 3, "Chung": 2, "Chong": 1}),
    ("강", 2.3, {"Kang": 9, "Gang": 1}), ("조", 2.1, {"Cho": 8, "Jo": 2}),
    ("윤", 2.1, {"Yoon": 5, "Yun": 5}), ("장", 2.0, {"Jang": 6, "Chang": 4}),
    ("임", 1.7, {"Lim": 5, "Im": 3, "Rim": 2}), ("한", 1.5, {"Han": 1}),
    ("오", 1.5, {"Oh": 7, "O": 3}), ("서", 1.5, {"Seo": 6, "Suh": 3, "So": 1}),
    ("신", 1.5, {"Shin": 7, "Sin": 3}), ("권", 1.4, {"Kwon": 8, "Gwon": 2}),
    ("황", 1.4, {"Hwang": 1}), ("안", 1.4, {"Ahn": 6, "An": 4}), ("송", 1.4, {"Song": 1}),
    ("전", 1.3, {"Jeon": 5, "Chon": 3, "Jun": 2}), ("홍", 1.1, {"Hong": 1}),
    ("유", 1.1, {"Yoo": 4, "Yu": 4, "Ryu": 2}), ("고", 0.9, {"Ko": 7, "Go": 3}),
    ("문", 0.9, {"Moon": 6, "Mun": 4}), ("양", 0.9, {"Yang": 1}), ("손", 0.9, {"Son": 1}),
    ("배", 0.8, {"Bae": 7, "Pae": 3}), ("백", 0.8, {"Baek": 6, "Paek": 4}),
    ("허", 0.7, {"Heo": 5, "Hur": 3, "Ho": 2}), ("노", 0.5, {"Noh": 4, "Roh": 3, "No": 3}),
    ("남", 0.5, {"Nam": 1}), ("하", 0.4, {"Ha": 1}), ("주", 0.4, {"Joo": 5, "Ju": 3, "Chu": 2}),
]
NORTH_HANGUL = {"이": "리", "임": "림", "유": "류", "노": "로", "양": "량"}


def _words(text: str) -> list[str]:
    return text.split()


# Syllables of given names, as common among North Koreans born 1940–2010 (fictional choice).
MALE = _words(
    "철 수 영 호 성 민 준 진 광 남 명 일 혁 석 용 동 현 국 정 훈 기 원 상 학 길 봉 만 근 식 범 "
    "룡 태 규 덕 환 춘 웅 삼 송 복 택 윤 창 권 근 형 재 충 표 혁 세 평 산 건 우 익")
FEMALE = _words(
    "영 희 순 옥 미 숙 정 화 자 금 향 경 선 련 은 혜 주 애 실 월 분 란 심 녀 단 설 임 "
    "진 아 연 옥 명 현 리 송 매 춘 봉 복 유 나 인 례 하 수 지 림 향 량 덕 님")
# Vowels and finals that are easily mistyped or misheard for one another.
VOWEL_SLIPS = {4: 6, 6: 4, 1: 5, 5: 1, 8: 13, 13: 8, 20: 19, 19: 20, 18: 13}
FINAL_SLIPS = {21: 4, 4: 21, 8: 0, 0: 4}

STYLES = {"rr": 0.3, "mr": 0.2, "everyday": 0.35, "dprk": 0.15}


@dataclass(frozen=True)
class Variant:
    """How a generated set writes its persons down. ``held-out`` is a second generator for
    an evaluation nobody tunes on (bench/README.md): another mix of romanization styles,
    more typing errors, more records per person and fewer fields filled in."""

    styles: dict[str, float]
    typo: float = 0.1
    copies: tuple[int, int, int, int] = (40, 32, 18, 10)
    missing: float = 0.3


VARIANTS = {
    "tuning": Variant(STYLES),
    "held-out": Variant({"rr": 0.2, "mr": 0.25, "everyday": 0.3, "dprk": 0.25}, typo=0.14,
                        copies=(30, 35, 22, 13), missing=0.35),
}


def _syllable(ch: str) -> tuple[int, int, int]:
    code = ord(ch) - 0xAC00
    initial, rest = divmod(code, 588)
    return initial, rest // 28, rest % 28


def _compose(initial: int, medial: int, final: int) -> str:
    return chr(0xAC00 + initial * 588 + medial * 28 + final)


def romanize_syllable(ch: str, style: str, rng: random.Random, first: bool) -> str:
    """One syllable in one romanization style, from the name matcher's spelling tables."""
    initial, medial, final = _syllable(ch)
    if style == "rr":
        picks = (INITIAL[initial][0], MEDIAL[medial][0], FINAL[final][0])
    elif style in ("mr", "dprk"):
        # McCune–Reischauer without its marks: k, t, p, ch for ㄱ ㄷ ㅂ ㅈ; o, u for ㅓ ㅡ.
        i_opts, m_opts = INITIAL[initial], MEDIAL[medial]
        head = i_opts[1] if initial in (0, 3, 7, 12) and len(i_opts) > 1 and first else i_opts[0]
        if initial in (0, 3, 7, 12) and not first:
            head = i_opts[0]
        if style == "dprk" and initial in (0, 3, 7, 12):
            head = {0: "k", 3: "t", 7: "p", 12: "j"}[initial] if first else i_opts[0]
        vowel = m_opts[1] if medial in (4, 6, 18) and len(m_opts) > 1 else m_opts[0]
        picks = (head, vowel, FINAL[final][0])
    else:
        # Passport and newspaper habits: mostly the first spelling, sometimes another (Young,
        # Soo, Chul), never a vowel lengthened with an h, which people write only in surnames.
        vowels = [v for v in MEDIAL[medial][:3] if not v.endswith("h")]
        picks = (INITIAL[initial][0] if rng.random() < 0.85 else rng.choice(INITIAL[initial][:2]),
                 vowels[0] if rng.random() < 0.6 else rng.choice(vowels), FINAL[final][0])
    return "".join(picks)


def _weighted(rng: random.Random, options: dict[str, float]) -> str:
    keys = list(options)
    return rng.choices(keys, weights=[options[k] for k in keys])[0]


def romanize(surname: str, given: str, spellings: dict[str, float], style: str,
             rng: random.Random) -> str:
    """A romanized full name, in one of the layouts lists and reports use."""
    sur = _weighted(rng, spellings)
    if style == "dprk" and "Ri" in spellings:
        sur = "Ri"
    parts = [romanize_syllable(c, style, rng, i == 0) for i, c in enumerate(given)]
    layout = rng.random()
    if style == "dprk" or layout < 0.3:
        given_text = " ".join(p.capitalize() for p in parts)
    elif layout < 0.75:
        given_text = "-".join(parts).capitalize()
    else:
        given_text = "".join(parts).capitalize()
    order = rng.random()
    if order < 0.15:
        return f"{given_text} {sur}"
    if order < 0.3:
        return f"{sur.upper()} {given_text}"
    if order < 0.35:
        return f"{sur}, {given_text}"
    return f"{sur} {given_text}"


def latin_typo(name: str, rng: random.Random) -> str:
    """One slip of the keyboard in the given name: a letter dropped, doubled, changed or two
    swapped."""
    positions = [i for i, c in enumerate(name) if c.isalpha()][3:]
    if not positions:
        return name
    i = rng.choice(positions)
    kind = rng.randrange(4)
    if kind == 0:
        return name[:i] + name[i + 1:]
    if kind == 1:
        return name[:i] + name[i] + name[i:]
    if kind == 2:
        return name[:i] + rng.choice("aeiouknrs") + name[i + 1:]
    if i + 1 < len(name) and name[i + 1].isalpha():
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    return name


def hangul_typo(given: str, rng: random.Random) -> str:
    """One misheard syllable of the given name: a near vowel or final (희 → 히, 영 → 연)."""
    i = rng.randrange(len(given))
    initial, medial, final = _syllable(given[i])
    if rng.random() < 0.6 and medial in VOWEL_SLIPS:
        medial = VOWEL_SLIPS[medial]
    elif final in FINAL_SLIPS:
        final = FINAL_SLIPS[final]
    else:
        medial = VOWEL_SLIPS.get(medial, medial)
    return given[:i] + _compose(initial, medial, final) + given[i + 1:]


class _Person:
    def __init__(self, surname: str, spellings: dict[str, float], given: str, sex: str,
                 birth_year: int, origin: str, events: list[int]) -> None:
        self.surname, self.spellings, self.given = surname, spellings, given
        self.sex, self.birth_year, self.origin, self.events = sex, birth_year, origin, events


def _given_name(rng: random.Random, sex: str, generation: str | None) -> str:
    pool = MALE if sex == "M" else FEMALE
    first = generation or rng.choice(pool)
    second = rng.choice([s for s in pool if s != first])
    if rng.random() < 0.5 and generation:
        return second + first if rng.random() < 0.2 else first + second
    return first + second


def generate(seed: int, persons: int = 2000, variant: str = "tuning") -> list[LinkRecord]:
    """About ``persons`` true persons in families, written down as 1–4 records each, in the
    way of ``variant`` (``VARIANTS``)."""
    if variant not in VARIANTS:
        raise Invalid({"variant": f"one of {', '.join(VARIANTS)}"})
    how = VARIANTS[variant]
    rng = random.Random(seed)  # noqa: S311 (a reproducible test set, not a secret)
    places = Gazetteer.shipped().origin_places()
    surname_weights = [w for _, w, _ in SURNAMES]
    people: list[_Person] = []
    event_counter = 0
    while len(people) < persons:
        surname, _, spellings = rng.choices(SURNAMES, weights=surname_weights)[0]
        origin = rng.choice(places)
        decade = rng.randrange(1940, 2010, 10)
        size = rng.choices([1, 2, 3, 4], weights=[45, 25, 18, 12])[0]
        family_events = list(range(event_counter, event_counter + rng.randint(1, 3)))
        event_counter += len(family_events)
        generation = {"M": rng.choice(MALE), "F": rng.choice(FEMALE)}
        taken: set[str] = set()  # brothers and sisters never share a given name
        for _ in range(size):
            sex = rng.choice("MF")
            shared = generation[sex] if rng.random() < 0.6 else None
            given = _given_name(rng, sex, shared)
            while given in taken:
                given = _given_name(rng, sex, shared)
            taken.add(given)
            own = list(range(event_counter, event_counter + rng.randint(0, 2)))
            event_counter += len(own)
            events = [e for e in family_events if rng.random() < 0.6] + own
            people.append(_Person(surname, spellings, given, sex,
                                  decade + rng.randrange(10), origin, events))
    records: list[LinkRecord] = []
    source_counter = 0
    for number, person in enumerate(people[:persons]):
        copies = rng.choices([1, 2, 3, 4], weights=list(how.copies))[0]
        sources: list[int] = []
        for _ in range(copies):
            if sources and rng.random() < 0.1:
                source = rng.choice(sources)
            else:
                source = source_counter
                source_counter += 1
            sources.append(source)
            records.append(_record(rng, len(records) + 1, f"p{number}", person, source, how))
    rng.shuffle(records)
    return records


def _record(rng: random.Random, ident: int, cluster: str, p: _Person, source: int,
            how: Variant) -> LinkRecord:
    style = _weighted(rng, how.styles)
    given = p.given
    if rng.random() < 0.02 and len(given) == 2:
        given = given[::-1]  # syllables written the wrong way round
    hangul_surname = NORTH_HANGUL.get(p.surname, p.surname) if style == "dprk" else p.surname
    forms = rng.choices(["hangul", "latin", "both"], weights=[35, 35, 30])[0]
    names: list[str] = []
    typo = rng.random() < how.typo
    if forms in ("hangul", "both"):
        written = hangul_typo(given, rng) if typo and forms == "hangul" else given
        spaced = " " if rng.random() < 0.1 else ""
        names.append(hangul_surname + spaced + written)
    if forms in ("latin", "both"):
        latin = romanize(p.surname, given, p.spellings, style, rng)
        names.append(latin_typo(latin, rng) if typo else latin)
    birth_year: int | None = p.birth_year
    estimate = False
    roll = rng.random()
    if roll < how.missing:
        birth_year = None
    elif roll < how.missing + 0.12:
        birth_year = p.birth_year + rng.choice((-1, 1))
    elif roll < how.missing + 0.22:
        birth_year, estimate = 5 * round(p.birth_year / 5), True
    origin: str | None = p.origin
    roll = rng.random()
    if roll < how.missing:
        origin = None
    elif roll < how.missing + 0.2:
        origin = Gazetteer.shipped().province_of(p.origin)
    events = sorted(e for e in p.events if rng.random() < 0.5)
    return LinkRecord(ident, names, p.sex if rng.random() > how.missing else None, birth_year,
                      estimate,
                      origin, events, [source], cluster)


def write(records: Iterable[LinkRecord], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"note": "Fictional persons, generated for evaluating linkage; "
                              "any likeness to real people is chance. 가상 인물입니다."},
                             ensure_ascii=False) + "\n")
        for rec in records:
            row: dict[str, Any] = asdict(rec)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def read(path: Path) -> list[LinkRecord]:
    """Records of an evaluation file (JSON lines; a line with only a ``note`` is skipped)."""
    records = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise Invalid({"file": f"cannot read {path}: {exc.strerror}"}) from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if set(row) == {"note"}:
                continue
            records.append(LinkRecord(
                int(row["id"]), [str(n) for n in row.get("names", [])], row.get("sex"),
                row.get("birth_year"), bool(row.get("birth_year_estimate")), row.get("origin"),
                [int(e) for e in row.get("events", [])],
                [int(s) for s in row.get("sources", [])], str(row["cluster"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise Invalid({f"line {number}": f"not an evaluation record ({exc})"}) from None
    if not records:
        raise Invalid({"file": f"{path} holds no records"})
    return records
