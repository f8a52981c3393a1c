"""``sillok:KEY=VALUE`` tags: what FollowTheMoney has no property for (a fuzzy date such as
``~2023-Q1``, a vocabulary code, character offsets) travels as a tag, so that an export read
back gives the same records. Aleph shows them as keywords; other tools may ignore them."""

from __future__ import annotations

from collections.abc import Iterable

PREFIX = "sillok:"


def tag(key: str, value: object) -> str:
    return f"{PREFIX}{key}={value}"


def tags(values: Iterable[str]) -> dict[str, list[str]]:
    """The tags among ``values`` by key, in order; other values are left out."""
    found: dict[str, list[str]] = {}
    for value in values:
        if value.startswith(PREFIX) and "=" in value:
            key, _, rest = value[len(PREFIX):].partition("=")
            found.setdefault(key, []).append(rest)
    return found


def first(found: dict[str, list[str]], key: str) -> str | None:
    values = found.get(key)
    return values[0] if values else None
