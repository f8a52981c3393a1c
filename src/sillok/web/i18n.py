"""Korean and English pages: Babel message catalogues, chosen per request.

The interface is written in English in the templates (``{{ _("Search") }}``); the Korean
catalogue is ``locale/ko/LC_MESSAGES/messages.po``, read with Babel at start-up (no compiled
files to keep in step). A visitor's language comes from ``?lang=``, then the ``lang`` cookie the
switch sets, then Accept-Language, then Korean.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Request

LANGS = ("ko", "en")
DEFAULT = "ko"
LOCALE_DIR = Path(__file__).parent / "locale"
current: ContextVar[str] = ContextVar("sillok_lang", default=DEFAULT)


@lru_cache(maxsize=4)
def translations(lang: str) -> NullTranslations:
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return NullTranslations()  # English: the messages are written in it
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def gettext(message: str) -> str:
    return translations(current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current.get()).ngettext(singular, plural, n)


def pick_lang(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    cookie = request.cookies.get("lang")
    if cookie in LANGS:
        return cookie
    header = request.headers.get("accept-language", "")
    preferred = [part.split(";")[0].strip().replace("-", "_") for part in header.split(",")]
    found = negotiate_locale([p for p in preferred if p], list(LANGS), sep="_")
    return found if found in LANGS else DEFAULT
