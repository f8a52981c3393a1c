"""One-off: geoBoundaries gbOpen PRK ADM2 (TopoJSON) -> src/sillok/data/boundaries/kp-adm2.geojson.

Nothing of this runs in Sillok; it needs shapely (not a dependency of Sillok: run it from a
throwaway virtualenv with ``pip install shapely==2.1.2 pyyaml``), and the source file, which is
not shipped:

    PYTHONPATH=src /tmp/geo-venv/bin/python scripts/make_county_boundaries.py \
        /tmp/prk-adm2.topojson > /tmp/adm2-report.txt

How (data/boundaries/README.md, "Counties (ADM2)"): every TopoJSON arc is a border shared by
two counties (or a coast); each arc is simplified once, with its ends fixed, and rounded to
three decimals, so two neighbours get the very same line and still meet exactly. The rings
are then put together from the arcs, made valid, and islets dropped. Each county is matched to
the gazetteer's county or city by name key (language/names.py: any romanization) and by
province (the ADM1 province of kp-adm1.geojson its inside point falls in).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
from shapely import make_valid
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, mapping, shape
from shapely.ops import unary_union

from sillok.language.names import hangul_keys, latin_keys

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "sillok" / "data"
TOLERANCE = 0.004  # degrees (about 400 m): the map is read at county scale, no finer
ISLET = 0.0006  # square degrees (about 5 km²): smaller parts are dropped, unless the only one
COMMIT = "452e11b6b2de47859b6aba74bd376365b47ed612"
SUFFIXES_EN = (" city", " dist.", " county", "-gun", "-si", "-kun", "-shi")
SUFFIXES_KO = ("군", "시", "구역")


def arcs_of(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def simplified(arc: list[tuple[float, float]]) -> list[tuple[float, float]]:
    line = LineString(arc)
    if len(arc) > 2 and arc[0] != arc[-1]:
        line = line.simplify(TOLERANCE, preserve_topology=True)
    elif len(arc) > 4:  # a closed arc (an island): keep it a ring
        line = line.simplify(TOLERANCE / 2, preserve_topology=True)
    return [(round(x, 3), round(y, 3)) for x, y in line.coords]


def ring(indices: list[int], arcs: list[list[tuple[float, float]]],
         raw: list[list[tuple[float, float]]]) -> tuple[list[tuple[float, float]], bool]:
    """The ring of ``indices`` (a negative index is arc ~i reversed); also whether the raw
    arcs close (a check that the file came through whole)."""
    points: list[tuple[float, float]] = []
    closes = True
    last = None
    for i in indices:
        part, whole = (arcs[i], raw[i]) if i >= 0 else (arcs[~i][::-1], raw[~i][::-1])
        if last is not None and abs(last[0] - whole[0][0]) + abs(last[1] - whole[0][1]) > 1e-9:
            closes = False
        last = whole[-1]
        points.extend(part if not points else part[1:])
    first = raw[indices[0]][0] if indices[0] >= 0 else raw[~indices[0]][-1]
    if last is None or abs(last[0] - first[0]) + abs(last[1] - first[1]) > 1e-9:
        closes = False
    return points, closes


def polygons(geometry: dict[str, Any], arcs: list[Any], raw: list[Any]) -> tuple[Any, bool]:
    parts = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    polys, whole = [], True
    for rings in parts:
        built = []
        for r in rings:
            pts, ok = ring(r, arcs, raw)
            whole &= ok
            built.append(pts)
        if len(built[0]) >= 4:
            polys.append(Polygon(built[0], [h for h in built[1:] if len(h) >= 4]))
    geom = make_valid(MultiPolygon(polys) if len(polys) > 1 else polys[0])
    geom = unary_union([g for g in getattr(geom, "geoms", [geom])
                        if g.geom_type in ("Polygon", "MultiPolygon")])
    return geom, whole


def without_islets(geom: Any) -> Any:
    parts = list(getattr(geom, "geoms", [geom]))
    keep = [p for p in parts if p.area >= ISLET] or [max(parts, key=lambda p: p.area)]
    return keep[0] if len(keep) == 1 else MultiPolygon(keep)


def rounded(geom: Any) -> dict[str, Any]:
    def fix(coords: Any) -> Any:
        if isinstance(coords[0], (int, float)):
            return [round(coords[0], 3), round(coords[1], 3)]
        return [fix(c) for c in coords]
    out = mapping(geom)
    return {"type": out["type"], "coordinates": fix(json.loads(json.dumps(out["coordinates"])))}


def key(name: str) -> str | None:
    plain = name.strip().lower()
    for suffix in SUFFIXES_EN:
        if plain.endswith(suffix):
            plain = plain[: -len(suffix)]
    if any("\uac00" <= c <= "\ud7a3" for c in plain):
        for suffix in SUFFIXES_KO:
            if plain.endswith(suffix) and len(plain) > 2:
                plain = plain[: -len(suffix)]
        keys = hangul_keys(plain)
    else:
        keys = latin_keys(plain)
    return keys[-1] if keys else None


def main(source: str) -> None:
    topo = json.loads(Path(source).read_text(encoding="utf-8"))
    raw = arcs_of(topo)
    arcs = [simplified(a) for a in raw]
    places = yaml.safe_load((DATA / "gazetteer.yaml").read_text(encoding="utf-8"))["places"]
    counties = [p for p in places if p["kind"] in ("county", "city")]
    provinces = {f["properties"]["code"]: shape(f["geometry"]) for f in json.loads(
        (DATA / "boundaries" / "kp-adm1.geojson").read_text(encoding="utf-8"))["features"]}
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for p in counties:
        for name in [p["en"], p["ko"], *(n["name"] for n in p.get("names", []))]:
            k = key(name)
            if k:
                by_key.setdefault((k, p["parent"]), p)
    features, unmatched, broken = [], [], []
    matched: dict[str, str] = {}
    for g in next(iter(topo["objects"].values()))["geometries"]:
        props = g["properties"]
        geom, whole = polygons(g, arcs, raw)
        if not whole:
            broken.append(props["shapeName"])
        inside = geom.representative_point()
        parent = next((c for c, s in provinces.items() if s.contains(inside)), None) or min(
            provinces, key=lambda c: provinces[c].distance(Point(inside)))
        gaz = by_key.get((key(props["shapeName"]) or "", parent))
        if gaz and gaz["code"] in matched.values():
            gaz = None  # two shapes of one name (Unsan): neither claims the entry twice
        name = props["shapeName"]
        if gaz:
            matched[name + " / " + props["shapeID"]] = gaz["code"]
        else:
            unmatched.append(f"{name} ({parent})")
        features.append({"type": "Feature", "properties": {
            "code": gaz["code"] if gaz else None,
            "kind": gaz["kind"] if gaz else ("city" if name.endswith(" City") else "county"),
            "parent": parent, "name_en": gaz["en"] if gaz else name,
            "name_ko": gaz["ko"] if gaz else None, "shapeName": name,
            "shapeID": props["shapeID"]}, "geometry": rounded(without_islets(geom))})
    doc = {"type": "FeatureCollection", "attribution": {
        "covers": "North Korea (counties)", "covers_ko": "북한 (군·시)",
        "credit": "OCHA ROAP / World Food Programme (via HDX); geoBoundaries "
                  "(www.geoboundaries.org)",
        "licence": "Creative Commons Attribution 3.0 IGO (CC BY 3.0 IGO)",
        "licence_short": "CC BY 3.0 IGO",
        "licence_url": "https://creativecommons.org/licenses/by/3.0/igo/",
        "source": "geoBoundaries gbOpen PRK ADM2, boundaryID PRK-ADM2-80341285 (sources: HDX,"
                  " World Food Programme; boundaryYear 2019), wmgeolab/geoBoundaries "
                  "releaseData/gbOpen/PRK/ADM2/geoBoundaries-PRK-ADM2_simplified.topojson, "
                  f"commit {COMMIT}",
        "made": "simplified for Sillok (changed from the source): see "
                "data/boundaries/README.md"}, "features": features}
    out = DATA / "boundaries" / "kp-adm2.geojson"
    out.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    missing = sorted(p["code"] for p in counties if p["code"] not in matched.values())
    print(f"shapes: {len(features)}; arcs not closing: {broken or 'none'}")
    print(f"size: {out.stat().st_size} bytes; vertices: "
          f"{sum(len(json.dumps(f['geometry'])) for f in features)} chars of coordinates")
    print(f"matched: {len(matched)} of {len(counties)} gazetteer counties and cities")
    for shape_name, code in sorted(matched.items()):
        print(f"  {code} <- {shape_name}")
    print(f"gazetteer entries without a shape: {missing or 'none'}")
    print(f"shapes without a gazetteer entry: {len(unmatched)}: {', '.join(unmatched)}")


if __name__ == "__main__":
    main(sys.argv[1])
