"""The API's error messages in the caller's language, each with a stable code.

A problem's ``code`` is what a program keys on (``not_found``, ``invalid_request``,
``level.restricted_source``): it does not change with the language or the wording. ``detail``
is the sentence a person reads, in the language the site chose for the request (``?lang=``,
the ``lang`` cookie, Accept-Language, else Korean; web/i18n.py). A core refusal written in
both languages (errors.Said) is shown in its own Korean; the archive's "not found" sentences
are put into Korean by their shape here; anything else keeps its English sentence after a
Korean one for its status, so that no fact in it is lost.
"""

from __future__ import annotations

import re

from sillok.errors import (
    TYPE_NAMES_KO,
    Invalid,
    Said,
    SillokError,
    StaleVersion,
    in_language,
    what_ko,
)
from sillok.web.problems import phrase

# Stable codes by HTTP status, for an error that carries no code of its own.
STATUS_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden",
                404: "not_found", 405: "method_not_allowed", 406: "not_acceptable",
                409: "conflict", 412: "precondition_failed", 413: "too_large",
                415: "unsupported_media_type", 422: "invalid_request",
                429: "too_many_requests", 500: "internal_error",
                503: "unavailable"}
# What a Korean reader reads for each status when there is nothing more particular to say.
STATUS_KO = {400: "요청이 올바르지 않습니다", 401: "로그인이 필요합니다",
             403: "권한이 없습니다", 404: "찾을 수 없습니다",
             405: "허용되지 않는 요청 방식입니다", 406: "제공할 수 없는 형식입니다",
             409: "기록의 현재 상태와 충돌합니다",
             412: "그 사이 기록이 바뀌었습니다: 아무것도 바꾸지 않았습니다",
             413: "요청이 너무 큽니다", 415: "지원하지 않는 형식입니다",
             422: "입력이 올바르지 않습니다", 429: "요청이 너무 많습니다",
             500: "내부 오류", 503: "지금은 기록 보관소를 쓸 수 없습니다"}
# The few fixed sentences the API itself says.
FIXED_KO = {"invalid request": "요청이 올바르지 않습니다",
            "invalid input": "입력이 올바르지 않습니다", "internal error": "내부 오류"}
FIELD_KO = {"required": "필수 항목입니다", "unknown field": "알 수 없는 항목입니다",
            "not valid JSON": "올바른 JSON이 아닙니다"}
_TYPES = "|".join(TYPE_NAMES_KO)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_NOT_FOUND = (
    re.compile(rf"^no ((?:{_TYPES}) #\d+)$"),
    re.compile(rf"^((?:{_TYPES}) #\d+) not found$"),
)
_NOT_FOUND_SUFFIX = re.compile(r"^(term \S+|place \S+|job #\d+|suggestion #\d+) not found$")
_NOT_FOUND_KO = {"term": "용어", "place": "장소", "job": "작업", "suggestion": "제안"}


def code_of(status: int, message: object = None, exc: SillokError | None = None) -> str:
    """The stable code of an error: a Said message's own, else one named for its kind."""
    if isinstance(message, Said):
        return message.code
    if isinstance(exc, StaleVersion):
        return "stale_version"
    if isinstance(exc, Invalid):
        return "invalid_input"  # the archive's rules, not the request's form
    return STATUS_CODES.get(status, f"http_{status}")


def in_lang(status: int, message: str, lang: str) -> str:
    """``message`` as a reader of ``lang`` reads it."""
    if lang != "ko":
        return str(message)
    if isinstance(message, Said):
        return message.ko
    if message in FIXED_KO:
        return FIXED_KO[message]
    for pattern in _NOT_FOUND:
        found = pattern.match(message)
        if found:
            # The id last, with no particle on it: one sentence for every id.
            return f"찾을 수 없습니다: {what_ko(found.group(1))}"
    found = _NOT_FOUND_SUFFIX.match(message)
    if found:
        kind, _, rest = found.group(1).partition(" ")
        return f"찾을 수 없습니다: {_NOT_FOUND_KO[kind]} {rest}"
    if message.endswith(": invalid input"):
        return f"{what_ko(message.removesuffix(': invalid input'))}: 입력이 올바르지 않습니다"
    general = STATUS_KO.get(status, "오류")
    if message == phrase(status).lower():  # the status's own phrase (an HTTP error)
        return general
    # An English sentence with no Korean of its own: its facts (ids, names) stay readable.
    return f"{general} ({message})"


def field_in_lang(message: str, lang: str) -> str:
    """A field's problem as a reader of ``lang`` reads it: a :class:`Said`'s own words (the
    request's form, web/field_words.py), the archive's few fixed words in Korean, else the
    archive's English sentence after a Korean one, so that no fact in it is lost."""
    if isinstance(message, Said):
        return in_language(message, lang)
    if lang != "ko":
        return str(message)
    if message in FIELD_KO:
        return FIELD_KO[message]
    if _HANGUL.search(message):  # written for this reader already (a page's gettext)
        return str(message)
    return f"올바른 값이 아닙니다 ({message})"
