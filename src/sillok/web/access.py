"""Who may use which route: one table, checked by tests/test_route_matrix.py against the
application's own route table, so a new route without a rule here fails the suite.

Rules:
- ``public``: anyone; what a page shows is filtered by the policy per actor.
- ``staff``: editors and admins; an anonymous visitor is sent to sign in, other roles get 403.
- ``account``: the signed-in user's own account page, for every staff role (viewers and
  analysts too); an anonymous visitor is sent to sign in, an API token gets 403.
- ``reader``: every signed-in staff role (viewers and analysts too); an anonymous visitor is
  sent to sign in (the estimates page: what it shows is the reader's own scope).
- ``admin``: administrators only; an anonymous visitor is sent to sign in, other roles get 403.
- ``signin``: the sign-in pages themselves (anyone; each checks its own form token).
- ``api``: the JSON API; anonymous requests see public data only, writes need a token or a
  session of a role that may write (the API's own tests cover its details).
- ``static``: files of the application itself (stylesheet, vendored scripts).
"""

from __future__ import annotations

from typing import Literal

Rule = Literal["public", "staff", "account", "reader", "admin", "signin", "api", "static"]

ROUTES: dict[str, Rule] = {
    "GET /": "public",
    "GET /about": "public",
    "GET /api/docs": "public",
    "GET /robots.txt": "public",
    "GET /favicon.ico": "public",
    "GET /search": "public",
    "GET /search/thesaurus": "public",
    "GET /sources": "public",
    "GET /sources/{source_id}": "public",
    "GET /events/{event_id}": "public",
    "GET /places/{code}": "public",
    "GET /terms/{vocabulary}/{code}": "public",
    "GET /records/{type_name}/{record_id}": "public",
    "GET /facilities": "public",
    "GET /facilities/{facility_code}": "public",
    "GET /timeline": "public",
    "GET /stats": "public",
    "GET /stats/{name}.csv": "public",
    "GET /data": "public",
    "GET /data/{name}.{ext}": "public",
    "GET /map": "public",
    "GET /map/data.geojson": "public",
    "GET /map/boundaries.geojson": "public",
    "GET /staff": "staff",
    "GET /staff/upload": "staff",
    "POST /staff/upload": "staff",
    "POST /staff/capture": "staff",
    "GET /staff/import": "staff",
    "POST /staff/import": "staff",
    "POST /staff/import/uwazi": "staff",
    "POST /staff/import/{token}": "staff",
    "GET /staff/jobs/{job_id}": "staff",
    "GET /staff/sources/{source_id}": "staff",
    "POST /staff/suggestions/{suggestion_id}/{decision}": "staff",
    "GET /staff/sources/{source_id}/suggestions": "staff",
    "POST /staff/suggestions/{suggestion_id}/accept": "staff",
    "POST /staff/suggestions/{suggestion_id}/dismiss": "staff",
    "POST /staff/suggestions/{suggestion_id}/undo": "staff",
    "POST /staff/sources/{source_id}/events": "staff",
    "POST /staff/sources/{source_id}/link": "staff",
    "POST /staff/sources/{source_id}/acts": "staff",
    "POST /staff/sources/{source_id}/persons": "staff",
    "POST /staff/sources/{source_id}/places": "staff",
    "GET /staff/records/{type_name}/{record_id}": "staff",
    "POST /staff/records/{type_name}/{record_id}/retract": "staff",
    "GET /staff/records/{type_name}/{record_id}/edit": "staff",
    "POST /staff/records/{type_name}/{record_id}/edit": "staff",
    "GET /staff/records/{type_name}/{record_id}/level": "staff",
    "POST /staff/records/{type_name}/{record_id}/level": "staff",
    "POST /staff/records/{type_name}/{record_id}/preview": "staff",
    "POST /staff/records/{type_name}/{record_id}/assign": "staff",
    "POST /staff/records/person/{person_id}/relations": "staff",
    "GET /staff/sources/{source_id}/original": "staff",
    "POST /staff/sources/{source_id}/ocr": "staff",
    "GET /staff/sources/{source_id}/ocr/jobs": "staff",
    "POST /staff/sources/{source_id}/ocr/correction": "staff",
    "POST /staff/sources/{source_id}/redactions": "staff",
    "POST /staff/sources/{source_id}/redactions/{mark_id}/remove": "staff",
    "GET /staff/sources/{source_id}/names": "staff",
    "POST /staff/consent/{subject_type}/{subject_id}": "staff",
    "POST /staff/sources/{source_id}/custody": "staff",
    "GET /staff/sources/{source_id}/custody.{fmt}": "staff",
    "POST /staff/sources/{source_id}/names": "staff",
    "GET /staff/lists/{plural}": "staff",
    "POST /staff/lists/{plural}/bulk": "staff",
    "GET /staff/saved-searches": "staff",
    "POST /staff/saved-searches": "staff",
    "GET /staff/saved-searches/{search_id}": "staff",
    "POST /staff/saved-searches/{search_id}/delete": "staff",
    "GET /staff/review": "staff",
    "POST /staff/review/{record_type}/{a}/{b}/undo": "staff",
    "POST /staff/review/{record_type}/{a}/{b}/{answer}": "staff",
    "GET /staff/pick/{kind}": "staff",
    "GET /staff/pick/{kind}/new": "staff",
    "POST /staff/pick/{kind}/new": "staff",
    "GET /staff/estimates": "reader",
    "POST /staff/estimates/publish": "admin",
    "POST /staff/estimates/{estimate_id}/unpublish": "admin",
    "GET /staff/account": "account",
    "POST /staff/account/totp": "account",
    "POST /staff/account/totp/confirm": "account",
    "POST /staff/account/totp/disable": "account",
    "POST /staff/account/tokens": "account",
    "POST /staff/account/tokens/{token_id}/revoke": "account",
    "GET /login": "signin",
    "POST /login": "signin",
    "GET /login/code": "signin",
    "POST /login/code": "signin",
    "POST /logout": "signin",
    "MOUNT /static": "static",
}
# Path patterns whose every route is governed by one rule (routers with many endpoints).
PREFIXES: dict[str, Rule] = {
    "/api/v1": "api",
}


def rule_for(method: str, path: str) -> Rule | None:
    rule = ROUTES.get(f"{method} {path}")
    if rule is not None:
        return rule
    for prefix, prefixed in PREFIXES.items():
        if path == prefix or path.startswith(prefix + "/"):
            return prefixed
    return None
