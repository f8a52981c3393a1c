"""``sillok import --uwazi URL``: a fake Uwazi server (tests/uwazi_server.py) read through its
API — sign-in, settings, templates, thesauri, paged search in each language, attachments —
with a dry-run report and proposed template mapping, a refused entity that stops the real run,
and then the real run, all or nothing, on both databases. Everything here is fictional."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from typer.testing import CliRunner

from sillok.archive.blobs import BlobStore
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.db import models as m
from sillok.exchange import uwazi_client
from sillok.exchange.uwazi_map import RELATION_WORDS, _relation_kind
from tests.uwazi_server import JPG, PASSWORD, PDF, PDF_EN, USER, fake_uwazi


def _counts(archive: Archive) -> tuple[int, ...]:
    with archive.transaction() as s:
        return tuple(int(s.execute(select(func.count()).select_from(t)).scalar_one())
                     for t in (m.Person, m.Event, m.Act, m.Source, m.Evidence, m.AuditEntry))


def _import(runner: CliRunner, env: dict[str, str], url: str, *args: str) -> Any:
    return runner.invoke(app, ["import", "--uwazi", url, "--user", USER, *args],
                         env={**env, "SILLOK_UWAZI_PASSWORD": PASSWORD})


def test_uwazi_api_dry_run_then_import(runner: CliRunner, cli_env: dict[str, str],
                                       archive: Archive, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(uwazi_client, "PAGE", 1)  # every template takes several pages
    before = _counts(archive)
    with fake_uwazi() as server:
        wrong = runner.invoke(app, ["import", "--uwazi", server.url, "--user", USER,
                                    "--dry-run"],
                              env={**cli_env, "SILLOK_UWAZI_PASSWORD": "wrong"})
        assert wrong.exit_code != 0
        assert "refused (401): check the user name and password" in wrong.output

        out = _import(runner, cli_env, server.url, "--dry-run", "--json")
        assert out.exit_code == 0, out.output
        report = json.loads(out.stdout)
        assert _counts(archive) == before  # a dry run changes nothing
        # Paged (one entity a page) and asked in both languages.
        searches = [r for r in server.requests if r.startswith("GET /api/search")]
        assert any("from=1" in r for r in searches) and len(searches) >= 10
        assert report["refused_entities"] == ["i-2"]
        entities = {e["entity"]: e for e in report["entities"]}
        assert "n-1" not in entities  # its template is proposed as 'ignore'
        assert "violation_type: 강제북송 → forced_repatriation" in entities["i-1"]["mapped"]
        assert "location: 회령 → kp-09-hoeryong" in entities["i-1"]["mapped"]
        assert "victims: 박가상 → the person of entity v-park" in entities["i-1"]["mapped"]
        assert any("'가상리' is not in the gazetteer" in r for r in entities["i-2"]["review"])
        assert "'가상의 침해' is not in the act type vocabulary" in entities["i-2"]["refused"][0]
        assert "file not fetched: huge.mov: 953,674.3 MB, larger than the limit of 200.0 MB " \
            "(SILLOK_MAX_FILE_MB)" in entities["t-9"]["review"]
        assert "original portrait.jpg" in entities["v-kim"]["creates"]
        proposed = tmp_path / f"uwazi-127.0.0.1-{server.url.rsplit(':', 1)[1]}.mapping.yaml"
        mapping = yaml.safe_load(proposed.read_text(encoding="utf-8"))
        assert mapping["templates"]["Victim"]["as"] == "person"
        assert mapping["templates"]["Incident"]["properties"]["victims"] == "victims"
        assert mapping["templates"]["Testimony"]["as"] == "source"
        assert mapping["templates"]["Internal note"]["as"] == "ignore"
        assert {p: mapping["templates"]["Victim"]["properties"][p] for p in (
            "father", "children", "seen_by")} == {"father": "relation.parent",
                                                   "children": "relation.child",
                                                   "seen_by": "relation.witness_of"}
        assert "father: 박가상 → relation parent (the person of entity v-park)" \
            in entities["v-kim"]["mapped"]
        assert "children: 김가명 → the same relation as entity v-kim gives" \
            in entities["v-park"]["mapped"]
        assert "relation: 김가명 is a witness of what happened to this person" \
            in entities["v-park"]["creates"]
        assert "seen_by: '없는 가상인' is not imported as a person: no relation made (a " \
            "relation joins two persons; kept in the description)" in entities["v-kim"]["review"]
        # Every target is described to the officer in Korean and English.
        assert ("#     act.type: 침해 유형 (침해 유형 어휘): 피해자와 유형마다 침해 행위 하나 / "
                "violation type") in proposed.read_text(encoding="utf-8")

        # The officer leaves the interviewer out; a refused entity stops the real run.
        proposed.write_text(proposed.read_text(encoding="utf-8").replace(
            "interviewer: description", "interviewer: ignore"), encoding="utf-8")
        out = _import(runner, cli_env, server.url, "--mapping", str(proposed))
        assert out.exit_code != 0
        assert "entities refused: 1; nothing was imported" in out.output
        assert _counts(archive) == before

        # Corrected in Uwazi (the entity removed), the real run imports everything at once.
        del server.entities["i-2"]
        # Files over 4 KiB are not fetched here (SILLOK_MAX_FILE_MB), and do not stop it.
        out = _import(runner, {**cli_env, "SILLOK_MAX_FILE_MB": "0.004"}, server.url,
                      "--mapping", str(proposed), "--json")
        assert out.exit_code == 0, out.output
        done = json.loads(out.stdout)
        # Sources: the origin, t-9 and its 4 further files, and Kim's portrait (+1 evidence);
        # two relations, cited by three origin lines (father and children are one tie).
        assert done["created"] == {
            "source": 7, "person": 2, "relation": 2, "event": 1, "act": 4, "evidence": 17}
        assert done["originals_fetched"] == 3  # both PDFs and the portrait
        assert [line.split(": ", 1)[0] for line in done["originals_not_fetched"]] == [
            "증언 T-9 (가상) — map.png", "증언 T-9 (가상) — video.mp4"]
        assert "gone.png: the Uwazi server answered 404" in done["originals_not_fetched"][0]
        assert "larger than the limit of 0.0 MB" in done["originals_not_fetched"][1]
        fetched = [r for r in server.requests if r.startswith("GET /api/files/")]
        assert "GET /api/files/huge.mov" not in fetched  # Uwazi says 1 TB: never asked
        assert not any(r.startswith(("POST /api/t", "PUT", "DELETE"))
                       for r in server.requests)  # nothing written to Uwazi

    with archive.transaction() as s:
        persons = s.execute(select(m.Person).order_by(m.Person.id)).scalars().all()
        kim = persons[0]
        assert [(n.name, n.system) for n in kim.names] == [("김가명", "hangul"),
                                                           ("Kim Ga-myeong", "english")]
        assert (kim.sex, kim.birth_year, kim.level) == ("female", 1985, "internal")
        park = persons[1]
        relations = s.execute(select(m.Relation).order_by(m.Relation.id)).scalars().all()
        assert [(r.person_a_id, r.kind, r.person_b_id, r.level) for r in relations] == [
            (park.id, "parent", kim.id, "internal"), (kim.id, "witness_of", park.id, "internal")]
        assert sorted(s.execute(select(m.Evidence.record_id).where(
            m.Evidence.record_type == "relation")).scalars()) == sorted(
            [relations[0].id, relations[0].id, relations[1].id])
        assert "seen_by: 없는 가상인" in kim.description  # no person to relate to: kept as text
        assert "조사원 갑" not in kim.description
        event = s.execute(select(m.Event)).scalar_one()
        assert event.title == "회령 강제북송 (가상)"
        assert [p.code for p in event.places] == ["kp-09-hoeryong"]
        assert event.date_start.isoformat() == "2019-03-08"
        assert "좌표 / geolocation: 42.44, 129.75 (회령)" in event.description
        assert "title__en: Forced repatriation, Hoeryong (fictional)" in event.description
        # Both language versions' text is kept; labels said again in English are not.
        assert "summary: 가상 사건 요약\nsummary__en: Summary of a fictional incident" \
            in event.description
        acts = s.execute(select(m.Act).order_by(m.Act.id)).scalars().all()
        assert sorted((a.victim_id, a.act_type) for a in acts) == sorted(
            (p.id, t) for p in persons for t in ("forced_repatriation", "detention"))
        testimony = s.execute(select(m.Source).where(m.Source.kind == "testimony",
                                                     m.Source.parent_id.is_(None))
                              ).scalar_one()
        assert testimony.original_filename == "testimony-T-9.pdf"
        assert testimony.published_start.isoformat() == "2020-01-01"
        assert testimony.blob_sha256 is not None
        assert BlobStore(archive.settings.blob_dir).get(testimony.blob_sha256) == PDF
        files = s.execute(select(m.Source).where(m.Source.parent_id == testimony.id)
                          .order_by(m.Source.id)).scalars().all()
        assert [(f.original_filename, f.blob_sha256 is not None) for f in files] == [
            ("testimony-T-9-en.pdf", True), ("map.png", False), ("video.mp4", False),
            ("huge.mov", False)]
        assert BlobStore(archive.settings.blob_dir).get(str(files[0].blob_sha256)) == PDF_EN
        assert "404" in files[1].extra["imported_from"]["not_fetched"]
        portrait = s.execute(select(m.Source).where(
            m.Source.original_filename == "portrait.jpg")).scalar_one()
        assert BlobStore(archive.settings.blob_dir).get(str(portrait.blob_sha256)) == JPG
        assert s.execute(select(m.Evidence.record_id).where(
            m.Evidence.source_id == portrait.id, m.Evidence.record_type == "person")
        ).scalar_one() == kim.id
        cited = s.execute(select(m.Evidence.record_type).where(
            m.Evidence.source_id == testimony.id)).scalars().all()
        assert sorted(cited) == ["act"] * 4 + ["event"]
        origin = s.execute(select(m.Source).where(m.Source.origin.like("uwazi:%"),
                                                  m.Source.parent_id.is_(None),
                                                  m.Source.title.like("Uwazi에서%"))).scalar_one()
        assert "entity v-kim (Victim): title__ko=김가명; title__en=Kim Ga-myeong; sex=여" \
            in origin.text
        assert "조사원 갑" not in origin.text and "내부 메모" not in origin.text
        assert "location=회령; location__en=Hoeryong;" in origin.text
        assert "summary=가상 사건 요약; summary__en=Summary of a fictional incident" in origin.text
        quote = s.execute(select(m.Evidence.quote).where(
            m.Evidence.source_id == origin.id, m.Evidence.record_type == "person",
            m.Evidence.record_id == kim.id)).scalar_one()
        assert quote.startswith("entity v-kim (Victim)")
        actions = set(s.execute(select(m.AuditEntry.action).where(
            m.AuditEntry.record_type == "act")).scalars())
        assert actions == {"import"}


def test_uwazi_needs_an_address_or_a_file(runner: CliRunner, cli_env: dict[str, str],
                                          tmp_path: Path) -> None:
    both = runner.invoke(app, ["import", str(tmp_path / "x.csv"), "--uwazi", "http://x"],
                         env=cli_env)
    assert both.exit_code != 0 and "not both" in both.output
    bad = runner.invoke(app, ["import", "--uwazi", "ftp://x", "--dry-run"], env=cli_env)
    assert bad.exit_code != 0 and "not an http(s) address" in bad.output


VOCABULARY = Path(__file__).parents[1] / "src/sillok/data/vocabularies/relation_kind.yaml"
RELATION_CODES = {t["code"] for t in yaml.safe_load(
    VOCABULARY.read_text(encoding="utf-8"))["terms"]}


@given(st.lists(st.text(max_size=30), max_size=3))
def test_any_relationship_name_guesses_a_relation_kind(texts: list[str]) -> None:
    # Property names, labels and relation types are typed by people in Uwazi: whatever they
    # say, the guess is a code of the relation_kind vocabulary.
    guessed = _relation_kind(texts)
    assert guessed in RELATION_CODES and set(RELATION_WORDS) <= RELATION_CODES
    # An earlier text that names a kind wins; else a later one does.
    assert _relation_kind([*texts, "Mother"]) == (guessed if guessed != "other" else "parent")
