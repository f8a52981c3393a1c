"""What every template may call: translations, the page language, labels of codes, links."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from sillok.archive.service import Archive
from sillok.errors import in_language
from sillok.tables.notes import text as report_line
from sillok.web import auth, i18n
from sillok.web.edit_forms import label_of
from sillok.web.evidence_panels import custody_label
from sillok.web.labels import (
    MONTHS_EN,
    Labels,
    date_label,
    field_rows,
    linkify,
    pick,
    public_note,
    record_label,
    record_url,
    value_parts,
)
from sillok.web.search_routes import search_url

TYPE_LABELS = {"source": ("Source", "자료"), "event": ("Event", "사건"),
               "act": ("Act", "행위"), "person": ("Person", "인물"), "place": ("Place", "장소"),
               "term": ("Term", "용어"), "involvement": ("Involvement", "관여"),
               "evidence": ("Evidence", "근거"),
              "relation": ("Relation", "관계")}
FACET_LABELS = {"type": ("Record type", "기록 종류"), "lang": ("Language", "언어"),
                "year": ("Year", "연도"), "kind": ("Kind", "종류"),
                "source_kind": ("Source kind", "자료 유형"), "act_type": ("Violation", "침해 유형"),
                "province": ("Province", "도"), "facility_type": ("Facility", "시설 유형")}
SUGGESTION_LABELS = {"date": ("Date", "날짜"), "count": ("Count", "인원"),
                     "person": ("Person", "인물"), "place": ("Place", "장소"),
                     "organisation": ("Organisation", "기관"), "term": ("Violation", "침해 유형")}
LEVEL_LABELS = {"public": ("Public", "공개"), "internal": ("Internal", "내부"),
                "restricted": ("Restricted", "제한")}
ACTION_LABELS = {"create": ("created", "작성"), "update": ("changed", "수정"),
                 "retract": ("retracted", "철회"), "merge": ("merged", "병합"),
                 "unmerge": ("unmerged", "병합 취소"),
                 "different": ("not the same", "동일인 아님"), "unsure": ("unsure", "판단 보류"),
                 "reconsider": ("answer taken back", "판단 취소"),
                 "level": ("level changed", "공개 등급 변경"),
                 "cite-withheld": ("cited as a withheld source", "비공개 자료로 인용"),
                 "assign": ("assigned", "담당자 지정")}
# What the other person of a relation is to the person whose page it is (archive/related.py).
RELATION_ROLES = {"parent": ("Parent", "부모"), "child": ("Child", "자녀"),
                  "sibling": ("Sibling", "형제자매"), "spouse": ("Spouse", "배우자"),
                  "witness_of": ("Witness of what happened to this person",
                                 "이 인물의 피해 목격자"),
                  "witnessed": ("Whose case this person witnessed", "이 인물이 목격한 피해자"),
                  "other": ("Other relation", "기타 관계")}
LANG_LABELS = {"ko": "한국어", "en": "English", "mixed": "한국어 + English"}


def form_value(value: Any) -> str:
    """A field's value in one line for the history and the conflict page: lists joined,
    names with their writing system, nothing as a dash."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return i18n.gettext("yes") if value else i18n.gettext("no")
    if isinstance(value, list):
        return ", ".join(form_value(v) for v in value)
    if isinstance(value, dict):
        if "name" in value:
            system = value.get("system")
            return f"{value['name']} ({system})" if system else str(value["name"])
        if "type" in value and "id" in value:
            return f"{value['type']} #{value['id']}" if value["id"] is not None else "—"
        return ", ".join(f"{k}: {form_value(v)}" for k, v in value.items())
    return str(value)


def staff_url(item: dict[str, Any]) -> str:
    """A record's page in the workspace (a source's is its coding page)."""
    if item.get("type") == "source":
        return f"/staff/sources/{item.get('id')}"
    return f"/staff/records/{item.get('type')}/{item.get('id')}"


def when(iso: Any) -> str:
    """An ISO 8601 time as minutes, UTC."""
    text = str(iso or "")
    return f"{text[:10]} {text[11:16]} UTC" if len(text) >= 16 else text


def install_template_globals(env: Environment, archive: Archive) -> None:
    labels = Labels(archive)
    env.filters["public_note"] = public_note
    env.filters["linkify"] = linkify
    # An import report's line (tables/notes.py) in the reader's language.
    env.filters["report_line"] = lambda line: report_line(line, i18n.current.get())
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]

    @pass_context
    def switch_lang_url(ctx: Context, lang: str) -> str:
        request = ctx.get("request")
        if request is None:
            return f"/?lang={lang}"
        params = dict(request.query_params)
        params["lang"] = lang
        return f"{request.url.path}?{urlencode(params)}"

    @pass_context
    def page_url(ctx: Context, lang: str | None = None) -> str:
        """This page's stable address: no parameters but, if given, the language."""
        request = ctx.get("request")
        # A publishing preview shows a record's public page at a workspace address: it
        # cites the address the public will read it at.
        path = ctx.get("public_path") or (request.url.path if request is not None else "/")
        base = str(request.base_url).rstrip("/") if request is not None else ""
        return f"{base}{path}" + (f"?lang={lang}" if lang else "")

    def today() -> str:
        now = datetime.now(UTC).date()
        if i18n.current.get() == "ko":
            return f"{now.year}년 {now.month}월 {now.day}일"
        return f"{now.day} {MONTHS_EN[now.month - 1]} {now.year}"

    def value_label(facet: str, value: Any) -> str:
        if facet == "type":
            return pick(TYPE_LABELS.get(str(value), (str(value), str(value))))
        if facet == "lang":
            return LANG_LABELS.get(str(value), str(value))
        if facet == "province":
            return labels.place(value)
        if facet in ("kind", "source_kind", "act_type", "facility_type"):
            return labels.term(value)
        return str(value)

    def staff_value(type_name: str, key: str, value: Any,
                    fields: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """A field's value on a workspace record page or in its history: labels, not codes;
        a reference links to the record's workspace page."""
        if value in (None, "", [], {}):
            return [{"text": "—", "url": None}]
        if key == "level":
            return [{"text": pick(LEVEL_LABELS.get(str(value), (str(value),) * 2)), "url": None}]
        if key == "language":
            return [{"text": LANG_LABELS.get(str(value), str(value)), "url": None}]
        if key == "protected" and isinstance(value, dict):
            return [{"text": f"{label_of(type_name, 'protected.' + k)}: {form_value(v)}",
                     "url": None} for k, v in value.items() if v not in (None, "")]
        if key.startswith("protected."):
            return [{"text": form_value(value), "url": None}]
        return value_parts(labels, key, value, fields or {}, staff_url) \
            or [{"text": form_value(value), "url": None}]

    env.globals.update(
        staff_value=staff_value,
        custody_label=custody_label,
        ui_lang=lambda: i18n.current.get(),
        switch_lang_url=switch_lang_url,
        kind_label=labels.term,
        place_name=lambda rec: labels.place_name(rec["fields"]["code"]),
        place_label=labels.place,
        page_url=page_url,
        today=today,
        date_label=date_label,
        field_rows=lambda fields: field_rows(labels, fields),
        record_label=lambda item: record_label(labels, item),
        staff_url=staff_url,
        relation_role=lambda code: pick(RELATION_ROLES.get(str(code), (str(code),) * 2)),
        type_label=lambda t: pick(TYPE_LABELS.get(str(t), (str(t), str(t)))),
        facet_label=lambda f: pick(FACET_LABELS.get(str(f), (str(f), str(f)))),
        suggestion_label=lambda k: pick(SUGGESTION_LABELS.get(str(k), (str(k), str(k)))),
        value_label=value_label,
        level_label=lambda v: pick(LEVEL_LABELS.get(str(v), (str(v), str(v)))),
        # A core message (a refusal) in the reader's language where the core gave both.
        said=lambda message: in_language(message, i18n.current.get()),
        field_label=label_of,
        action_label=lambda a: pick(ACTION_LABELS.get(str(a), (str(a), str(a)))),
        form_value=form_value,
        when=when,
        record_url=record_url,
        search_url=search_url,
        # The session's CSRF token: a hidden field in forms, a header for htmx (base.html).
        csrf_field=auth.csrf_field,
        csrf_token=auth.csrf_token,
        signed_in_as=auth.signed_in_as,
        may_use_workspace=auth.may_use_workspace,
    )
