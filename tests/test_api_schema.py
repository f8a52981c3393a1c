"""The API against its own OpenAPI document, in process: schemathesis generates requests for
every GET operation from the schema and checks each answer — never a 5xx, status codes,
content types and bodies as documented. Examples are few and derandomized so that the test
is quick (well under a minute for both backends) and the same on every run."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings

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


def test_get_operations_match_the_schema(settings: Settings, archive: Archive) -> None:
    _seed(archive)
    app = create_app(settings)
    api_app(app).dependency_overrides[current_actor] = _actor_from_header
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.include(method="GET").get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                             derandomize=True, phases=[Phase.explicit, Phase.generate],
                             suppress_health_check=list(HealthCheck))
        def conforms(case: schemathesis.Case) -> None:
            case.call_and_validate()
            case.call_and_validate(headers=as_(EDITOR))

        conforms()
