"""The shipped vocabularies and gazetteer: required coverage, both languages, sources, and
upgrades that add without renumbering."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sillok.archive import seed as seed_module
from sillok.archive.seed import gazetteer_records, seed, vocabulary_records
from sillok.archive.service import Archive
from sillok.db import models as m

REQUIRED_ACTS = {
    "detention", "detention_kwalliso", "detention_kyohwaso", "detention_jipkyulso",
    "detention_rodong_danryeondae", "detention_kyoyangso", "detention_kuryujang",
    "arrest_abroad", "forced_repatriation", "torture", "execution_public", "execution_secret",
    "execution_summary", "death_in_custody", "enforced_disappearance", "abduction",
    "abduction_foreign_national", "pow_non_repatriation", "forced_labour", "sexual_violence",
    "forced_abortion", "infanticide", "denial_of_food", "denial_of_medical_care",
    "religious_persecution", "punishment_foreign_media", "punishment_reactionary_ideology_act",
    "punishment_youth_education_act", "punishment_cultural_language_act",
    "restriction_of_movement", "forced_relocation", "family_separation", "guilt_by_association",
    "songbun_discrimination",
}
REQUIRED = {
    "facility_type": {"kwalliso", "kyohwaso", "jipkyulso", "rodong_danryeondae", "kyoyangso",
                      "kuryujang"},
    "agency": {"mss", "mps", "border_guard", "china_psb"},
    "role": {"victim", "perpetrator", "witness", "source"},
    "source_kind": {"testimony", "news_report", "ngo_report", "official_statistics"},
    "reliability": {"high", "low"},
    "connection": {"victim", "witness", "hearsay"},
    "date_precision": {"day", "month", "quarter", "year"},
}
REQUIRED_PLACES = {
    "kp-01", "kp-02", "kp-03", "kp-04", "kp-05", "kp-06", "kp-07", "kp-08", "kp-09", "kp-10",
    "kp-13", "kp-14", "kp-10-hyesan", "kp-09-chongjin", "kp-09-musan", "kp-09-onsong",
    "kp-09-hoeryong", "cn-yanji", "cn-tumen", "cn-hunchun", "cn-longjing", "cn-helong",
    "cn-dandong", "cn-changbai", "cn-shenyang",
}


def _terms() -> dict[str, dict[str, dict[str, object]]]:
    out: dict[str, dict[str, dict[str, object]]] = {}
    for t in vocabulary_records():
        out.setdefault(str(t["vocabulary"]), {})[str(t["code"])] = t
    return out


def test_act_types_cover_the_issue() -> None:
    assert set(_terms()["act_type"]) >= REQUIRED_ACTS


@pytest.mark.parametrize("vocabulary", sorted(REQUIRED))
def test_other_vocabularies(vocabulary: str) -> None:
    assert REQUIRED[vocabulary] <= set(_terms()[vocabulary])


def test_every_term_is_bilingual_and_sourced() -> None:
    for t in vocabulary_records():
        assert t["en"] and t["ko"], t["code"]
        assert t["source"], t["code"]
        assert any("\uac00" <= ch <= "\ud7a3" for ch in str(t["ko"])), t["code"]


def test_forced_repatriation_has_its_korean_synonyms() -> None:
    term = _terms()["act_type"]["forced_repatriation"]
    korean = {str(term["ko"]), *map(str, term["synonyms_ko"])}  # type: ignore[call-overload]
    assert {"강제북송", "강제송환"} <= korean


def test_gazetteer() -> None:
    places = {str(p["code"]): p for p in gazetteer_records()}
    assert set(places) >= REQUIRED_PLACES
    assert places["kp-09"]["iso"] == "KP-09"
    for p in places.values():
        assert p["source"], p["code"]
    hyesan_names = {str(n["name"]) for n in places["kp-10"]["names"]}  # type: ignore[attr-defined]
    assert "양강도" in hyesan_names or places["kp-10"]["ko"] == "양강도"
    yanji = {str(n["name"]) for n in places["cn-yanji"]["names"]}  # type: ignore[attr-defined]
    assert "延吉" in yanji


def test_upgrade_adds_terms_without_renumbering(archive: Archive,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    with archive.transaction() as s:
        before = {code: tid for code, tid in s.execute(
            select(m.Term.code, m.Term.id).where(m.Term.vocabulary == "act_type"))}
    records = vocabulary_records()
    extra = {**records[0], "code": "zz_new_term_for_test", "en": "New", "ko": "새 용어",
             "vocabulary": "act_type", "parent": None}
    changed = {**next(r for r in records if r["code"] == "torture"), "en": "Torture (relabelled)"}
    patched = [changed if r["code"] == "torture" and r["vocabulary"] == "act_type" else r
               for r in records] + [extra]
    monkeypatch.setattr(seed_module, "vocabulary_records", lambda: patched)
    report = seed(archive)
    assert report.added["term"] == 1 and report.updated["term"] == 1
    with archive.transaction() as s:
        after = {code: tid for code, tid in s.execute(
            select(m.Term.code, m.Term.id).where(m.Term.vocabulary == "act_type"))}
        label = s.execute(select(m.Term.label_en).where(m.Term.code == "torture")).scalar_one()
    assert {k: after[k] for k in before} == before
    assert "zz_new_term_for_test" in after and label == "Torture (relabelled)"
