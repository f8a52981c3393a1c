"""The statistics dashboard's filters: years, province and type of violation as form fields,
turned into the search bar's filter language that every count and download takes
(``from:2015 to:2020 province:"kp-10" act:"torture"``), so that the page, its CSV files and
/data read one filter the same way.

Staff with clearance (stats/disclosure.suppresses) see true counts and may also filter by the
victim's sex and see tables by sex and age group. The public does not: its figures are cut
from one protected table of type × year × province (stats/base_cube.py), and a breakdown by
sex or age is not part of it — the page says so instead of offering the fields. A ``sex``
asked for by the public is passed on, and refused with the cube's own reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from sillok.security.policy import Actor
from sillok.stats.disclosure import suppresses
from sillok.web.deps import page_actor

MAX_FILTER = 500  # characters; the search parser looks at no more than 1,000 either
MAX_FIELD = 80
# Form field → filter key, in the order they are written into the filter.
FIELDS = {"from": "from", "to": "to", "province": "province", "act": "act", "sex": "sex"}
STAFF_ONLY = ("sex",)
# Tables a dashboard chart can be downloaded as (/stats/{name}.csv), and their dimension.
CHART_TABLES = {"type": "type", "year": "year", "province": "province", "sex": "sex",
                "age_group": "age_group"}
STAFF_TABLES = ("sex", "age_group")


@dataclass
class Dashboard:
    actor: Actor
    staff: bool  # true counts and the staff-only fields and tables
    text: str  # the filter typed in the free field
    fields: dict[str, str] = field(default_factory=dict)  # the form fields filled in
    public_view: bool = False  # staff looking at the page as the public sees it

    @property
    def filter(self) -> str:
        """Everything asked, as one filter in the search language."""
        parts = [self.text] if self.text else []
        parts += [f'{FIELDS[k]}:"{v}"' for k, v in self.fields.items()]
        return " ".join(parts)

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(t for t in CHART_TABLES if self.staff or t not in STAFF_TABLES)

    def query(self, lang: str) -> dict[str, str]:
        """The page's parameters, for links that keep the reader's choices."""
        params = {k: v for k, v in self.fields.items()}
        if self.text:
            params["filter"] = self.text
        if self.public_view:
            params["view"] = "public"
        params["lang"] = lang
        return params


def dashboard(request: Request) -> Dashboard:
    """The reader's choices on /stats (or a download of one of its charts)."""
    actor = page_actor(request)
    cleared = not suppresses(actor)
    staff = cleared and request.query_params.get("view") != "public"
    text = (request.query_params.get("filter") or "").strip()[:MAX_FILTER]
    fields = {}
    for name in FIELDS:
        # Quotes would end the value early and let it add other filters.
        value = (request.query_params.get(name) or "").replace('"', "").strip()[:MAX_FIELD]
        if value:
            fields[name] = value
    return Dashboard(actor if staff else Actor.anonymous(), staff, text, fields,
                     public_view=cleared and not staff)
