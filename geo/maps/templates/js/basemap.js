/* The offline basemap: land, lakes, rivers, coastlines, roads, railways and country borders
 * drawn with Leaflet's canvas renderer (no element per feature), and country, place and water
 * names as DOM labels (RR.labels). It is the "plain" base layer: choosing online tiles hides
 * it. Land lies under the boundary file's provinces; water, roads and borders over them, all
 * under the risk layers.
 */
RR.basemap = (function () {
  "use strict";

  var C = RR.core;
  var STYLE = {
    land: {fillColor: "#ece9e2", fillOpacity: 1, color: "#ece9e2", weight: 0.5},
    coast: {color: "#7d9cb5", weight: 1.6, opacity: 1},
    lake: {fillColor: "#bcd3e5", fillOpacity: 1, color: "#7d9cb5", weight: 0.7},
    river: {color: "#86abcb", weight: 1.2, opacity: 1},
    road: {color: "#c4976b", weight: 0.9, opacity: 0.9},
    major: {color: "#b8723f", weight: 1.5, opacity: 0.9},
    rail: {color: "#6e6e6e", weight: 1, opacity: 0.9, dashArray: "4 3"},
    border: {color: "#7a6f86", weight: 1.1, opacity: 0.95, dashArray: "6 3 2 3", fill: false}
  };
  var KINDS = ["rr-label-country", "rr-label-capital", "rr-label-place", "rr-label-water"];
  var FONTS = {
    "rr-label-country": "600 13px system-ui, sans-serif",
    "rr-label-capital": "700 12px system-ui, sans-serif",
    "rr-label-place": "11px system-ui, sans-serif",
    "rr-label-water": "italic 11px system-ui, sans-serif"
  };
  var MIN_ZOOM = {major: 4, rail: 5};
  var COUNTRY_SPREAD = 450;  // px between two labels of one country's name

  /* Leaflet's canvas renderer, but the re-projection after a zoom and the redraw after a move
   * run in a task of their own, after the risk layers' (no long task made of both). */
  function renderer(pane) {
    var Deferred = L.Canvas.extend({
      getEvents: function () {  // the same handlers every time (so that map.off finds them)
        if (this._rrEvents) { return this._rrEvents; }
        var events = this._rrEvents = L.Canvas.prototype.getEvents.call(this), self = this;
        var zoomEnd = events.zoomend, update = events.moveend, zoomed = false;
        events.zoomend = function () { zoomed = true; };
        events.moveend = function () {
          clearTimeout(self._rrTimer);
          self._rrTimer = setTimeout(function () {
            if (!self._map) { return; }
            if (zoomed) { zoomEnd.call(self); zoomed = false; }
            update.call(self);
          }, 0);
        };
        return events;
      }
    });
    return new Deferred({pane: pane, padding: 0.1});
  }

  function opts(base, renderer) {  // interactive: false: the basemap never takes a click
    var o = {renderer: renderer, interactive: false};
    for (var k in base) { if (base.hasOwnProperty(k)) { o[k] = base[k]; } }
    return o;
  }

  /* Label items of the payload's label table, in its (priority) order. */
  function labelItems(B, str) {
    var out = [];
    for (var i = 0; i < B.labels.text.length; i++) {
      var kind = B.labels.kind[i];
      out.push({lat: B.labels.lat[i] / 1e4, lon: B.labels.lon[i] / 1e4,
                text: str(B.labels.text[i]),
                cls: KINDS[kind] || KINDS[2], dot: kind === 1 || kind === 2,
                minZoom: B.labels.minZoom[i], maxZoom: 99,
                spread: kind === 0 ? COUNTRY_SPREAD : 0});
    }
    return out;
  }

  function basemap(map, B) {
    function str(i) { return (i === null || i === undefined || i < 0) ? "" : B.strings[i]; }
    var under = renderer("rr-land"), over = renderer("rr-water");
    var group = L.layerGroup(), byZoom = [], buckets = {};
    var land = L.featureGroup(), lines = L.featureGroup();
    /* features drawn from their own zoom on: one group per (kind, zoom) */
    function bucket(kind, zoom) {
      var key = kind + ":" + zoom;
      if (!buckets[key]) {
        buckets[key] = L.featureGroup();
        byZoom.push([buckets[key], zoom]);
      }
      return buckets[key];
    }
    B.land.forEach(function (c) {
      var coords = C.decodePolygon(c);
      if (coords.length) { land.addLayer(L.polygon(coords, opts(STYLE.land, under))); }
    });
    B.lakes.coords.forEach(function (c, i) {
      var coords = C.decodePolygon(c);
      if (coords.length) {
        bucket("lake", B.lakes.minZoom[i]).addLayer(L.polygon(coords, opts(STYLE.lake, over)));
      }
    });
    B.rivers.coords.forEach(function (c, i) {
      bucket("river", B.rivers.minZoom[i])
        .addLayer(L.polyline(C.decodeLines(c), opts(STYLE.river, over)));
    });
    B.roads.coords.forEach(function (c, i) {
      var m = B.roads.major[i];
      bucket(m ? "major" : "road", Math.max(B.roads.minZoom[i], m ? MIN_ZOOM.major : 0))
        .addLayer(L.polyline(C.decodeLines(c), opts(m ? STYLE.major : STYLE.road, over)));
    });
    B.railways.coords.forEach(function (c, i) {
      bucket("rail", Math.max(B.railways.minZoom[i], MIN_ZOOM.rail))
        .addLayer(L.polyline(C.decodeLines(c), opts(STYLE.rail, over)));
    });
    /* country outlines, then the coast over them (a border is the part left dashed) */
    B.countries.coords.forEach(function (c) {
      var coords = C.decodePolygon(c);
      if (coords.length) { lines.addLayer(L.polygon(coords, opts(STYLE.border, over))); }
    });
    B.coastline.forEach(function (c) {
      lines.addLayer(L.polyline(C.decodeLines(c), opts(STYLE.coast, over)));
    });
    var labels = RR.labels.labelLayer(labelItems(B, str), function (cls) { return FONTS[cls]; });
    group.addLayer(land);
    group.addLayer(lines);
    group.addLayer(labels);
    function zoomed() {
      var z = map.getZoom(), on = map.hasLayer(group);
      byZoom.forEach(function (e) {
        var want = on && z >= e[1];
        if (want && !map.hasLayer(e[0])) { e[0].addTo(map); }
        if (!want && map.hasLayer(e[0])) { map.removeLayer(e[0]); }
      });
    }
    map.on("zoomend", zoomed);
    group.on("add remove", function () { setTimeout(zoomed, 0); });
    group.getAttribution = function () { return C.escapeHtml(B.credit); };
    return {group: group, labels: labels, zoomed: zoomed};
  }

  return {basemap: basemap, labelItems: labelItems, STYLE: STYLE};
}());
