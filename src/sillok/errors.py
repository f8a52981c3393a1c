"""One small exception hierarchy shared by the library, the CLI and the web app.

Each error carries a message fit for a user; the adapters turn them into an exit code or an
HTTP status, never into a traceback.
"""

from __future__ import annotations

from typing import Any


class SillokError(Exception):
    """Base of every error a user may see."""

    exit_code = 1
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(SillokError):
    http_status = 404


class Forbidden(SillokError):
    http_status = 403


class Conflict(SillokError):
    http_status = 409


class StorageError(SillokError):
    """The archive cannot be opened or written: bad path, corrupt file, server unreachable."""

    http_status = 503


class Invalid(SillokError):
    """Input that breaks a rule; ``errors`` maps field paths to messages."""

    http_status = 422
    # Which record of a batch broke the rule (Archive.add_built), for the bulk file's report.
    position: int = 0

    def __init__(self, errors: dict[str, str], context: str = "") -> None:
        self.errors = dict(errors)
        self.context = context
        detail = "; ".join(f"{k}: {v}" for k, v in self.errors.items())
        super().__init__(f"{context}{': ' if context else ''}invalid {detail}")

    def prefixed(self, prefix: str) -> Invalid:
        """The same errors with every field path under ``prefix`` (for records in a bulk file)."""
        return Invalid({f"{prefix}.{k}": v for k, v in self.errors.items()}, self.context)


class StaleVersion(Conflict):
    """A change made from a version of a record that is no longer the current one: someone
    else changed it since it was read. Nothing was written; ``current`` is the version now,
    ``changed_by`` and ``changed_at`` (ISO 8601) the last change's author and time."""

    def __init__(self, message: str, *, current: int, changed_by: str | None,
                 changed_at: str | None) -> None:
        super().__init__(message)
        self.current = current
        self.changed_by = changed_by
        self.changed_at = changed_at


class Said(str):
    """A message a user may read, in English (the string itself, so that the CLI, logs, the
    API and every caller that reads it as text are unchanged) and in Korean, with a stable
    ``code`` a program or a door can key on. A door that speaks Korean shows :attr:`ko`
    (web/template_globals.py ``said``): core refusals are written once, in both languages,
    where the rule is, not guessed back from English in each door."""

    code: str
    ko: str

    def __new__(cls, code: str, en: str, ko: str) -> Said:
        said = super().__new__(cls, en)
        said.code, said.ko = code, ko
        return said

    def __reduce__(self) -> tuple[Any, ...]:
        return (Said, (self.code, str(self), self.ko))

    @classmethod
    def joined(cls, parts: list[str], sep: str = "; ") -> str:
        """Messages side by side, still in both languages where every part is."""
        both = [p for p in parts if isinstance(p, Said)]
        if both and len(both) == len(parts):
            return cls("+".join(dict.fromkeys(p.code for p in both)), sep.join(both),
                       sep.join(p.ko for p in both))
        return sep.join(parts)


def in_language(message: object, lang: str) -> str:
    """``message`` as a reader of ``lang`` reads it: a :class:`Said`'s Korean for "ko"."""
    if lang == "ko" and isinstance(message, Said):
        return message.ko
    return str(message)


# Record types as a Korean reader names them (the same words as the site's, web/labels.py).
TYPE_NAMES_KO = {"source": "자료", "event": "사건", "act": "행위", "person": "인물",
                 "place": "장소", "term": "용어", "involvement": "관여", "evidence": "근거",
                 "relation": "관계", "series": "통계 계열"}
LEVELS_KO = {"public": "공개", "internal": "내부", "restricted": "제한"}


def what_ko(what: str) -> str:
    """"event #3" → "사건 #3"."""
    kind, sep, rest = what.partition(" ")
    return f"{TYPE_NAMES_KO[kind]}{sep}{rest}" if kind in TYPE_NAMES_KO else what
