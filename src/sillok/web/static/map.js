// The map page (map.html). Leaflet draws the shipped boundaries (no tiles: the base map is the
// provinces themselves, with China and Russia near the border) and, over them, the counts the
// server sent for this reader — already coarsened and suppressed there (stats/geo.py): a region
// missing from the data is drawn grey, with no number, whether it has no record or a hidden
// one. A reader whose grain is county (staff; cfg.counties) also gets the counties — their
// outlines and a county choropleth, chosen with the layer switch; the public gets no county
// at all, from the server. Settings come as JSON in the page, as the Content-Security-Policy
// allows no inline script.
(async function () {
  const cfg = JSON.parse(document.getElementById("map-config").textContent);
  const words = cfg.labels;
  const nameKey = cfg.lang === "ko" ? "name_ko" : "name_en";
  const box = document.getElementById("map");
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const get = (url) => fetch(url, {credentials: "same-origin"}).then((r) => r.json());
  const sep = cfg.data.includes("?") ? "&" : "?";
  const layer = (name) => get(cfg.data + sep + "layer=" + name);
  const none = {type: "FeatureCollection", features: []};
  const [base, data, facilities, counties, outlines] = await Promise.all([
    get(cfg.boundaries), get(cfg.data), layer("facility"),
    cfg.counties ? layer("county") : none, cfg.counties ? layer("outline") : none]);

  const map = L.map(box, {zoomSnap: 0.25, scrollWheelZoom: false});
  map.attributionControl.setPrefix(false);
  for (const a of base.attribution.sources) {
    map.attributionControl.addAttribution(`${esc(a.credit)} — ${esc(a.licence_short)}`);
  }
  if (counties.attribution) {  // the county shapes' credit, for those who get them
    const a = counties.attribution;
    map.attributionControl.addAttribution(`${esc(a.credit)} — ${esc(a.licence_short)}`);
  }
  const outline = L.geoJSON(base, {
    interactive: false,
    style: {color: "#8a8a8a", weight: 1, fillColor: "#f1f1ee", fillOpacity: 1},
  }).addTo(map);
  // The view is North Korea; the neighbours (kind "country", shipped clipped) show at its edges.
  const home = L.geoJSON({type: "FeatureCollection",
                          features: base.features.filter((f) => f.properties.kind !== "country")});
  map.fitBounds(home.getBounds().pad(0.08));

  // Five classes by share of the largest count: colours of the legend (sillok.css .map-c0-4).
  const ramp = ["#fde0c5", "#facba6", "#f59e72", "#e9724c", "#c8503b"];
  const choropleth = (doc, weight) => {
    const drawn = doc.features.filter((f) => f.geometry);
    const top = Math.max(1, ...drawn.map((f) => f.properties.acts));
    const step = top / 5;
    const cls = (n) => Math.max(0, Math.min(4, Math.ceil(n / step) - 1));
    const group = L.geoJSON({type: "FeatureCollection", features: drawn}, {
      style: (f) => ({color: "#5b5b5b", weight: weight, fillColor: ramp[cls(f.properties.acts)],
                      fillOpacity: 0.9}),
      onEachFeature: (f, shape) => {
        const p = f.properties;
        // A row added up from narrower types has acts only (victims cannot be added up).
        const more = p.victims === null ? "" :
          ` · ${p.victims} ${esc(words.victims)} · ${p.events} ${esc(words.events)}`;
        shape.bindTooltip(`<strong>${esc(p[nameKey])}</strong><br>${p.acts} ` +
                          `${esc(words.acts)}` + more, {sticky: true});
      },
    });
    return {group, drawn: drawn.length, step};
  };
  const byProvince = choropleth(data, 1);
  let shown = byProvince;
  byProvince.group.addTo(map);
  if (cfg.counties) {
    // Every county's outline under the counties with records; province borders stay on top.
    const byCounty = choropleth(counties, 0.6);
    const lines = L.geoJSON(outlines, {interactive: false, style: {
      color: "#9a9a9a", weight: 0.5, fillColor: "#f1f1ee", fillOpacity: 1}});
    const borders = L.geoJSON(base, {interactive: false, style: {
      color: "#4a4a4a", weight: 1.5, fill: false}});
    byCounty.layers = L.layerGroup([lines, byCounty.group, borders]);
    byProvince.layers = byProvince.group;
    // A layer group adds its layers in no set order: the counts go over the outlines, the
    // province borders over both.
    const stack = () => { byCounty.group.bringToFront(); borders.bringToFront(); };
    map.removeLayer(byProvince.group);
    byCounty.layers.addTo(map);
    stack();
    shown = byCounty;
    const choice = {};
    choice[esc(words.by_county)] = byCounty.layers;
    choice[esc(words.by_province)] = byProvince.layers;
    L.control.layers(choice, null, {collapsed: false, position: "topright"}).addTo(map);
    map.on("baselayerchange", (e) => {
      shown = e.layer === byCounty.layers ? byCounty : byProvince;
      if (shown === byCounty) stack();
      legend.remove();
      legend.addTo(map);
      box.dataset.layer = shown === byCounty ? "county" : "province";
    });
    box.dataset.counties = String(byCounty.drawn);
    box.dataset.outlines = String(outlines.features.length);
    box.dataset.layer = "county";
  }
  // Every province's name in the reader's language, on the base map.
  const view = map.getBounds();
  for (const f of base.features) {
    // A neighbour's name goes in the middle of the part of it that is in view.
    const b = L.geoJSON(f).getBounds();
    const centre = f.properties.kind !== "country" ? b.getCenter() : L.latLngBounds(
      [Math.max(b.getSouth(), view.getSouth()), Math.max(b.getWest(), view.getWest())],
      [Math.min(b.getNorth(), view.getNorth()), Math.min(b.getEast(), view.getEast())],
    ).getCenter();
    L.tooltip({permanent: true, direction: "center", className: "map-label",
               interactive: false}).setLatLng(centre).setContent(esc(f.properties[nameKey]))
      .addTo(map);
  }
  for (const f of facilities.features) {
    const p = f.properties;
    const [lon, lat] = f.geometry.coordinates;
    const acts = p.acts === undefined ? "" : ` — ${p.acts} ${esc(words.acts)}`;
    L.circleMarker([lat, lon], {radius: 5, color: "#1f3b73", weight: 2, fillColor: "#fff",
                                fillOpacity: 1})
      .bindTooltip(`${esc(words.facility)}: ${esc(p[nameKey])}${acts}`).addTo(map);
  }
  const legend = L.control({position: "bottomright"});
  legend.onAdd = () => {
    const div = L.DomUtil.create("div", "map-legend");
    const step = shown.step;
    const rows = ramp.map((_, i) => [Math.floor(i * step) + 1, Math.floor((i + 1) * step), i])
      .filter(([lo, hi]) => lo <= hi)
      .map(([lo, hi, i]) => `<div><i class="map-c${i}"></i>${lo === hi ? lo : `${lo}–${hi}`}</div>`);
    div.innerHTML = `<strong>${esc(words.legend)}</strong>` +
      (shown.drawn ? rows.join("") : `<div>${esc(words.none)}</div>`);
    return div;
  };
  legend.addTo(map);
  box.dataset.drawn = String(byProvince.drawn);  // for the browser tests: the map has drawn
})();
