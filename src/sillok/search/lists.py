"""The staff workspace's lists (issue 18 point 8): sources, events, acts and persons with
their level, filtered by facets, sorted, searched, a page at a time.

Visibility is the policy's, in the query (``visible_filter``); labels and fields are the
records' views as the actor may see them (archive/views.py), names masked for readers not
cleared for them. A text query is answered by the search service (same index, same policy)
and the list keeps its best ``MAX_MATCHES`` matches, then filters and sorts those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, extract, func, select
from sqlalchemy.orm import Session

from sillok.archive import views
from sillok.archive.assignments import assignees
from sillok.archive.audit import audit_bulk_read
from sillok.archive.kinds import Kind, kind_named
from sillok.archive.redact import mask_view
from sillok.archive.service import Archive
from sillok.db import models as m
from sillok.errors import Invalid
from sillok.search.service import search
from sillok.security.policy import Actor, visible_filter

# The lists, by the plural in their address.
LISTS = {"sources": "source", "events": "event", "acts": "act", "persons": "person"}
PER_PAGE = 25
MAX_PAGE = 2_000
MAX_MATCHES = 1_000
SEARCH_BATCH = 200
# Facets of each list: name → the column counted. "assignee" is every list's.
FACETS: dict[str, dict[str, Any]] = {
    "source": {"level": m.Source.level, "kind": m.Source.kind, "language": m.Source.language,
               "year": extract("year", m.Source.published_start)},
    "event": {"level": m.Event.level, "year": extract("year", m.Event.date_start)},
    "act": {"level": m.Act.level, "act_type": m.Act.act_type,
            "year": extract("year", m.Act.date_start)},
    "person": {"level": m.Person.level, "kind": m.Person.kind, "sex": m.Person.sex},
}
ASSIGNEE = "assignee"
NOBODY = "-"  # the assignee facet's value for records assigned to nobody
SORTS = ("updated", "newest", "oldest", "title", "id", "relevance")
# The parameters a list's address (and a saved search) may hold.
PARAM_KEYS = ("q", "sort", "view", ASSIGNEE, *sorted({k for f in FACETS.values() for k in f}))


@dataclass
class ListQuery:
    type_name: str
    q: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = ""
    page: int = 1

    @property
    def sort_used(self) -> str:
        if self.sort:
            return self.sort
        return "relevance" if self.q.strip() else "updated"


@dataclass
class ListPage:
    total: int
    items: list[dict[str, Any]]
    facets: dict[str, list[tuple[str, int]]]
    sorts: list[str]
    last_page: int
    capped: bool = False  # the text query matched more than MAX_MATCHES records


def sorts_of(type_name: str, with_query: bool) -> list[str]:
    out = [s for s in SORTS if s != "relevance" or with_query]
    if type_name == "person":
        out.remove("title")
    return out


def _date(model: Any) -> Any:
    return getattr(model, "published_start", None) or getattr(model, "date_start", None)


def _order(kind: Kind, sort: str, ranked: list[int] | None) -> list[Any]:
    model = kind.model
    dated = _date(model)
    if sort == "newest" and dated is not None:
        return [dated.desc().nulls_last(), model.id.desc()]
    if sort == "oldest" and dated is not None:
        return [dated.asc().nulls_last(), model.id]
    if sort in ("newest", "oldest"):
        return [model.id.desc() if sort == "newest" else model.id]
    if sort == "title":
        column = model.act_type if kind.name == "act" else model.title
        return [column, model.id]
    if sort == "id":
        return [model.id]
    if sort == "relevance" and ranked:
        return []  # ordered in Python, by the search's rank
    return [model.updated_at.desc(), model.id.desc()]


def _filter(kind: Kind, key: str, value: str) -> ColumnElement[bool]:
    if key == ASSIGNEE:
        mine = select(m.Assignment.record_id).where(m.Assignment.record_type == kind.name)
        clause: ColumnElement[bool] = (
            kind.model.id.not_in(mine) if value == NOBODY
            else kind.model.id.in_(mine.where(m.Assignment.assignee == value)))
        return clause
    if key not in FACETS[kind.name]:
        raise Invalid({key: f"not a filter of this list ({', '.join(FACETS[kind.name])}, "
                            f"{ASSIGNEE})"})
    try:
        return kind.filters[key](value)
    except ValueError as exc:
        raise Invalid({key: str(exc)}) from None


def _matches(archive: Archive, actor: Actor, type_name: str, q: str) -> tuple[list[int], bool]:
    """The ids of the best matches of ``q`` among the records of the type, best first."""
    ids: list[int] = []
    offset, total = 0, 0
    while offset < MAX_MATCHES:
        found = search(archive, actor, f"{q} type:{type_name}", limit=SEARCH_BATCH,
                       offset=offset)
        total = found.total
        ids += [int(i["id"]) for i in found.items if i["type"] == type_name]
        offset += SEARCH_BATCH
        if not found.items or offset >= total:
            break
    return list(dict.fromkeys(ids))[:MAX_MATCHES], total > MAX_MATCHES


def _facet_counts(session: Session, kind: Kind, base: list[Any],
                  conditions: dict[str, ColumnElement[bool]]) -> dict[str, list[tuple[str, int]]]:
    """Each facet's values with their counts, under every filter but its own (so that another
    value of the same facet can be chosen)."""
    out: dict[str, list[tuple[str, int]]] = {}
    for name, column in FACETS[kind.name].items():
        where = [*base, *(c for k, c in conditions.items() if k != name)]
        rows = session.execute(select(column, func.count()).select_from(kind.model)
                               .where(*where).group_by(column)
                               .order_by(func.count().desc(), column)).all()
        out[name] = [(_value(v), int(n)) for v, n in rows if v is not None]
    where = [*base, *(c for k, c in conditions.items() if k != ASSIGNEE)]
    who = func.coalesce(m.Assignment.assignee, NOBODY)
    rows = session.execute(
        select(who, func.count()).select_from(kind.model)
        .outerjoin(m.Assignment, (m.Assignment.record_type == kind.name)
                   & (m.Assignment.record_id == kind.model.id))
        .where(*where).group_by(who).order_by(func.count().desc(), who)).all()
    out[ASSIGNEE] = [(str(v), int(n)) for v, n in rows]
    return out


def _value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def list_page(archive: Archive, actor: Actor, lq: ListQuery,
              per_page: int = PER_PAGE) -> ListPage:
    """A page of the list ``lq`` asks for, as ``actor`` may see it."""
    kind = kind_named(lq.type_name)
    if kind.name not in LISTS.values():
        raise Invalid({"type": f"no list of {kind.plural}"})
    sort = lq.sort_used
    if sort not in sorts_of(kind.name, bool(lq.q.strip())):
        raise Invalid({"sort": f"'{sort}' is not one of: "
                               f"{', '.join(sorts_of(kind.name, bool(lq.q.strip())))}"})
    page = min(max(lq.page, 1), MAX_PAGE)
    conditions = {k: _filter(kind, k, v) for k, v in lq.filters.items() if v}
    ranked: list[int] | None = None
    capped = False
    if lq.q.strip():
        ranked, capped = _matches(archive, actor, kind.name, lq.q.strip())
    base: list[Any] = [visible_filter(kind.model, actor), kind.model.retracted_at.is_(None)]
    if ranked is not None:
        base.append(kind.model.id.in_(ranked))
    where = [*base, *conditions.values()]
    with archive.transaction() as session:
        total = int(session.execute(select(func.count()).select_from(kind.model)
                                    .where(*where)).scalar_one())
        facets = _facet_counts(session, kind, base, conditions)
        order = _order(kind, sort, ranked)
        if order:
            rows = list(session.execute(
                select(kind.model).where(*where).order_by(*order)
                .limit(per_page).offset((page - 1) * per_page)).scalars())
        else:
            # Relevance: the search's order, the page cut from the filtered matches.
            kept = set(session.execute(select(kind.model.id).where(*where)).scalars())
            chosen = [i for i in (ranked or []) if i in kept]
            chosen = chosen[(page - 1) * per_page:page * per_page]
            found = {o.id: o for o in session.execute(
                select(kind.model).where(kind.model.id.in_(chosen))).scalars()}
            rows = [found[i] for i in chosen if i in found]
        items = [views.view(kind, obj, session, actor, full=False) for obj in rows]
        masker = views.masker_of(session, archive.settings.data_dir, actor)
        if masker is not None:
            items = [mask_view(item, masker) for item in items]
        who = assignees(session, kind.name, [int(o.id) for o in rows])
        for item, obj in zip(items, rows, strict=True):
            item["assignee"] = who.get(int(obj.id))
            item["updated_at"] = obj.updated_at.isoformat()
        audit_bulk_read(session, actor, "list", kind.name,
                        [obj.id for obj in rows if obj.level == "restricted"],
                        {"q": lq.q, "filters": lq.filters, "sort": sort, "page": page,
                         "total": total})
    return ListPage(total=total, items=items, facets=facets,
                    sorts=sorts_of(kind.name, bool(lq.q.strip())),
                    last_page=max(1, -(-total // per_page)), capped=capped)


def labels_of(archive: Archive, actor: Actor, type_name: str, ids: list[int]
              ) -> dict[int, dict[str, Any]]:
    """``{"type", "id", "label", "level"}`` of each record among ``ids`` the actor may see
    (names masked as in every view), for a report about rows of a list."""
    kind = kind_named(type_name)
    with archive.transaction() as session:
        rows = session.execute(select(kind.model).where(
            kind.model.id.in_(sorted({int(i) for i in ids})),
            visible_filter(kind.model, actor))).scalars().all()
        items = [{"type": kind.name, "id": int(o.id), "level": o.level,
                  "label": views.label(session, actor, kind.name, o)} for o in rows]
        masker = views.masker_of(session, archive.settings.data_dir, actor)
        if masker is not None:
            items = [mask_view(item, masker) for item in items]
    return {int(item["id"]): item for item in items}
