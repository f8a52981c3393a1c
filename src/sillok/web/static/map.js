// The map page (map.html). Leaflet draws the shipped boundaries (no tiles: the base map is the
// provinces themselves, with China and Russia near the border) and, over them, the counts the server sent for this reader — already
// coarsened and suppressed there (stats/geo.py): a region missing from the data is drawn
// grey, with no number, whether it has no record or a hidden one. Settings come as JSON in
// the page, as the Content-Security-Policy allows no inline script.
(async function () {
  const cfg = JSON.parse(document.getElementById("map-config").textContent);
  const words = cfg.labels;
  const nameKey = cfg.lang === "ko" ? "name_ko" : "name_en";
  const box = document.getElementById("map");
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const get = (url) => fetch(url, {credentials: "same-origin"}).then((r) => r.json());
  const sep = cfg.data.includes("?") ? "&" : "?";
  const [base, data, facilities] = await Promise.all([
    get(cfg.boundaries), get(cfg.data), get(cfg.data + sep + "layer=facility")]);

  const map = L.map(box, {zoomSnap: 0.25, scrollWheelZoom: false});
  map.attributionControl.setPrefix(false);
  for (const a of base.attribution.sources) {
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
  const drawn = data.features.filter((f) => f.geometry);
  const top = Math.max(1, ...drawn.map((f) => f.properties.acts));
  const step = top / 5;
  const cls = (n) => Math.max(0, Math.min(4, Math.ceil(n / step) - 1));
  L.geoJSON({type: "FeatureCollection", features: drawn}, {
    style: (f) => ({color: "#5b5b5b", weight: 1, fillColor: ramp[cls(f.properties.acts)],
                    fillOpacity: 0.9}),
    onEachFeature: (f, layer) => {
      const p = f.properties;
      // A row added up from narrower types has acts only (victims cannot be added up).
      const more = p.victims === null ? "" :
        ` · ${p.victims} ${esc(words.victims)} · ${p.events} ${esc(words.events)}`;
      layer.bindTooltip(`<strong>${esc(p[nameKey])}</strong><br>${p.acts} ${esc(words.acts)}` +
                        more, {sticky: true});
    },
  }).addTo(map);
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
    const rows = ramp.map((_, i) => [Math.floor(i * step) + 1, Math.floor((i + 1) * step), i])
      .filter(([lo, hi]) => lo <= hi)
      .map(([lo, hi, i]) => `<div><i class="map-c${i}"></i>${lo === hi ? lo : `${lo}–${hi}`}</div>`);
    div.innerHTML = `<strong>${esc(words.legend)}</strong>` +
      (drawn.length ? rows.join("") : `<div>${esc(words.none)}</div>`);
    return div;
  };
  legend.addTo(map);
  box.dataset.drawn = String(drawn.length);  // for the browser tests: the map has drawn
})();
