/* The map's data layers, assembled: panes, the offline basemap, boundaries, segments (one
 * canvas), incidents, coarse-incident areas, paths, tooltips, clicks and time.
 */
RR.layers = (function () {
  "use strict";

  var C = RR.core, el = C.el;
  var PANES = [["rr-land", 340], ["rr-base", 350], ["rr-water", 360], ["rr-units", 380],
               ["rr-halo", 395], ["rr-casing", 405], ["rr-segments", 410], ["rr-paths", 420],
               ["rr-labels", 450]];

  function boundaries(map, st, str) {
    var P = st.data.provinces, K = st.data.countries, style = st.data.style;
    st.provinceName = function (i) {
      var a = str(P.name[i]), c = str(P.country[i]);
      return a ? a + ", " + c : c;
    };
    st.countryName = function (i) { return str(K.name[i]) + " (" + str(K.code[i]) + ")"; };
    st.provinces = L.featureGroup();
    st.provinceCoords = P.coords.map(C.decodePolygon);
    st.countryCoords = K.coords.map(C.decodePolygon);
    st.provinceCoords.forEach(function (coords, i) {
      var poly = L.polygon(coords, {pane: "rr-base", color: style.border, weight: 0.7,
                                    opacity: 0.9, fillColor: style.land, fillOpacity: 1,
                                    className: "rr-province"});
      poly._rr = i;
      st.provinces.addLayer(poly);
    });
    st.provinces.bindTooltip(function (layer) {
      return el("span", null, st.provinceName(layer._rr));
    }, {sticky: true, className: "rr-tip"});
    st.countryCoords.forEach(function (coords) {
      st.provinces.addLayer(L.polygon(coords, {pane: "rr-base", color: style.countryBorder,
        weight: 1.6, fill: false, interactive: false, className: "rr-country"}));
    });
    st.provinces.addTo(map);
  }

  function segments(map, st) {
    var data = st.data, G = data.segments, style = data.style, colours = data.bandColours;
    st.bandAt = function (s, step) {
      if (step === data.steps.length - 1 || !G.steps.length) { return G.band[s]; }
      return G.steps[s].charCodeAt(step) - 48;
    };
    st.colourOfBand = function (b) { return b >= 1 && b <= 5 ? colours[b - 1] : "#9e9e9e"; };
    function groupOf(s) {  // 1..5 band, 6 unknown
      var b = st.bandAt(s, st.step);
      return b >= 1 && b <= 5 ? b : 6;
    }
    st.geom = RR.geometry.project(G.coords);
    st.segmentLayer = RR.segments.segmentCanvas(st.geom, style, groupOf,
      function (s) { return G.outside[s] === 1; }, st.colourOfBand).addTo(map);
  }

  function paths(map, st) {
    var Q = st.data.paths;
    if (!Q) { return; }
    st.pathLayer = L.featureGroup();
    Q.coords.map(C.decodeLines).forEach(function (c, q) {
      var least = Q.kind[q] === "least-risk";
      var line = least
        ? L.polyline(c, {pane: "rr-halo", color: "#2c7fb8", weight: 15, opacity: 0.55,
                         className: "rr-path rr-path-least"})
        : L.polyline(c, {pane: "rr-paths", color: "#252525", weight: 2.5, opacity: 1,
                         dashArray: "8 6", interactive: false,
                         className: "rr-path rr-path-shortest"});
      line._rr = q;
      st.pathLayer.addLayer(line);
    });
    st.pathLayer.bindTooltip(function (layer) {
      var q = layer._rr;
      return el("span", null, (Q.kind[q] === "least-risk" ? "Least-risk path" :
        "Shortest path") + ": " + C.fmtNumber(Q.length[q], 1) + " km, exposure " +
        C.fmtNumber(Q.exposure[q], 3));
    }, {sticky: true, className: "rr-tip"});
    st.pathLayer.addTo(map);
  }

  function tooltips(map, st, views) {
    var tip = st.segmentTooltip = L.tooltip({sticky: true, className: "rr-tip",
                                             direction: "auto"});
    st.segmentLayer.on("rr-hover", function (e) {
      if (e.segment < 0) { map.closeTooltip(tip); return; }
      [st.provinces, st.unitLayer, st.pathLayer].forEach(function (group) {
        if (group) { group.closeTooltip(); }
      });
      tip.setLatLng(e.latlng).setContent(views.segmentTip(e.segment));
      if (!map.hasLayer(tip)) { map.openTooltip(tip); }
    });
  }

  function layers(map, data) {
    var S = data.strings;
    function str(i) { return (i === null || i === undefined || i < 0) ? "" : S[i]; }
    var st = {map: map, data: data, step: data.steps.length - 1, listeners: []};
    map._rr = st;  // the map's state, for the controls, tests and benchmarks
    PANES.forEach(function (p) { map.createPane(p[0]).style.zIndex = p[1]; });
    map.getPane("rr-casing").style.pointerEvents = "none";
    map.getPane("rr-labels").style.pointerEvents = "none";
    map.getPane("rr-labels").classList.add("leaflet-zoom-hide");
    map.fitBounds(data.bounds, {padding: [20, 20], animate: false});
    if (data.basemap) { st.basemap = RR.basemap.basemap(map, data.basemap); }
    boundaries(map, st, str);
    segments(map, st);
    var views = st.views = RR.popups.make(st);
    st.segmentPopup = views.segmentPopup;
    st.incidentPopup = views.incidentPopup;
    RR.incidents.points(map, st, views);
    RR.incidents.units(map, st, views, st.provinceCoords, st.countryCoords, st.provinceName,
                       st.countryName);
    paths(map, st);
    tooltips(map, st, views);
    RR.popups.clicks(map, st, views);
    st.setStep = RR.time.stepper(map, st);
    st.setStep(st.step);
    var container = map.getContainer();
    if (!st.clustered || !container.hasAttribute("data-rr-incidents")) {
      container.setAttribute("data-rr-incidents", "ready");
    }
    return st;
  }

  return {layers: layers};
}());
