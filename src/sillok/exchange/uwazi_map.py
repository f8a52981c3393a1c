"""Which Uwazi template becomes which Sillok record, and which property what: a mapping
guessed from template and property names (Korean or English) and Uwazi's property types,
written out as an editable YAML file by the dry run and read back for the real run.

    templates:
      Victim:                 # the template's name on the Uwazi server
        as: person            # person | event | source | ignore
        properties:
          sex: person.sex
          birth_year: person.birth_year
      Incident:
        as: event
        properties:
          date: date
          violation_type: act.type
          victims: victims    # a relationship to entities of a template mapped as person
      # On a person template, a relationship to persons: relation.parent, relation.child,
      # relation.sibling, relation.spouse, relation.witness_of or relation.other
      # ("the related person is the <kind> of this person").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sillok.errors import SillokError
from sillok.exchange.uwazi_client import UwaziData
from sillok.tables.columns import Said, guess, norm, read_yaml, write_yaml

KINDS = ("person", "event", "source", "ignore")
# What a property can become, per record type (the officer's choices in the mapping file).
_IGNORE = Said("가져오지 않음", "not imported")
TARGETS: dict[str, dict[str, Said]] = {
    "person": {
        "person.sex": Said("성별 (여/남, female/male, …)", "sex (여/남, female/male, …)"),
        "person.birth_year": Said("출생연도", "birth year"),
        "person.origin_place": Said("출신지 (지명 사전)", "place of origin (gazetteer)"),
        "person.name": Said("그 사람의 다른 이름 또는 가명",
                            "another name or alias of the person"),
        "description": Said("인물 설명에 보존", "kept in the person's description"),
        # A relationship to a person: "the related person is the <kind> of this person".
        "relation.parent": Said("관련 인물이 이 사람의 부모 (인물 사이의 관계)",
                                "the related person is this person's parent (a relation)"),
        "relation.child": Said("관련 인물이 이 사람의 자녀 (인물 사이의 관계)",
                               "the related person is this person's child (a relation)"),
        "relation.sibling": Said("관련 인물이 이 사람의 형제자매 (인물 사이의 관계)",
                                 "the related person is this person's sibling (a relation)"),
        "relation.spouse": Said("관련 인물이 이 사람의 배우자 (인물 사이의 관계)",
                                "the related person is this person's spouse (a relation)"),
        "relation.witness_of": Said("관련 인물이 이 사람에게 일어난 일의 목격자 (인물 사이의 관계)",
                                    "the related person witnessed what happened to this person "
                                    "(a relation)"),
        "relation.other": Said("관련 인물과의 기타 관계 (인물 사이의 관계)",
                               "another relation to the related person (a relation)"),
        "ignore": _IGNORE,
    },
    "event": {
        "date": Said("사건과 그 침해 행위의 날짜", "date of the event and its acts"),
        "place": Said("사건 장소 (지명 사전)", "place of the event (gazetteer)"),
        "act.type": Said("침해 유형 (침해 유형 어휘): 피해자와 유형마다 침해 행위 하나",
                         "violation type (act type vocabulary): one act per victim and type"),
        "victims": Said("피해자와의 관계 (person 으로 가져오는 템플릿)",
                        "relationship to the victims (a template mapped as person)"),
        "source": Said("자료와의 관계 (source 로 가져오는 템플릿)",
                       "relationship to the sources (a template mapped as source)"),
        "geolocation": Said("좌표 (설명에 보존)", "coordinates (kept in the description)"),
        "description": Said("사건 설명에 보존", "kept in the event's description"),
        "ignore": _IGNORE,
    },
    "source": {
        "date": Said("자료의 발행일 또는 기록일", "date the source was published or recorded"),
        "source.kind": Said("자료 종류 (증언, 보고서 …: 자료 종류 어휘)",
                            "kind of source (testimony, report, …: source kind vocabulary)"),
        "description": Said("자료 본문", "the source's text"),
        "ignore": _IGNORE,
    },
    "ignore": {"ignore": _IGNORE},
}
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "person": ("person", "persons", "people", "victim", "victims", "individual", "witness",
               "피해자", "인물", "사람", "개인", "증언자"),
    "event": ("event", "events", "incident", "incidents", "case", "cases", "violation",
              "violations", "사건", "사례", "인권침해", "침해"),
    "source": ("document", "documents", "source", "sources", "testimony", "testimonies",
               "report", "reports", "interview", "자료", "문서", "증언", "보고서", "출처", "면담"),
}
# tables/columns.py targets that mean the same for an Uwazi property.
_FROM_TABLE = {"person.sex": "person.sex", "person.birth_year": "person.birth_year",
               "person.origin_place": "person.origin_place", "date": "date", "place": "place",
               "act.type": "act.type", "geolocation": "geolocation",
               "event.description": "description", "source": "source",
               "person.name": "person.name"}


@dataclass(frozen=True)
class TemplateMap:
    name: str
    kind: str
    properties: dict[str, str]  # property name -> target


@dataclass(frozen=True)
class UwaziMapping:
    templates: dict[str, TemplateMap]  # by template name

    def for_template(self, data: UwaziData, template_id: str) -> TemplateMap | None:
        template = data.templates.get(template_id)
        return self.templates.get(str(template["name"])) if template else None


def guess_kind(template: dict[str, Any]) -> str:
    words = {norm(w) for w in str(template.get("name", "")).replace("/", " ").split()}
    words.add(norm(str(template.get("name", ""))))
    for kind, names in KIND_WORDS.items():
        if words & {norm(n) for n in names}:
            return kind
    types = {p.get("type") for p in template.get("properties") or []}
    return "event" if types & {"date", "daterange", "multidate"} else "ignore"


# Words of a relationship property's name, label or relation type, per relation_kind code.
RELATION_WORDS: dict[str, tuple[str, ...]] = {
    "parent": ("parent", "parents", "father", "mother", "부모", "아버지", "어머니", "부친",
               "모친"),
    "child": ("child", "children", "son", "sons", "daughter", "daughters", "자녀", "자식",
              "아들", "딸"),
    "sibling": ("sibling", "siblings", "brother", "brothers", "sister", "sisters", "형제",
                "자매", "형제자매", "형", "오빠", "누나", "언니", "동생"),
    "spouse": ("spouse", "husband", "wife", "배우자", "남편", "아내", "부인"),
    "witness_of": ("witness", "witnesses", "eyewitness", "eyewitnesses", "목격자", "증인"),
}


_RELATION_NORMS = {code: frozenset(norm(n) for n in names)
                   for code, names in RELATION_WORDS.items()}


def _relation_kind(texts: list[str]) -> str:
    """The relation_kind code the first of ``texts`` that names one says, else ``other``."""
    for text in texts:
        words = {norm(w) for w in text.replace("_", " ").replace("-", " ").split()}
        words.add(norm(text))
        for code, names in _RELATION_NORMS.items():
            if words & names:
                return code
    return "other"


def _guess_property(prop: dict[str, Any], kind: str, kinds: dict[str, str],
                    relation_types: dict[str, str]) -> str:
    allowed = TARGETS[kind]
    ptype = prop.get("type")
    if ptype == "relationship":
        related = kinds.get(str(prop.get("content") or ""))
        if kind == "event" and related == "person":
            return "victims"
        if kind == "event" and related == "source":
            return "source"
        if kind == "person" and related == "person":
            return "relation." + _relation_kind([
                str(prop.get("name", "")), str(prop.get("label", "")),
                relation_types.get(str(prop.get("relationType") or ""), "")])
        return "ignore"
    if ptype == "geolocation" and "geolocation" in allowed:
        return "geolocation"
    for text in (str(prop.get("name", "")), str(prop.get("label", ""))):
        target = _FROM_TABLE.get(guess(text))
        if target == "source":
            continue  # only a relationship can name a source record
        if target in allowed:
            return target
    if ptype in ("date", "daterange", "multidate", "multidaterange") and "date" in allowed:
        return "date"
    if ptype in ("text", "markdown") and "description" in allowed:
        return "description"
    if kind == "source" and ptype in ("select", "multiselect") and "kind" in norm(
            str(prop.get("name", ""))):
        return "source.kind"
    return "ignore"


def guessed(data: UwaziData) -> UwaziMapping:
    kinds = {tid: guess_kind(t) for tid, t in data.templates.items()}
    relation_types = {tid: str(t.get("name") or "") for tid, t in data.relation_types.items()}
    out: dict[str, TemplateMap] = {}
    for tid, template in data.templates.items():
        kind = kinds[tid]
        props = {str(p["name"]): (_guess_property(p, kind, kinds, relation_types)
                                  if kind != "ignore"
                                  else "ignore")
                 for p in template.get("properties") or [] if p.get("name")}
        out[str(template["name"])] = TemplateMap(str(template["name"]), kind, props)
    return UwaziMapping(out)


def write_mapping(mapping: UwaziMapping, path: Path, data: UwaziData) -> None:
    lines = [
        f"# Sillok mapping for the Uwazi server {data.url} "
        "(proposed by `sillok import --uwazi URL --dry-run`).",
        "# 템플릿마다 기록 종류(as)와 속성마다 가져올 곳을 고친 뒤 --mapping 으로 다시 "
        "실행하십시오.",
        "# Change 'as' (person, event, source, ignore) and the target of any property, then "
        f"run: sillok import --uwazi {data.url} --mapping {path.name} --dry-run",
        "# Targets / 대상:",
    ]
    for kind, targets in TARGETS.items():
        if kind != "ignore":
            lines.append(f"#   as {kind}:")
            lines += [f"#     {t}: {what.both()}" for t, what in targets.items()]
    doc = {"server": data.url, "templates": {
        name: {"as": t.kind, "properties": t.properties} for name, t in
        mapping.templates.items()}}
    write_yaml(path, lines, doc)


def read_mapping(path: Path, data: UwaziData) -> UwaziMapping:
    """The officer's mapping; every template and property on the server must be named once,
    with a target its record type allows."""
    doc = read_yaml(path)
    templates = doc.get("templates") if isinstance(doc, dict) else None
    if not isinstance(templates, dict):
        raise SillokError(f"{path}: expected a 'templates:' mapping")
    on_server = {str(t["name"]): t for t in data.templates.values()}
    problems: list[str] = []
    out: dict[str, TemplateMap] = {}
    for name in on_server:
        if name not in templates:
            problems.append(f"template '{name}': missing from the mapping")
    for name, spec in templates.items():
        name = str(name)
        if name not in on_server:
            problems.append(f"template '{name}': not on the server")
            continue
        spec = spec if isinstance(spec, dict) else {}
        kind = str(spec.get("as", ""))
        if kind not in KINDS:
            problems.append(f"template '{name}': 'as' must be one of {', '.join(KINDS)}")
            continue
        props = spec.get("properties") or {}
        names = [str(p["name"]) for p in on_server[name].get("properties") or []
                 if p.get("name")]
        problems += [f"{name}.{p}: missing from the mapping" for p in names
                     if p not in props]
        problems += [f"{name}.{p}: no such property" for p in props if str(p) not in names]
        problems += [f"{name}.{p}: '{t}' is not a target for a {kind} (one of "
                     f"{', '.join(TARGETS[kind])})" for p, t in props.items()
                     if str(t) not in TARGETS[kind]]
        out[name] = TemplateMap(name, kind, {str(p): str(t) for p, t in props.items()})
    if problems:
        raise SillokError(f"{path}: " + "; ".join(problems[:20]))
    return UwaziMapping(out)


def mapping_path_for(data: UwaziData, folder: Path) -> Path:
    host = "".join(c if c.isalnum() or c in "-." else "-" for c in data.host)
    return folder / f"uwazi-{host}.mapping.yaml"
