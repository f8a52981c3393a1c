"""The gazetteer's hierarchy as linkage compares places of origin: same county or city, else
same province."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources

import yaml

PROVINCE_KINDS = frozenset({"province", "special_city"})
ORIGIN_KINDS = frozenset({"city", "county", "special_city"})


class Gazetteer:
    """Codes with their kind and parent code."""

    def __init__(self, kinds: Mapping[str, str], parents: Mapping[str, str | None]) -> None:
        self.kinds, self.parents = dict(kinds), dict(parents)

    @classmethod
    @cache
    def shipped(cls) -> Gazetteer:
        text = (resources.files("sillok") / "data" / "gazetteer.yaml").read_text(encoding="utf-8")
        places = yaml.safe_load(text)["places"]
        return cls({p["code"]: p["kind"] for p in places},
                   {p["code"]: p.get("parent") for p in places})

    def province_of(self, code: str | None) -> str | None:
        """The province (or special city) a place lies in, itself if it is one."""
        seen = 0
        while code is not None and seen < 10:
            if self.kinds.get(code) in PROVINCE_KINDS:
                return code
            code = self.parents.get(code)
            seen += 1
        return None

    def origin_places(self) -> list[str]:
        """North Korean counties and cities people come from (the generator's choices)."""
        return sorted(c for c, k in self.kinds.items()
                      if k in ORIGIN_KINDS and c.startswith("kp-") and self.province_of(c))
