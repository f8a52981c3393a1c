"""Record labels for API callers: what a person reads, in the caller's language, with the
stored code beside it for programs.

The archive labels records for itself ("forced_repatriation (act #3)", "act_type:detention
구금 / Detention"); a journalist's script shows the label it is given. Every ``{type, id,
label}`` an API answer carries (a record, a reference in its fields, a related record, a
search hit) is relabelled here as the site labels it (web/labels.py record_label), in the
language the site's middleware chose for the request (``?lang=``, the ``lang`` cookie,
Accept-Language, else Korean), and the code the old label named is kept in ``code``.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from sillok.archive.service import Archive
from sillok.archive.views import PROTECTED, WITHHELD
from sillok.archive.withheld import WITHHELD_SOURCE
from sillok.web import i18n
from sillok.web.labels import TYPE_NAMES, Labels, pick, record_label

CODE_DESCRIPTION = ("The stored code the label names, for programs: an act's violation type "
                    "(forced_repatriation), a term's vocabulary:code, a relation's kind, a "
                    "series' code; null for a record labelled by its name or title.")
_CODES = {
    "act": re.compile(r"^(\S+) \(act #\d+\)$"),
    "term": re.compile(r"^(\w+:\S+) "),
    "relation": re.compile(r"^.* → (\w+) → .*$"),
    "series": re.compile(r"^(\S+): "),
}
_EVIDENCE = re.compile(r"^evidence #(\d+): source #(\d+) → (?:(\w+) #(\d+)|(.*))$")
_SERIES = re.compile(r"^\S+: (.*) / (.*)$")
T = TypeVar("T")
# The archive's markers for what the caller may not read (archive/views.py, withheld.py), as a
# Korean reader reads them; a program keys on ``id`` being null, not on these words.
MARKERS = {WITHHELD: "[비공개]", WITHHELD_SOURCE: "[비공개 자료]", PROTECTED: "(보호됨)"}


def marker(text: str) -> str:
    """A withheld/protected marker in the request's language; any other text unchanged."""
    return MARKERS.get(text, text) if i18n.current.get() == "ko" else text


class ApiLabels:
    """Relabels API answers in place; one per API application (the term and place names
    are the site's public ones, re-read at most once a minute)."""

    def __init__(self, archive: Archive) -> None:
        self.labels = Labels(archive)

    def __call__(self, payload: T) -> T:
        if isinstance(payload, list):
            for index, item in enumerate(payload):
                if isinstance(item, str) and item in MARKERS:
                    payload[index] = marker(item)
                else:
                    self(item)
        elif isinstance(payload, dict):
            for key, value in payload.items():
                if isinstance(value, dict | list):
                    self(value)
                elif isinstance(value, str) and value in MARKERS:
                    payload[key] = marker(value)
            if (payload.get("type") in (*TYPE_NAMES, "series")
                    and isinstance(payload.get("label"), str)):
                self._relabel(payload)
        return payload

    def _relabel(self, item: dict[str, Any]) -> None:
        kind, text = item["type"], item["label"]
        found = _CODES[kind].match(text) if kind in _CODES else None
        item["code"] = found.group(1) if found else None
        if kind == "evidence" and (parts := _EVIDENCE.match(text)):
            item["label"] = self._evidence(parts)
        elif kind == "series" and (titles := _SERIES.match(text)):
            item["label"] = titles.group(1) if i18n.current.get() == "ko" else titles.group(2)
        else:
            item["label"] = marker(record_label(self.labels, item))

    @staticmethod
    def _evidence(parts: re.Match[str]) -> str:
        """"근거 #5: 자료 #2 → 행위 #3": the site shows evidence by its number only, but a
        program reading one passage needs what it links (a withheld record stays withheld)."""
        evidence, source, kind, ident, withheld = parts.groups()
        target = (f"{pick(TYPE_NAMES[kind])} #{ident}" if kind in TYPE_NAMES
                  else f"{kind} #{ident}" if kind else marker(withheld))
        return f"{pick(TYPE_NAMES['evidence'])} #{evidence}: {pick(TYPE_NAMES['source'])} " \
               f"#{source} → {target}"


__all__ = ["CODE_DESCRIPTION", "ApiLabels"]
