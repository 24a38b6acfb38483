/* Incidents: symbols (clustered when many), counts per grid cell when very many (pre-counted
 * at build time, geo/maps/_clusters.py), and the hatched areas of incidents known only to a
 * province or country.
 */
RR.incidents = (function () {
  "use strict";

  var C = RR.core, el = C.el, add = C.add;

  /* Incidents pre-counted per grid cell and zoom level: the cells in view, as count bubbles of
   * the incidents known at the slider's step. */
  function gridLayer(map, st, grid) {
    var levels = grid.levels.map(function (lv) {
      var raw = atob(lv.counts), bytes = new Uint8Array(raw.length);
      for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
      return {z: lv.z, lat: lv.lat, lon: lv.lon, counts: new Uint32Array(bytes.buffer)};
    });
    var nSteps = st.data.steps.length, layer = L.layerGroup();
    function levelFor(zoom) {
      var pick = levels[0];
      levels.forEach(function (lv) { if (lv.z <= zoom) { pick = lv; } });
      return pick;
    }
    function sizeOf(count) { return count < 10 ? 24 : (count < 1000 ? 30 : 38); }
    function setCount(m, count) {  // a marker on the map shows another count: no new element
      var size = sizeOf(count), icon = m._icon;
      m._rrCount = count;
      m.options.icon = L.divIcon({html: el("div", null, String(count)),
                                  className: "rr-cluster rr-grid-cell", iconSize: [size, size]});
      if (!icon) { return; }
      icon.firstChild.textContent = String(count);
      icon.style.width = icon.style.height = size + "px";
      icon.style.marginLeft = icon.style.marginTop = (-size / 2) + "px";
    }
    /* The cells of the level of this zoom in view, as count bubbles. A slider step keeps the
     * markers of the same view and only changes their counts. */
    var shown = {}, viewKey = null, inView = [];
    function draw() {
      if (!map.hasLayer(layer)) {
        layer.clearLayers();
        shown = {};
        viewKey = null;
        return;
      }
      var lv = levelFor(map.getZoom()), view = map.getBounds().pad(0.1), k = st.step, c;
      var finest = lv === levels[levels.length - 1], key = lv.z + ":" + view.toBBoxString();
      if (key !== viewKey) {
        layer.clearLayers();
        shown = {};
        viewKey = key;
        inView = [];
        for (c = 0; c < lv.lat.length; c++) {
          if (view.contains([lv.lat[c], lv.lon[c]])) { inView.push(c); }
        }
      }
      inView.forEach(function (c) {
        var count = lv.counts[c * nSteps + k], m = shown[c];
        if (!count) {
          if (m) { layer.removeLayer(m); delete shown[c]; }
          return;
        }
        if (m) {
          if (m._rrCount !== count) { setCount(m, count); }
          return;
        }
        var size = sizeOf(count);
        m = L.marker([lv.lat[c], lv.lon[c]], {keyboard: false, icon: L.divIcon({
          html: el("div", null, String(count)), className: "rr-cluster rr-grid-cell",
          iconSize: [size, size]})});
        m._rrCount = count;
        m._rrFinest = finest;
        shown[c] = m;
        layer.addLayer(m);
      });
    }
    layer.on("click", function (e) {
      var m = e.layer;
      if (!m._rrFinest || map.getZoom() < map.getMaxZoom() - 1) {
        map.setView(m.getLatLng(), Math.min(map.getMaxZoom(), map.getZoom() + 2));
        return;
      }
      var box = el("div", "rr-pop");
      add(box, "p", null, m._rrCount + " incidents here known by " + st.data.steps[st.step] +
          ". A map of this many incidents counts them per area; the incidents table lists " +
          "each one.");
      L.popup({maxWidth: 300}).setLatLng(m.getLatLng()).setContent(box).openOn(map);
    });
    var timer = null;
    map.on("moveend", function () {  // in a task of its own after the segments' redraw
      clearTimeout(timer);
      timer = setTimeout(draw, 0);
    });
    layer.on("add", function () { setTimeout(draw, 0); });
    return {
      layer: layer,
      draw: draw,
      known: function (k) {
        var lv = levels[0], total = 0;
        for (var c = 0; c < lv.lat.length; c++) { total += lv.counts[c * nSteps + k]; }
        return total;
      }
    };
  }

  /* Incident symbols (or grid counts) into st: markers, incidentLayer, clustered. */
  function points(map, st, views) {
    var data = st.data, I = data.incidents, n = I.id.length, grid = data.grid, i;
    var container = map.getContainer();
    st.icons = data.types.map(function (t) {
      return L.divIcon({html: C.symbolMarkup(t, 16), className: "rr-symbol",
                        iconSize: [16, 16], iconAnchor: [8, 8], popupAnchor: [0, -6]});
    });
    st.nIncidents = n;
    st.markers = new Array(n);
    st.shown = new Uint8Array(n);
    var count = 0;
    for (i = 0; i < n; i++) {
      if (I.lat[i] === null || grid) { continue; }  // with a grid, points are its counts
      var m = L.marker([I.lat[i], I.lon[i]], {icon: st.icons[I.type[i]], keyboard: false});
      m._rr = i;
      st.markers[i] = m;
      count++;
    }
    st.clustered = !!grid || count > data.clusterThreshold;
    if (grid) {
      st.grid = gridLayer(map, st, grid);
      st.incidentLayer = st.grid.layer;
      st.nIncidents = grid.points;
      for (i = 0; i < n; i++) { if (I.lat[i] === null) { st.nIncidents++; } }
    } else if (st.clustered) {
      st.incidentLayer = L.markerClusterGroup({
        chunkedLoading: true, chunkDelay: 20, showCoverageOnHover: false, maxClusterRadius: 45,
        chunkProgress: function (done, total) {  // a hook for tests and benchmarks
          container.setAttribute("data-rr-incidents", done >= total ? "ready" : "loading");
        },
        spiderfyOnMaxZoom: true, removeOutsideVisibleBounds: true,
        iconCreateFunction: function (cluster) {
          var e = el("div", null, String(cluster.getChildCount()));
          return L.divIcon({html: e, className: "rr-cluster", iconSize: [30, 30]});
        }
      });
    } else {
      st.incidentLayer = L.featureGroup();
    }
    st.incidentLayer.on("click", function (e) {  // e.g. a symbol spiderfied out of a cluster
      if (e.layer && e.layer._rr !== undefined) {
        st.popup = L.popup({maxWidth: 340}).setLatLng(e.layer.getLatLng())
          .setContent(views.incidentPopup(e.layer._rr)).openOn(map);
      }
    });
    st.incidentLayer.addTo(map);
  }

  /* The hatched province and country areas of incidents known only to them. */
  function units(map, st, views, provinceCoords, countryCoords, provinceName, countryName) {
    var data = st.data, I = data.incidents, U = data.units, n = I.id.length, i;
    st.unitIncidents = U.map(function () { return []; });
    for (i = 0; i < n; i++) { if (I.unit[i] >= 0) { st.unitIncidents[I.unit[i]].push(i); } }
    st.unitLayer = L.featureGroup();
    st.unitPolys = U.map(function (u, k) {
      var coords = u.kind === "admin1" ? provinceCoords[u.ref] : countryCoords[u.ref];
      var province = u.kind === "admin1";
      var poly = L.polygon(coords, {pane: "rr-units", color: "#252525",
        weight: province ? 1.4 : 1, dashArray: province ? "5 4" : "2 4",
        fillColor: province ? "url(#rr-hatch)" : "url(#rr-hatch-wide)", fillOpacity: 1,
        className: "rr-unit " + (province ? "rr-unit-admin1" : "rr-unit-country")});
      poly._rr = k;
      return poly;
    });
    function unitName(k) {
      var u = U[k];
      return u.kind === "admin1" ? provinceName(u.ref) : countryName(u.ref);
    }
    st.visibleIn = function (k) {
      return st.unitIncidents[k].filter(function (j) { return I.first[j] <= st.step; });
    };
    st.unitLayer.bindTooltip(function (layer) {
      var k = layer._rr, list = st.visibleIn(k);
      return el("span", null, unitName(k) + ": " + list.length +
                (list.length === 1 ? " incident" : " incidents") +
                " known only to this " + (U[k].kind === "admin1" ? "province" : "country"));
    }, {sticky: true, className: "rr-tip"});
    st.unitLayer.bindPopup(function (layer) {
      var k = layer._rr;
      var box = el("div", "rr-pop");
      add(box, "h3", null, unitName(k));
      add(box, "p", null, "Incidents known only to this " +
          (U[k].kind === "admin1" ? "province" : "country") + ", as of " +
          data.steps[st.step] + ":");
      st.visibleIn(k).forEach(function (j) {
        var item = add(box, "div", "rr-unit-item");
        var h = add(item, "h4");
        h.appendChild(C.symbolElement(data.types[I.type[j]] || {}, 12));
        h.appendChild(document.createTextNode(" " + views.typeLabel(j) + " — " + I.id[j]));
        views.incidentRows(item, j);
      });
      return box;
    }, {maxWidth: 360, maxHeight: 320});
    st.unitLayer.addTo(map);
  }

  return {gridLayer: gridLayer, points: points, units: units};
}());
