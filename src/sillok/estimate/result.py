"""What an estimate is handed back as: the number, its interval, the observed count and the
cautions that go with it, in English and Korean."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Caution:
    """One reason to read an estimate with care; ``code`` is stable for scripts."""

    code: str
    en: str
    ko: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "en": self.en, "ko": self.ko}


@dataclass(frozen=True)
class Estimate:
    """A population size estimate. ``lower``/``upper`` bound a 95 % interval (confidence for
    log-linear models, credible for the latent-class model); ``observed`` is the floor."""

    estimate: float
    lower: float
    upper: float
    method: str
    model: str
    observed: int
    lists: tuple[str, ...]
    warnings: tuple[Caution, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    def with_cautions(self, extra: list[Caution]) -> Estimate:
        """The same estimate with more cautions, found outside the table (the archive)."""
        return replace(self, warnings=(*self.warnings, *extra))

    @property
    def unobserved(self) -> float:
        return self.estimate - self.observed

    def as_dict(self) -> dict[str, Any]:
        return {
            "estimate": round(self.estimate, 1),
            "lower": round(self.lower, 1),
            "upper": round(self.upper, 1),
            "method": self.method,
            "model": self.model,
            "observed": self.observed,
            "lists": list(self.lists),
            "warnings": [w.as_dict() for w in self.warnings],
            "details": self.details,
        }
