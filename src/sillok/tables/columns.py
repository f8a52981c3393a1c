"""Which column holds what: a mapping guessed from Korean and English headers (and Uwazi's
property names), written out as an editable YAML file and read back.

Uwazi writes one column per template property and a language suffix for translated ones
(``title__ko``, ``title__en``); the suffix is kept apart and the rest of the name guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from sillok.errors import SillokError


class Said(NamedTuple):
    """A text said in Korean and in English, as every text a user sees."""

    ko: str
    en: str

    def both(self) -> str:
        return f"{self.ko} / {self.en}"

    def in_lang(self, lang: str | None) -> str:
        return self.ko if lang == "ko" else self.en


# What a column can be imported as (the officer's choices in the mapping file).
TARGETS: dict[str, Said] = {
    "person.name": Said("피해자 이름; 여러 이름·가명은 | 로 구분",
                        "victim's name; several names or aliases with |"),
    "person.sex": Said("피해자 성별 (여/남, female/male, …)",
                       "victim's sex (여/남, female/male, …)"),
    "person.birth_year": Said("피해자 출생연도 (1985, 1985년경)",
                              "victim's birth year (1985, 1985년경)"),
    "person.origin_place": Said("피해자 출신지 (지명 사전)",
                                "victim's place of origin (gazetteer)"),
    "event.title": Said("사건 제목", "title of the event"),
    "event.description": Said("설명 또는 비고", "description or notes"),
    "date": Said("사건과 그 침해 행위의 날짜 (2019-03, 2019년 3월경, 19년 봄)",
                 "date of the event and its acts (2019-03, 2019년 3월경, 19년 봄)"),
    "place": Said("사건 장소 (지명 사전); 여러 곳은 | 로 구분",
                  "place of the event (gazetteer); several with |"),
    "act.type": Said("침해 유형 (침해 유형 어휘); 여러 개는 | 로 구분",
                     "violation type (act type vocabulary); several with |"),
    "source": Said("행의 근거 자료 (증언, 보고서); 여러 개는 | 로 구분",
                   "the source the row rests on (testimony, report); several with |"),
    "geolocation": Said("좌표, 위도|경도 (Uwazi)", "coordinates as lat|lon (Uwazi)"),
    "event.key": Said("목록의 사건 번호: 번호가 같은 행은 한 사건",
                      "the event's number in the list: rows with the same number are one "
                      "event"),
    "person.key": Said("목록의 피해자 번호: 번호가 같은 행은 한 사람",
                       "the victim's number in the list: rows with the same number are one "
                       "person"),
    "ignore": Said("전혀 가져오지 않음 (예: 실명, 면담자의 메모)",
                   "not imported at all (e.g. a real name or an interviewer's note)"),
}

# Headers, compared without case, spaces, dots, hyphens and underscores.
GUESSES: dict[str, tuple[str, ...]] = {
    "person.name": ("이름", "성명", "피해자", "피해자명", "피해자이름", "피해자성명", "가명",
                    "name", "fullname", "victim", "victimname", "nameofvictim"),
    "person.sex": ("성별", "sex", "gender"),
    "person.birth_year": ("출생연도", "출생년도", "출생년", "생년", "출생", "생년월일",
                          "birthyear", "yearofbirth", "born", "dateofbirth"),
    "person.origin_place": ("출신지", "출신지역", "고향", "거주지", "origin", "placeoforigin",
                            "hometown"),
    "event.title": ("title", "제목", "사건", "사건명", "event", "eventtitle"),
    "event.description": ("내용", "설명", "비고", "사건내용", "개요", "description", "summary",
                          "details", "notes", "remarks"),
    "date": ("사건일", "사건일자", "날짜", "일자", "발생일", "발생일자", "시기", "발생시기",
             "date", "eventdate", "actdate", "dateofincident", "incidentdate", "when"),
    "place": ("장소", "지역", "발생장소", "발생지역", "사건장소", "place", "location", "region",
              "where", "placeofincident"),
    "act.type": ("유형", "위반유형", "인권침해유형", "침해유형", "피해유형", "violation",
                 "violationtype", "acttype", "typeofviolation", "type"),
    "source": ("출처", "자료", "자료출처", "source", "sources", "reference"),
    "geolocation": ("geolocation", "좌표", "위치좌표", "coordinates", "latlon"),
    "event.key": ("사건번호", "사건id", "eventid", "eventno", "caseid", "caseno", "casenumber"),
    "person.key": ("피해자번호", "피해자id", "personid", "victimid", "victimno"),
}
_LOOKUP = {name: target for target, names in GUESSES.items() for name in names}
_NOISE = re.compile(r"[\s._\-·/()]+")
_LANG = re.compile(r"^(?P<base>.+?)__(?P<lang>[a-z]{2})$")


def norm(header: str) -> str:
    return _NOISE.sub("", header).casefold()


def split_language(header: str) -> tuple[str, str | None]:
    """``title__ko`` → (``title``, ``ko``); a header without Uwazi's suffix has no language."""
    m = _LANG.match(header)
    return (m["base"], m["lang"]) if m else (header, None)


def guess(header: str) -> str:
    base, _lang = split_language(header)
    key = norm(base)
    if key in _LOOKUP:
        return _LOOKUP[key]
    if "geolocation" in key:  # Uwazi names a geolocation property e.g. geolocation_geolocation
        return "geolocation"
    return "ignore"


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str]  # header -> target, in the file's column order

    @classmethod
    def guessed(cls, headers: list[str]) -> Mapping:
        return cls({h: guess(h) for h in headers})

    def of(self, target: str) -> list[str]:
        return [h for h, t in self.columns.items() if t == target]


def write_mapping(mapping: Mapping, path: Path, table_name: str) -> None:
    lines = [
        f"# Sillok column mapping for {table_name} (proposed by `sillok import --dry-run`).",
        "# 열마다 가져올 곳을 고친 뒤 --mapping 으로 다시 실행하십시오.",
        "# Change the target of any column, then run: "
        f"sillok import {table_name} --mapping {path.name} --dry-run",
        "# Targets / 대상:",
        *(f"#   {t}: {what.both()}" for t, what in TARGETS.items()),
    ]
    write_yaml(path, lines, {"file": table_name, "columns": mapping.columns})


def write_yaml(path: Path, comments: list[str], doc: dict[str, Any]) -> None:
    """A mapping file: comment lines for the officer, then the mapping as YAML."""
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    try:
        path.write_text("\n".join(comments) + "\n" + body, encoding="utf-8")
    except OSError as exc:
        raise SillokError(f"cannot write {path}: {exc.strerror}") from None


def read_yaml(path: Path) -> Any:
    """A mapping file's YAML, or a one-line error saying why it cannot be read."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SillokError(f"{path}: no such mapping file") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SillokError(f"{path}: not a readable YAML mapping ({exc})") from None


def read_mapping(path: Path, headers: list[str]) -> Mapping:
    """The officer's mapping; every column of the table must be named once, with a known
    target (a column left out would otherwise be skipped without anyone deciding so)."""
    doc = read_yaml(path)
    columns = doc.get("columns") if isinstance(doc, dict) else None
    if not isinstance(columns, dict):
        raise SillokError(f"{path}: expected a 'columns:' mapping of header: target")
    problems = [f"'{h}': unknown target '{t}'" for h, t in columns.items()
                if t not in TARGETS]
    problems += [f"'{h}': no such column in the table" for h in columns
                 if str(h) not in headers]
    problems += [f"'{h}': column missing from the mapping" for h in headers
                 if h not in {str(k) for k in columns}]
    if problems:
        raise SillokError(f"{path}: " + "; ".join(problems))
    return Mapping({h: str(columns[h]) for h in headers})
