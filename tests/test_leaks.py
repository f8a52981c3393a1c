"""The leak test: unique markers in every restricted field and record, then everything the public
can reach — pages, search results, snippets and facets, statistics, open data files and the
public export — is crawled and searched for them. None may appear."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from fastapi.testclient import TestClient

from sillok.archive.public_export import export_public
from sillok.archive.redactions import add_mark
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.web.app import create_app
from tests.conftest import ADMIN, make_event, make_person, make_source

pytestmark = pytest.mark.usefixtures("search_engine")

MARKERS = ["LEAKSOURCETEXT", "LEAKSOURCETITLE", "누설자료표식", "LEAKEVENT", "LEAKACT",
           "누설이름표식", "Nusol Ireum", "LEAKREALNAME", "1911-11-11", "LEAKVILLAGE", "LEAKFAMILY",
           "LEAKCONTACT", "LEAKNOTES", "LEAKPLACE", "LEAKPERSONDESC", "LEAKINTERNAL",
           "LEAKREDACTED", "누설비공개표식"]


def _plant(archive: Archive) -> None:
    make_source(archive, level="restricted", title="LEAKSOURCETITLE 증언",
                text="[가상] 누설자료표식 LEAKSOURCETEXT 강제북송 회령")
    make_source(archive, level="internal", title="Internal memo",
                text="[Fictional] LEAKINTERNAL 강제북송")
    person = make_person(archive, level="restricted", name="누설이름표식",
                         description="LEAKPERSONDESC",
                         protected={"real_name": "LEAKREALNAME", "birth_date": "1911-11-11",
                                    "home_village": "LEAKVILLAGE", "family": "LEAKFAMILY",
                                    "contacts": "LEAKCONTACT", "notes": "LEAKNOTES"})
    archive.update(ADMIN, "person", person, {"names": [
        {"name": "누설이름표식", "system": "hangul"}, {"name": "Nusol Ireum", "system": "rr"}]})
    # A public source that names the restricted person: the names must be masked.
    make_source(archive, title="Public fictional report",
                text="[Fictional] 누설이름표식 씨, also written Nusol Ireum, and LEAKREALNAME "
                     "were seen in Hoeryong. 강제북송.")
    # A public source with a passage a coder marked for redaction.
    text = "[Fictional] 강제북송 in Hoeryong; LEAKREDACTED 누설비공개표식 told us. 회령."
    redacted = make_source(archive, title="Public fictional report, partly redacted", text=text)
    add_mark(archive, ADMIN, redacted, text.index("LEAKREDACTED"), text.index(" told"),
             "fictional: names a witness")
    archive.create(ADMIN, "place", {"level": "restricted", "code": "leak-camp",
                                    "kind": "facility", "parent": "kp-09",
                                    "en": "LEAKPLACE camp", "ko": "누설 수용소"})
    event = make_event(archive, level="restricted", title="LEAKEVENT arrest",
                       description="LEAKEVENT in detail", places=["leak-camp"])
    archive.create(ADMIN, "act", {"level": "restricted", "event": event,
                                  "act_type": "forced_repatriation", "victim": person,
                                  "description": "LEAKACT", "place": "leak-camp"})


def _check(where: str, body: str) -> None:
    found = [m for m in MARKERS if m in body]
    assert found == [], f"{where} shows {found}"


def test_nothing_restricted_reaches_the_public(archive: Archive, settings: Settings,
                                                tmp_path: Path) -> None:
    _plant(archive)
    with TestClient(create_app(settings)) as client:
        pages = ["/", "/sources", "/about", "/stats", "/data", "/places/leak-camp",
                 "/places/kp-09", "/terms/act_type/forced_repatriation"]
        pages += [f"/{kind}/{i}" for kind in ("sources", "events") for i in range(1, 12)]
        pages += [f"/records/{kind}/{i}" for kind in ("person", "act", "place", "evidence")
                  for i in range(1, 12)]
        for query in [*MARKERS, "강제북송", "회령", "Hoeryong", "forced repatriation",
                      "type:person", "type:event", "type:act", "type:source level:restricted"]:
            pages.append(f"/search?q={query}")
        data = client.get("/data").text
        pages += sorted(set(re.findall(r'href="(/data/[^"]+)"', data)))
        for url in pages:
            response = client.get(url)
            assert response.status_code < 500, url
            body = response.text
            if url.startswith("/search?q="):
                # The page repeats what the visitor typed; that is not the archive speaking.
                typed = url.removeprefix("/search?q=")
                body = body.replace(typed, "").replace(quote_plus(typed), "")
            _check(url, body)
    export_public(archive, tmp_path / "open")
    for path in (tmp_path / "open").iterdir():
        if path.suffix == ".sqlite":
            db = sqlite3.connect(path)
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
                _check(f"{path.name}:{table}", repr(db.execute(f'SELECT * FROM "{table}"')
                                                    .fetchall()))
            db.close()
        else:
            _check(path.name, path.read_text(encoding="utf-8"))


def test_nothing_restricted_reaches_the_public_through_the_api(archive: Archive,
                                                               settings: Settings) -> None:
    """The same markers, crawled through every read of the JSON API that the public may call:
    lists and records of every type, search with facets, suggestions, statistics, jobs."""
    _plant(archive)
    api = "/api/v1"
    with TestClient(create_app(settings)) as client:
        types = client.get(f"{api}/types").json()
        urls = [f"{api}/{t['plural']}?limit=500&include_retracted=true" for t in types]
        urls += [f"{api}/{t['plural']}/{i}" for t in types for i in range(1, 14)]
        urls += [f"{api}/{t['plural']}/{i}/history" for t in types for i in range(1, 6)]
        urls += [f"{api}/sources/{i}/suggestions" for i in range(1, 8)]
        urls += [f"{api}/jobs", f"{api}/stats/arrivals?by=quarter"]
        urls += [f"{api}/stats/acts?by={by}" for by in
                 ("type", "year", "province", "facility_type", "sex,age_group", "type,year",
                  "agency,province")]
        queries = [*MARKERS, "강제북송", "회령", "Hoeryong", "type:person", "type:act",
                   "place:leak-camp", "level:restricted"]
        seen = ""
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, url
            _check(url, response.text)
            seen += response.text
        # The crawl reaches what the public may read (so a leak there would be found).
        assert "Public fictional report" in seen and "Hoeryong" in seen
        for query in queries:
            response = client.get(f"{api}/search", params={"q": query, "facets": "true"})
            assert response.status_code == 200, query
            answer = response.json()
            answer.pop("query", None)  # the visitor's own words, echoed back
            _check(f"search {query}", repr(answer).replace(query, ""))
