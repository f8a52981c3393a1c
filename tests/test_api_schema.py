"""The API against its own OpenAPI document, in process: schemathesis generates requests for
every GET operation from the schema and checks each answer — never a 5xx, status codes,
content types and bodies as documented. Examples are few and derandomized so that the test
is quick (well under a minute for both backends) and the same on every run."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.web.api.deps import current_actor
from sillok.web.app import create_app
from tests.api_helpers import _actor_from_header, api_app, as_
from tests.conftest import ADMIN, EDITOR, make_event, make_person, make_source

EXAMPLES = 12  # per operation and role


def _seed(archive: Archive) -> None:
    """A few fictional records of each level, so that generated ids find some."""
    for level in ("public", "internal", "restricted"):
        source = make_source(archive, level=level, text="[가상] 2023년 5월 8일 회령에서 탈북민 "
                                                         "5명이 체포됐다.")
        victim = make_person(archive, level=level, name=f"가상인물{level}")
        event = make_event(archive, level=level)
        archive.create(ADMIN, "act", {"level": level, "event": event, "act_type": "detention",
                                      "victim": victim, "date": "2023-05"})
        archive.create(ADMIN, "evidence", {"level": level, "source": source,
                                           "record": {"type": "event", "id": event},
                                           "quote": "회령"})


def _operations(settings: Settings, archive: Archive, *methods: str) -> list[Any]:
    _seed(archive)
    app = create_app(settings)
    api_app(app).dependency_overrides[current_actor] = _actor_from_header
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.include(method=list(methods)).get_all_operations()]


def _conforms(operation: Any, examples: int, excluded: list[Any],
              *headers: dict[str, str]) -> None:
    """Generated requests for one operation, each sent with every set of headers and its
    answer checked against the schema (never a 5xx, documented status and body)."""
    @given(case=operation.as_strategy())
    @hypothesis_settings(max_examples=examples, deadline=None, database=None,
                         derandomize=True, phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck))
    def conforms(case: Any) -> None:
        for sent in headers:
            case.call_and_validate(headers=sent, excluded_checks=excluded)

    conforms()


def test_get_operations_match_the_schema(settings: Settings, archive: Archive) -> None:
    operations = _operations(settings, archive, "GET")
    assert len(operations) >= 20
    for operation in operations:
        # The statistics filter is text in the search bar's language ("place:ryanggang
        # from:2015"): whether a value names a real place or year is beyond what a schema
        # can say, so a well-formed but unknown filter is a 422 there (tested in
        # test_api_stats.py, test_map.py), and the check that schema-valid input is accepted
        # is left out for those operations only.
        excluded = ([positive_data_acceptance]
                    if operation.definition.raw.get("operationId") in ("stats_acts",
                                                                        "map_counts")
                    else [])
        _conforms(operation, EXAMPLES, excluded, {}, as_(EDITOR))


def test_write_operations_never_fail_on_the_server(settings: Settings,
                                                   archive: Archive) -> None:
    """Generated bodies for every create, change and retract, sent by an editor: refused
    with a 4xx and a JSON error, or done with the documented answer — never a 5xx. Whether
    a generated record is valid depends on the archive (codes, references), which no
    schema says, so a 4xx for schema-valid data is accepted here."""
    operations = _operations(settings, archive, "POST", "PATCH")
    assert len(operations) >= 20
    for operation in operations:
        if operation.definition.raw.get("operationId") == "ingest":
            # Uploads start background jobs that would outlive this test's database; the
            # upload's refusals and answers are tested in test_api_ingest.py.
            continue
        _conforms(operation, EXAMPLES // 2, [positive_data_acceptance], as_(EDITOR))
