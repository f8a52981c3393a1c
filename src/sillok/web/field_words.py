"""What is wrong with one field of a request, in the reader's language.

FastAPI checks a request's parameters with pydantic, whose messages are English only and may
quote the value sent ("Input should be a valid integer, unable to parse string as an
integer", with ``input`` beside it). Both doors — the API's problem details (api/errors.py)
and the site's error pages (error_pages.py) — word each kind of error here instead, once, in
English and Korean (:class:`~sillok.errors.Said`, so the door shows the reader's language).
Only the route's own limits are named (``200``, the allowed choices), never the value sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sillok.errors import Said

# Longest "must be one of: …" list shown; the choices come from the route, not the request.
_MAX_CHOICES = 200

def _limit(ctx: Mapping[str, Any], key: str) -> str:
    return str(ctx.get(key, "?"))[:40]


def _choices(ctx: Mapping[str, Any], lang: str = "en") -> str:
    expected = str(ctx.get("expected", ""))
    if lang == "ko":  # pydantic joins the last choice with an English "or"
        expected = expected.replace("' or '", "', '")
    return expected if len(expected) <= _MAX_CHOICES else expected[:_MAX_CHOICES] + " …"


_FIXED: dict[str, tuple[str, str, str]] = {
    # pydantic type → (code, English, Korean)
    "missing": ("required", "required", "필수 항목입니다"),
    "extra_forbidden": ("unknown_field", "unknown field", "알 수 없는 항목입니다"),
    "json_invalid": ("json_invalid", "not valid JSON", "올바른 JSON이 아닙니다"),
    "int_parsing": ("integer", "must be a whole number", "정수여야 합니다"),
    "int_type": ("integer", "must be a whole number", "정수여야 합니다"),
    "int_from_float": ("integer", "must be a whole number", "정수여야 합니다"),
    "float_parsing": ("number", "must be a number", "숫자여야 합니다"),
    "float_type": ("number", "must be a number", "숫자여야 합니다"),
    "bool_parsing": ("boolean", "must be true or false", "true 또는 false여야 합니다"),
    "bool_type": ("boolean", "must be true or false", "true 또는 false여야 합니다"),
    "string_type": ("text", "must be text", "문자열이어야 합니다"),
    "string_pattern_mismatch": ("form", "is not in the expected form",
                                "형식이 올바르지 않습니다"),
    "date_parsing": ("date", "must be a date (YYYY-MM-DD)", "날짜(YYYY-MM-DD)여야 합니다"),
    "date_from_datetime_parsing": ("date", "must be a date (YYYY-MM-DD)",
                                   "날짜(YYYY-MM-DD)여야 합니다"),
    "datetime_parsing": ("datetime", "must be a date and time (ISO 8601)",
                         "날짜와 시각(ISO 8601)이어야 합니다"),
    "list_type": ("list", "must be a list", "목록이어야 합니다"),
    "dict_type": ("object", "must be an object", "객체여야 합니다"),
    "model_type": ("object", "must be an object", "객체여야 합니다"),
    "model_attributes_type": ("object", "must be an object", "객체여야 합니다"),
}

# pydantic type → (code, the limit's key in ``ctx``, English, Korean): ``{}`` is the limit.
_BOUNDED: dict[str, tuple[str, str, str, str]] = {
    "greater_than_equal": ("too_small", "ge", "must be at least {}", "{} 이상이어야 합니다"),
    "greater_than": ("too_small", "gt", "must be greater than {}", "{}보다 커야 합니다"),
    "less_than_equal": ("too_large", "le", "must be at most {}", "{} 이하여야 합니다"),
    "less_than": ("too_large", "lt", "must be less than {}", "{}보다 작아야 합니다"),
    "string_too_long": ("too_long", "max_length", "must be at most {} characters",
                        "{}자 이하여야 합니다"),
    "string_too_short": ("too_short", "min_length", "must be at least {} characters",
                         "{}자 이상이어야 합니다"),
    "too_long": ("too_long", "max_length", "must have at most {} items",
                 "항목이 {}개 이하여야 합니다"),
    "too_short": ("too_short", "min_length", "must have at least {} items",
                  "항목이 {}개 이상이어야 합니다"),
}
_CHOICE = ("literal_error", "enum")

NOT_VALID = Said("field.invalid", "is not valid", "올바른 값이 아닙니다")


def field_said(err: Mapping[str, Any]) -> Said:
    """One pydantic error (an item of ``exc.errors()``) as a sentence in both languages. The
    ``input`` the error carries is never read."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind in _FIXED:
        code, en, ko = _FIXED[kind]
        return Said(f"field.{code}", en, ko)
    if kind in _BOUNDED:
        code, key, en, ko = _BOUNDED[kind]
        limit = _limit(ctx, key)
        return Said(f"field.{code}", en.format(limit), ko.format(limit))
    if kind in _CHOICE:
        return Said("field.choice", f"must be one of: {_choices(ctx)}",
                    f"다음 중 하나여야 합니다: {_choices(ctx, 'ko')}")
    if kind in ("value_error", "assertion_error"):
        # A validator's own sentence: shown if it was written in both languages.
        error = ctx.get("error")
        if isinstance(error, Exception) and error.args and isinstance(error.args[0], Said):
            return error.args[0]
    return NOT_VALID


def field_path(err: Mapping[str, Any]) -> str:
    """Where the error is: the field path without FastAPI's ``query``/``path``/``body``."""
    loc = [str(p) for p in err.get("loc", ())]
    if loc and loc[0] in ("body", "query", "path", "header", "cookie"):
        return ".".join(loc[1:]) or loc[0]
    return ".".join(loc) or "request"
