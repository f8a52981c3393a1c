"""The lines of an import's dry-run report (tables/dry_run.py) as a code and its values, in
English and Korean.

A ``Note`` is a :class:`~sillok.errors.Said` (a ``str`` whose value is its English text, so the
CLI and the JSON report print what they printed before) made from a code and its values; a door
that knows its reader's language renders ``text(note, lang)`` (the workspace does). A value of
a note may be a note itself (the reason a cell was not read), rendered in the same language.
"""

from __future__ import annotations

from typing import Any, cast

from sillok.errors import Said, in_language

# code -> (English, Korean); {names} are the note's values.
TEXTS: dict[str, tuple[str, str]] = {
    # a value and what it became
    "mapped": ("{what}: {value} → {to}", "{what}: {value} → {to}"),
    "mapped_to": ("{what}: → {to}", "{what}: → {to}"),
    "mapped_date": ("{what}: {value} → {to} ({precision})",
                    "{what}: {value} → {to} ({precision})"),
    "mapped_date_estimate": ("{what}: {value} → {to} ({precision}, estimate)",
                             "{what}: {value} → {to} ({precision}, 추정)"),
    "mapped_point": ("{what}: {value} → {lat}, {lon} (in the description)",
                     "{what}: {value} → {lat}, {lon} (설명에 기록)"),
    "point": ("{what}: {lat}, {lon} (in the description)", "{what}: {lat}, {lon} (설명에 기록)"),
    "same_event": ("same event as an earlier row: {key}", "앞 행과 같은 사건: {key}"),
    "same_person": ("same person as an earlier row: {names}", "앞 행과 같은 사람: {names}"),
    "same_source": ("{what}: {value} → the source of an earlier row",
                    "{what}: {value} → 앞 행의 자료"),
    "unpublished": ("unpublished in Uwazi → {level}", "Uwazi에서 비공개 → {level}"),
    "same_entity": ("{what}: {value} → the {kind} of entity {other}",
                    "{what}: {value} → 엔티티 {other}의 {kind}"),
    "relation_mapped": ("{what}: {value} → relation {kind} (the person of entity {other})",
                        "{what}: {value} → 관계 {kind} (엔티티 {other}의 인물)"),
    "same_relation": ("{what}: {value} → the same relation as entity {other} gives",
                      "{what}: {value} → 엔티티 {other}이(가) 주는 것과 같은 관계"),
    # what an item creates
    "creates_event": ("event '{title}'", "사건 '{title}'"),
    "creates_act": ("act {code}", "행위 {code}"),
    "creates_person": ("person {names}", "인물 {names}"),
    "creates_source": ("source '{title}' ({kind})", "자료 '{title}' ({kind})"),
    "creates_original": ("original {name}", "원본 파일 {name}"),
    "creates_file_source": ("source for the file {name}", "파일 {name}의 자료"),
    "creates_relation": ("relation: {value} is {said} this person",
                         "관계: {value}은(는) {said}"),
    # kept for review
    "not_in_vocabulary": ("{what}: '{value}' is not in the {vocabulary} vocabulary (kept in "
                          "the {kept})", "{what}: '{value}'은(는) {vocabulary} 어휘에 없음 "
                          "({kept}에 기록)"),
    "kept": ("{what}: {why} (kept in the {kept})", "{what}: {why} ({kept}에 기록)"),
    "second_date": ("{what}: a second date {date} (kept in the description)",
                    "{what}: 두 번째 날짜 {date} (설명에 기록)"),
    "acts_without_victim": ("acts not created without a victim: {types}",
                            "피해자가 없어 행위를 만들지 않음: {types}"),
    "victims_without_type": ("victims named without a violation type: no act made (the "
                             "relationship is kept in the description)", "위반 유형 없이 "
                             "피해자만 있음: 행위를 만들지 않음 (관계는 설명에 기록)"),
    "person_without_name": ("person details without a name: not imported as a person (kept "
                            "in the origin record)", "이름 없는 사람 정보: 사람으로 가져오지 "
                            "않음 (출처 기록에 남음)"),
    "not_a_source_kind": ("{what}: '{value}' is not a source kind (other)",
                          "{what}: '{value}'은(는) 자료 종류가 아님 (기타)"),
    "file_not_fetched": ("file not fetched: {why}", "파일을 가져오지 못함: {why}"),
    "over_limit": ("{name}: larger than the limit of {limit} MB (SILLOK_MAX_FILE_MB)",
                   "{name}: 한도 {limit} MB보다 큼 (SILLOK_MAX_FILE_MB)"),
    "not_fetched": ("{title}: {why}", "{title}: {why}"),
    "not_imported_as": ("{what}: '{value}' is not imported as a {kind} (kept in the "
                        "description)", "{what}: '{value}'은(는) {kind}(으)로 가져오지 않음 "
                        "(설명에 기록)"),
    "no_relation": ("{what}: '{value}'{why}: no relation made (a relation joins two "
                    "persons; kept in the description)", "{what}: '{value}'{why}: 관계를 "
                    "만들지 않음 (관계는 두 인물을 잇는 것; 설명에 기록)"),
    "too_large": ("{name}: {size} MB, larger than the limit of {limit} MB "
                  "(SILLOK_MAX_FILE_MB)", "{name}: {size} MB, 한도 {limit} MB보다 큼 "
                  "(SILLOK_MAX_FILE_MB)"),
    "not_an_act_type_uwazi": ("{what}: '{value}' is not in the act type vocabulary (add it "
                              "as a synonym, or change the value in Uwazi)", "{what}: "
                              "'{value}'은(는) 행위 유형 어휘에 없음 (동의어로 추가하거나 "
                              "Uwazi에서 값을 바꾸십시오)"),
    # refused
    "cell": ("{what}: {why}", "{what}: {why}"),
    "no_value": ("no value in any imported column", "가져오는 열에 값이 하나도 없음"),
    "not_an_act_type": ("{what}: '{value}' is not in the act type vocabulary (add it as a "
                        "synonym, or correct the cell)", "{what}: '{value}'은(는) 행위 유형 "
                        "어휘에 없음 (동의어로 추가하거나 칸을 고치십시오)"),
    "no_title": ("no title: a person needs a name", "제목 없음: 사람에게는 이름이 필요함"),
    # why a cell was not read (cells.py)
    "bad_date": ("'{value}' is not a date Sillok can read (2019-03-05, 2019-03, 2019.3, "
                 "2019년 3월경, 19년 봄, 2019)", "'{value}'은(는) 실록이 읽을 수 있는 날짜가 "
                 "아님 (2019-03-05, 2019-03, 2019.3, 2019년 3월경, 19년 봄, 2019)"),
    "empty_range": ("an empty date range", "빈 날짜 범위"),
    "bad_year": ("birth year {year} is out of range", "출생 연도 {year}은(는) 범위 밖"),
    "bad_point": ("'{value}' is not a geolocation (lat|lon)",
                  "'{value}'은(는) 좌표가 아님 (위도|경도)"),
    "off_globe": ("'{value}' is outside the globe", "'{value}'은(는) 지구 밖의 좌표"),
    "place_ambiguous": ("'{value}' could be {codes}", "'{value}'은(는) {codes} 중 하나일 수 있음"),
    "place_unknown": ("'{value}' is not in the gazetteer", "'{value}'은(는) 지명 사전에 없음"),
    # a real run that imported nothing
    "refused_items": ("{name}: {unit} refused: {count}; nothing was imported (see --dry-run)",
                      "{name}: 거부된 {unit} {count}개; 아무것도 가져오지 않음 (시험 실행을 "
                      "보십시오)"),
    "more_items": ("{count} more {unit}", "{unit} {count}개 더"),
    "nothing_imported": ("{name}: nothing was imported", "{name}: 아무것도 가져오지 않음"),
    # FollowTheMoney entities not imported
    "ftm_not_a_code": ("{entity}: {what} '{value}' is not a {vocabulary} code; left out",
                       "{entity}: {what} '{value}'은(는) {vocabulary} 코드가 아님; 제외함"),
    "ftm_place": ("{entity}: place '{value}' is not in the gazetteer; records there keep no "
                  "place", "{entity}: 장소 '{value}'은(는) 지명 사전에 없음; 그곳의 기록은 "
                  "장소 없이 가져옴"),
    "ftm_act": ("{entity}: act without its event or victim in the file; not imported",
                "{entity}: 파일에 사건이나 피해자가 없는 행위; 가져오지 않음"),
    "ftm_perpetrator": ("{entity}: perpetrator link without its act or person; not imported",
                        "{entity}: 행위나 인물이 없는 가해자 연결; 가져오지 않음"),
    "ftm_relation": ("{entity}: relation without its two persons; not imported",
                     "{entity}: 두 인물이 없는 관계; 가져오지 않음"),
    "ftm_documentation": ("{entity}: documentation without its source, its record or a "
                          "quote; not imported", "{entity}: 자료, 기록 또는 인용이 없는 "
                          "근거; 가져오지 않음"),
    "ftm_schema": ("{count} {schema} entities: no Sillok record type",
                   "{schema} 엔티티 {count}개: 해당하는 실록 기록 종류가 없음"),
}

# Words inside notes: the vocabularies, where a value is kept, a date's precision.
WORDS: dict[str, tuple[str, str]] = {
    "sex": ("sex", "성별"), "act type": ("act type", "행위 유형"),
    "description": ("description", "설명"),
    "person's description": ("person's description", "인물의 설명"),
    "person": ("person", "인물"), "event": ("event", "사건"), "source": ("source", "자료"),
    "day": ("day", "일"), "month": ("month", "월"), "quarter": ("quarter", "분기"),
    "year": ("year", "연"), "estimate": ("estimate", "추정"),
    "geolocation": ("geolocation", "좌표"),
    "rows": ("rows", "행"), "entities": ("entities", "엔티티"), "items": ("items", "항목"),
    # how a relation is said (exchange/uwazi_relations.py), and why none is made
    "the parent of": ("the parent of", "이 인물의 부모"),
    "the child of": ("the child of", "이 인물의 자녀"),
    "a sibling of": ("a sibling of", "이 인물의 형제자매"),
    "the spouse of": ("the spouse of", "이 인물의 배우자"),
    "a witness of what happened to": ("a witness of what happened to",
                                      "이 인물에게 일어난 일의 목격자"),
    "otherwise related to": ("otherwise related to", "이 인물과 다른 관계"),
    " is not imported as a person": (" is not imported as a person",
                                     "은(는) 인물로 가져오지 않음"),
    " is this person itself": (" is this person itself", "은(는) 이 인물 자신"),
}


class Word(str):
    """One of ``WORDS``, as a note's value."""

    def text(self, lang: str) -> str:
        pair = WORDS.get(str(self))
        return pair[1] if pair and lang == "ko" else str(self)


class Note(Said):
    """A report line: ``code`` and its ``values``; its ``str`` is the English text and, as
    every :class:`Said`, it has its Korean text (``ko``) for a door that speaks Korean."""

    values: dict[str, Any]

    def __new__(cls, note_code: str, /, **values: Any) -> Note:
        note = cast(Note, super().__new__(cls, note_code, _render(note_code, values, "en"),
                                          _render(note_code, values, "ko")))
        note.values = values
        return note

    def text(self, lang: str) -> str:
        return in_language(self, lang)


class CellError(ValueError):
    """A cell that could not be read, with why as a note."""

    def __init__(self, note: Note) -> None:
        super().__init__(str(note))
        self.note = note


def why(exc: Exception) -> str:
    """The reason of ``exc``: its note, or the :class:`Said` it was raised with, when it has
    one."""
    if isinstance(exc, CellError):
        return exc.note
    said = exc.args[0] if exc.args else None
    return said if isinstance(said, Said) else str(exc)


def text(line: str, lang: str) -> str:
    """``line`` in ``lang``: a note or a word rendered, any other line as it is."""
    return line.text(lang) if isinstance(line, Word) else in_language(line, lang)


def _render(code: str, values: dict[str, Any], lang: str) -> str:
    template = TEXTS[code][1 if lang == "ko" else 0]
    return template.format(**{k: text(v, lang) if isinstance(v, str) else v
                              for k, v in values.items()})
