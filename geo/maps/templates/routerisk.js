/* routerisk map components (layers, legend, panel, time slider, layer control).
 *
 * Safety: every string that comes from data is put on the page with textContent, as a DOM
 * property, or (for the few Leaflet APIs that only take HTML) through escapeHtml(). No data
 * string is ever parsed as markup or evaluated. Only absolute http(s) URLs become links.
 */
(function (global) {
  "use strict";

  var SHAPES = {  // 16 x 16 viewBox, the symbol names of the risk model (geo.risk.SYMBOLS)
    "circle": "M2.5 8a5.5 5.5 0 1 0 11 0a5.5 5.5 0 1 0-11 0Z",
    "square": "M2.8 2.8H13.2V13.2H2.8Z",
    "diamond": "M8 1.2L14.8 8L8 14.8L1.2 8Z",
    "triangle": "M8 1.6L14.6 13.6H1.4Z",
    "triangle-down": "M1.4 2.4H14.6L8 14.4Z",
    "cross": "M1.6 4.4L4.4 1.6L8 5.2L11.6 1.6L14.4 4.4L10.8 8L14.4 11.6L11.6 14.4L8 10.8" +
             "L4.4 14.4L1.6 11.6L5.2 8Z",
    "plus": "M5.9 1.4H10.1V5.9H14.6V10.1H10.1V14.6H5.9V10.1H1.4V5.9H5.9Z",
    "star": "M8 0.8L10 5.6L15.2 6L11.2 9.4L12.5 14.5L8 11.7L3.5 14.5L4.8 9.4L0.8 6L6 5.6Z",
    "pentagon": "M8 1.2L14.7 6.1L12.1 14H3.9L1.3 6.1Z",
    "hexagon": "M8 1.2L13.9 4.6V11.4L8 14.8L2.1 11.4V4.6Z"
  };
  var HEX = /^#[0-9a-fA-F]{6}$/;
  var SVGNS = "http://www.w3.org/2000/svg";

  function colourOf(c, fallback) { return HEX.test(c) ? c : fallback; }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"'`]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function add(parent, tag, cls, text) {
    var e = el(tag, cls, text);
    parent.appendChild(e);
    return e;
  }

  function safeUrl(u) {
    if (typeof u !== "string" || !u) { return null; }
    try {
      var p = new URL(u);
      return (p.protocol === "http:" || p.protocol === "https:") ? p.href : null;
    } catch (err) {
      return null;
    }
  }

  function linkOrText(text, url) {
    var href = safeUrl(url);
    if (!href) { return el("span", null, text); }
    var a = el("a", null, text || href);
    a.href = href;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    return a;
  }

  /* An incident symbol as an SVG string for shared div icons. Built only from the fixed shape
   * table and validated colours, never from data text. */
  function symbolPaint(t) {  // [shape, fill, stroke]: hollow types are outlined in colour
    var shape = SHAPES.hasOwnProperty(t.symbol) ? t.symbol : "star";
    var c = colourOf(t.colour, "#252525");
    return t.filled ? [shape, c, "#ffffff"] : [shape, "#ffffff", c];
  }

  function symbolMarkup(t, size) {
    var p = symbolPaint(t), shape = p[0], fill = p[1], stroke = p[2];
    return '<svg xmlns="' + SVGNS + '" width="' + size + '" height="' + size +
      '" viewBox="0 0 16 16"><path d="' + SHAPES[shape] + '" fill="' + fill + '" stroke="' +
      stroke + '" stroke-width="1.4" stroke-linejoin="round"/></svg>';
  }

  function symbolElement(t, size) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("width", size);
    svg.setAttribute("height", size);
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(SVGNS, "path");
    var p = symbolPaint(t);
    path.setAttribute("d", SHAPES[p[0]]);
    path.setAttribute("fill", p[1]);
    path.setAttribute("stroke", p[2]);
    path.setAttribute("stroke-width", "1.4");
    path.setAttribute("stroke-linejoin", "round");
    svg.appendChild(path);
    return svg;
  }

  function fmtNumber(x, digits) {
    if (x === null || x === undefined) { return "–"; }
    return Number(x).toLocaleString("en-US", {maximumFractionDigits: digits});
  }

  /* Geometry arrives as flat integer deltas in 1e-4 degree: [lat0, lon0, dlat1, dlon1, ...]
   * per line or ring (see geo/maps/_payload.py). */
  function decodePart(a) {
    var out = new Array(a.length / 2), lat = 0, lon = 0;
    for (var i = 0; i < a.length; i += 2) {
      lat += a[i];
      lon += a[i + 1];
      out[i / 2] = [lat / 1e4, lon / 1e4];
    }
    return out;
  }
  function decodeLines(c) {  // one part, or a list of parts -> list of parts
    return (c.length && typeof c[0] !== "number") ? c.map(decodePart) : [decodePart(c)];
  }
  function decodePolygon(c) {  // rings, or a list of polygons (lists of rings)
    if (!c.length) { return []; }
    return typeof c[0][0] === "number" ? c.map(decodePart)
      : c.map(function (poly) { return poly.map(decodePart); });
  }

  var PRECISION = {1: "at this place", 2: "near this place", 3: "somewhere in this province",
                   4: "somewhere in this country"};

  /* ------------------------------------------------------------------ data layers */

  function layers(map, data) {
    var S = data.strings;
    function str(i) { return (i === null || i === undefined || i < 0) ? "" : S[i]; }
    var st = {map: map, data: data, step: data.steps.length - 1, listeners: []};
    var style = data.style;
    var panes = [["rr-base", 350], ["rr-units", 380], ["rr-halo", 395], ["rr-casing", 405],
                 ["rr-segments", 410], ["rr-paths", 420]];
    panes.forEach(function (p) { map.createPane(p[0]).style.zIndex = p[1]; });
    map.getPane("rr-casing").style.pointerEvents = "none";
    map.fitBounds(data.bounds, {padding: [20, 20], animate: false});

    /* boundaries: provinces (names on hover) and country borders */
    var P = data.provinces, K = data.countries;
    function provinceName(i) {
      var a = str(P.name[i]), c = str(P.country[i]);
      return a ? a + ", " + c : c;
    }
    function countryName(i) { return str(K.name[i]) + " (" + str(K.code[i]) + ")"; }
    st.provinces = L.featureGroup();
    var provinceCoords = P.coords.map(decodePolygon);
    var countryCoords = K.coords.map(decodePolygon);
    provinceCoords.forEach(function (coords, i) {
      var poly = L.polygon(coords, {pane: "rr-base", color: style.border, weight: 0.7,
                                    opacity: 0.9, fillColor: style.land, fillOpacity: 1,
                                    className: "rr-province"});
      poly._rr = i;
      st.provinces.addLayer(poly);
    });
    st.provinces.bindTooltip(function (layer) {
      return el("span", null, provinceName(layer._rr));
    }, {sticky: true, className: "rr-tip"});
    countryCoords.forEach(function (coords) {
      st.provinces.addLayer(L.polygon(coords, {pane: "rr-base", color: style.countryBorder,
        weight: 1.6, fill: false, interactive: false, className: "rr-country"}));
    });
    st.provinces.addTo(map);

    /* segments: one path each over one shared dark casing */
    var G = data.segments;
    var colours = data.bandColours;
    var labels = data.bandLabels;
    function bandAt(s, step) {
      if (step === data.steps.length - 1 || !G.steps.length) { return G.band[s]; }
      return G.steps[s].charCodeAt(step) - 48;
    }
    function colourOfBand(b) { return b >= 1 && b <= 5 ? colours[b - 1] : "#9e9e9e"; }
    function colourOfSeg(s, step) {
      return G.outside[s] ? style.outside : colourOfBand(bandAt(s, step));
    }
    st.bandAt = bandAt;
    var casing = [];
    var segmentCoords = G.coords.map(decodeLines);
    segmentCoords.forEach(function (parts) {
      parts.forEach(function (part) { casing.push(part); });
    });
    st.casing = L.polyline(casing, {pane: "rr-casing", color: style.casing, weight: 7,
                                    opacity: 1, interactive: false, className: "rr-casing"});
    st.segments = L.featureGroup();
    st.segmentPaths = segmentCoords.map(function (c, s) {
      var line = L.polyline(c, {pane: "rr-segments", color: colourOfSeg(s, st.step),
                                weight: 4, opacity: 1, dashArray: G.outside[s] ? "6 5" : null,
                                className: G.outside[s] ? "rr-seg rr-outside" : "rr-seg"});
      line._rr = s;
      st.segments.addLayer(line);
      return line;
    });
    st.segmentLayer = L.layerGroup([st.casing, st.segments]).addTo(map);
    st.segmentPaths.forEach(function (line, s) {
      var path = line.getElement();
      if (path) { path.setAttribute("data-segment", G.id[s]); }
    });
    st.segments.on("mouseover", function (e) { e.layer.setStyle({weight: 7}); });
    st.segments.on("mouseout", function (e) { e.layer.setStyle({weight: 4}); });
    function bandText(b) { return b >= 1 && b <= 5 ? labels[b - 1] : "unknown"; }
    st.segments.bindTooltip(function (layer) {
      var s = layer._rr;
      var box = el("div");
      add(box, "strong", null, str(G.corridor[s]));
      box.appendChild(document.createTextNode(" (" + str(G.route[s]) + ")"));
      add(box, "div", null, G.admin1[s] >= 0
        ? "Province: " + str(G.admin1[s]) + ", " + str(G.country[s])
        : "Country: " + str(G.country[s]));
      if (G.outside[s]) { add(box, "div", null, "No boundary data"); }
      add(box, "div", null, "Band " + bandText(bandAt(s, st.step)) + " on " +
          data.steps[st.step]);
      add(box, "div", null, "Risk density " + fmtNumber(G.density[s], 3) +
          " per 100 km (as of " + data.asOf + ")");
      return box;
    }, {sticky: true, className: "rr-tip"});
    st.segments.bindPopup(function (layer) { return segmentPopup(layer._rr); },
                          {maxWidth: 420, className: "rr-seg-popup"});
    st.segments.on("popupopen", function () { st.segments.closeTooltip(); });

    function segmentPopup(s) {
      var box = el("div", "rr-pop");
      add(box, "h3", null, "Segment " + G.id[s]);
      var where = [str(G.admin1[s]), str(G.country[s])].filter(Boolean).join(", ");
      add(box, "p", null, "Corridor " + str(G.corridor[s]) + " · route " + str(G.route[s]) +
          " · " + where + " · " + fmtNumber(G.length[s], 1) + " km" +
          (G.border[s] ? " · border crossing" : ""));
      if (G.outside[s]) {
        add(box, "p", "rr-note rr-outside-note", "No boundary data: this segment lies outside " +
            "every boundary polygon, so incidents known only to a province or country are " +
            "not counted here.");
      }
      var p = add(box, "p", "rr-score");
      add(p, "span", "rr-swatch").style.background = colourOfBand(G.band[s]);
      p.appendChild(document.createTextNode(
        " Band " + bandText(G.band[s]) + ": risk density " + fmtNumber(G.density[s], 3) +
        " weighted incidents per 100 km (exposure " + fmtNumber(G.exposure[s], 3) +
        ") as of " + data.asOf + "."));
      if (st.step !== data.steps.length - 1) {
        add(box, "p", "rr-note", "Colour now shown: band " + bandText(bandAt(s, st.step)) +
            " on " + data.steps[st.step] + ". The explanation below is as of " + data.asOf +
            ".");
      }
      var top = G.top[s];
      if (!top.length) {
        add(box, "p", null, "No incident contributes to this segment as of " + data.asOf + ".");
        return box;
      }
      add(box, "p", "rr-why", "Why this colour — the incidents that contribute most:");
      var table = add(box, "table", "rr-top");
      var head = add(add(table, "thead"), "tr");
      ["Share", "Date", "Type", "People", "Source"].forEach(function (h) {
        add(head, "th", null, h);
      });
      var body = add(table, "tbody");
      top.forEach(function (entry) {
        var ref = entry[0], share = entry[1];
        var tr = add(body, "tr");
        add(tr, "td", "rr-share", share === null ? "–" : Math.round(share * 100) + "%");
        if (ref === -1) {
          add(tr, "td", null, "—");
          add(tr, "td", null, "Border-crossing baseline");
          add(tr, "td", null, "—");
          add(tr, "td", null, "model default");
        } else if (typeof ref === "number") {
          add(tr, "td", null, I.date[ref]);
          var td = add(tr, "td");
          td.appendChild(symbolElement(data.types[I.type[ref]] || {}, 11));
          td.appendChild(document.createTextNode(" " + typeLabel(ref)));
          td.title = "Incident " + I.id[ref];
          add(tr, "td", null, I.count[ref] === null ? "?" : fmtNumber(I.count[ref], 1));
          add(tr, "td").appendChild(linkOrText(str(I.source[ref]), str(I.url[ref])));
        } else {
          add(tr, "td", null, "—");
          add(tr, "td", null, "Incident " + String(ref));
          add(tr, "td", null, "?");
          add(tr, "td", null, "not in this map");
        }
      });
      return box;
    }
    st.segmentPopup = segmentPopup;

    /* types and icons */
    st.types = data.types;
    st.icons = data.types.map(function (t) {
      return L.divIcon({html: symbolMarkup(t, 16), className: "rr-symbol",
                        iconSize: [16, 16], iconAnchor: [8, 8], popupAnchor: [0, -6]});
    });

    /* incidents: points (clustered when many), and units for coarse ones */
    var I = data.incidents;
    var n = I.id.length;
    st.nIncidents = n;
    function typeLabel(i) { var t = data.types[I.type[i]]; return t ? t.label : ""; }
    function incidentRows(parent, i) {
      var dl = add(parent, "dl", "rr-facts");
      function row(k, v) {
        if (v === "" || v === null || v === undefined) { return; }
        add(dl, "dt", null, k);
        var dd = add(dl, "dd");
        if (v instanceof Node) { dd.appendChild(v); } else { dd.textContent = String(v); }
      }
      row("Date", I.date[i]);
      var where = [str(I.place[i]), str(I.admin1[i]), str(I.country[i])].filter(Boolean);
      row("Where", where.join(", ") + " (" + (PRECISION[I.gp[i]] || "") + ")");
      row("People", I.count[i] === null ? "unknown" : fmtNumber(I.count[i], 1));
      var src = str(I.source[i]), url = str(I.url[i]);
      if (src || url) { row("Source", linkOrText(src, url)); }
      row("Notes", I.notes[i]);
    }
    function incidentPopup(i) {
      var box = el("div", "rr-pop");
      var h = add(box, "h3");
      h.appendChild(symbolElement(data.types[I.type[i]] || {}, 14));
      h.appendChild(document.createTextNode(" " + typeLabel(i)));
      add(box, "p", "rr-id", "Incident " + I.id[i]);
      incidentRows(box, i);
      return box;
    }
    st.incidentPopup = incidentPopup;

    st.markers = new Array(n);
    st.shown = new Uint8Array(n);
    var points = 0;
    for (var i = 0; i < n; i++) {
      if (I.lat[i] === null) { continue; }
      var m = L.marker([I.lat[i], I.lon[i]], {icon: st.icons[I.type[i]], keyboard: false});
      m._rr = i;
      st.markers[i] = m;
      points++;
    }
    st.clustered = points > data.clusterThreshold;
    var container = map.getContainer();
    if (st.clustered) {
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
    st.incidentLayer.on("click", function (e) {
      if (e.layer && e.layer._rr !== undefined) {
        L.popup({maxWidth: 340}).setLatLng(e.layer.getLatLng())
          .setContent(incidentPopup(e.layer._rr)).openOn(map);
      }
    });
    st.incidentLayer.addTo(map);

    var U = data.units;
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
    function visibleIn(k) {
      return st.unitIncidents[k].filter(function (j) { return I.first[j] <= st.step; });
    }
    st.unitLayer.bindTooltip(function (layer) {
      var k = layer._rr, list = visibleIn(k);
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
      visibleIn(k).forEach(function (j) {
        var item = add(box, "div", "rr-unit-item");
        var h = add(item, "h4");
        h.appendChild(symbolElement(data.types[I.type[j]] || {}, 12));
        h.appendChild(document.createTextNode(" " + typeLabel(j) + " — " + I.id[j]));
        incidentRows(item, j);
      });
      return box;
    }, {maxWidth: 360, maxHeight: 320});
    st.unitLayer.addTo(map);

    /* least-risk and shortest paths */
    if (data.paths) {
      var Q = data.paths;
      st.pathLayer = L.featureGroup();
      Q.coords.map(decodeLines).forEach(function (c, q) {
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
          "Shortest path") + ": " + fmtNumber(Q.length[q], 1) + " km, exposure " +
          fmtNumber(Q.exposure[q], 3));
      }, {sticky: true, className: "rr-tip"});
      st.pathLayer.addTo(map);
    }

    /* time */
    st.setStep = function (k) {
      k = Math.max(0, Math.min(data.steps.length - 1, k | 0));
      st.step = k;
      for (var s = 0; s < st.segmentPaths.length; s++) {
        var c = colourOfSeg(s, k);
        if (st.segmentPaths[s].options.color !== c) { st.segmentPaths[s].setStyle({color: c}); }
      }
      var toAdd = [], toRemove = [], count = 0;
      for (var j = 0; j < n; j++) {
        var want = I.first[j] <= k;
        if (want) { count++; }
        var mk = st.markers[j];
        if (!mk) { continue; }
        if (want && !st.shown[j]) { toAdd.push(mk); st.shown[j] = 1; }
        else if (!want && st.shown[j]) { toRemove.push(mk); st.shown[j] = 0; }
      }
      if (st.clustered) {
        if (toRemove.length) { st.incidentLayer.removeLayers(toRemove); }
        if (toAdd.length) { st.incidentLayer.addLayers(toAdd); }
      } else {
        toRemove.forEach(function (mk) { st.incidentLayer.removeLayer(mk); });
        toAdd.forEach(function (mk) { st.incidentLayer.addLayer(mk); });
      }
      st.unitPolys.forEach(function (poly, u) {
        var on = visibleIn(u).length > 0;
        if (on && !st.unitLayer.hasLayer(poly)) { st.unitLayer.addLayer(poly); }
        if (!on && st.unitLayer.hasLayer(poly)) { st.unitLayer.removeLayer(poly); }
      });
      st.known = count;
      map.closePopup();
      st.listeners.forEach(function (f) { f(k); });
    };
    st.setStep(st.step);
    if (!st.clustered || !container.hasAttribute("data-rr-incidents")) {
      container.setAttribute("data-rr-incidents", "ready");
    }
    return st;
  }

  /* ------------------------------------------------------------------ controls */

  function control(position, cls, build) {
    var C = L.Control.extend({
      options: {position: position},
      onAdd: function () {
        var box = el("div", "rr-control " + cls);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        build(box);
        return box;
      }
    });
    return new C();
  }

  function legend(map, st, spec) {
    return control("bottomright", "rr-legend", function (box) {
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "Legend");
      add(box, "h2", null, spec.title);
      add(box, "p", "rr-unit-text", spec.unit);
      var ul = add(box, "ul", "rr-bands");
      spec.bands.slice().reverse().forEach(function (b) {
        var li = add(ul, "li");
        add(li, "span", "rr-swatch").style.background = colourOf(b.colour, "#9e9e9e");
        add(li, "span", "rr-band-label", b.label);
        add(li, "span", "rr-band-range", b.range);
      });
      if (spec.outside) {
        var oli = add(ul, "li", "rr-outside-row");
        add(oli, "span", "rr-swatch rr-outside-swatch").style.borderColor =
          colourOf(spec.outside.colour, "#8c8c8c");
        add(oli, "span", "rr-band-label", spec.outside.label);
      }
      var more = add(box, "details", "rr-legend-more");
      more.open = true;
      add(more, "summary", null, "Incidents and paths");
      var tl = add(more, "ul", "rr-types");
      spec.types.forEach(function (t) {
        var li = add(tl, "li");
        li.appendChild(symbolElement(t, 14));
        add(li, "span", null, t.label);
      });
      spec.hatch.forEach(function (h, k) {
        var row = add(tl, "li");
        add(row, "span", "rr-swatch " + (k ? "rr-hatch-wide-swatch" : "rr-hatch-swatch"))
          .setAttribute("aria-hidden", "true");
        add(row, "span", null, h);
      });
      if (st.clustered) {
        var cl = add(tl, "li");
        add(cl, "span", "rr-cluster-swatch", "n");
        add(cl, "span", null, "Cluster of n incidents (zoom in)");
      }
      var Q = st.data.paths;
      if (Q) {
        Q.kind.forEach(function (kind, q) {
          var li = add(tl, "li", "rr-path-row");
          var least = kind === "least-risk";
          add(li, "span", "rr-path-swatch " + (least ? "rr-least" : "rr-shortest"));
          add(li, "span", null, (least ? "Least-risk path: " : "Shortest path: ") +
              fmtNumber(Q.length[q], 1) + " km, exposure " + fmtNumber(Q.exposure[q], 3));
        });
      }
    }).addTo(map);
  }

  function panel(map, st, spec) {
    return control("topleft", "rr-panel", function (box) {
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "About this map");
      var mark = add(box, "div", spec.public ? "rr-mark rr-public" : "rr-mark rr-restricted",
                     spec.mark);
      mark.setAttribute("role", "note");
      add(box, "h1", null, spec.title);
      add(box, "p", "rr-asof", "Risk as of " + spec.asOf);
      add(box, "p", "rr-method", spec.method + " Click a segment to see why.");
      if (st.data.undrawn) {
        add(box, "p", "rr-note", st.data.undrawn + " incident(s) have no known place and are " +
            "not drawn.");
      }
      if (spec.sources.length) {
        var d = add(box, "details", "rr-sources");
        if (spec.sources.length <= 4) { d.open = true; }
        add(d, "summary", null, "Sources (" + spec.sources.length + ")");
        var ul = add(d, "ul");
        spec.sources.forEach(function (s) { add(ul, "li").appendChild(linkOrText(s.name, s.url)); });
      }
    }).addTo(map);
  }

  function slider(map, st, spec) {
    var steps = st.data.steps;
    if (steps.length < 2) { return null; }
    return control("bottomleft", "rr-slider", function (box) {
      var id = "rr-range";
      var label = add(box, "label", null, "Date ");
      label.htmlFor = id;
      var out = add(label, "output", "rr-date", steps[st.step]);
      var input = add(box, "input");
      input.type = "range";
      input.id = id;
      input.min = "0";
      input.max = String(steps.length - 1);
      input.step = "1";
      input.value = String(st.step);
      var info = add(box, "div", "rr-known");
      var ends = add(box, "div", "rr-ends");
      add(ends, "span", null, steps[0]);
      add(ends, "span", null, steps[steps.length - 1]);
      function show(k) {
        out.textContent = steps[k];
        input.setAttribute("aria-valuetext", steps[k]);
        info.textContent = st.known + " of " + st.nIncidents + " incidents known by then" +
          (k === steps.length - 1 ? " (scoring date)" : "");
        if (String(k) !== input.value) { input.value = String(k); }
      }
      st.listeners.push(show);
      show(st.step);
      input.addEventListener("input", function () { st.setStep(parseInt(input.value, 10)); });
    }).addTo(map);
  }

  function layerControl(map, st, spec) {
    var plain = L.layerGroup();
    var bases = {};
    bases[escapeHtml(spec.plainName)] = plain;
    var tiles = spec.tiles.map(function (t) {
      var layer = L.tileLayer(t.url, {attribution: escapeHtml(t.attribution),
                                      maxZoom: t.maxZoom, subdomains: t.subdomains});
      bases[escapeHtml(t.name)] = layer;
      return layer;
    });
    var overlays = {};
    overlays[escapeHtml(spec.names.segments)] = st.segmentLayer;
    overlays[escapeHtml(spec.names.incidents)] = st.incidentLayer;
    overlays[escapeHtml(spec.names.units)] = st.unitLayer;
    if (st.pathLayer) { overlays[escapeHtml(spec.names.paths)] = st.pathLayer; }
    overlays[escapeHtml(spec.names.boundaries)] = st.provinces;
    function setBase(layer) {
      var online = layer !== plain;
      map.getContainer().classList.toggle("rr-plain", !online);
      st.provinces.eachLayer(function (l) {
        if (l.options.fill !== false) { l.setStyle({fillOpacity: online ? 0.15 : 1}); }
      });
    }
    map.on("baselayerchange", function (e) { setBase(e.layer); });
    var first = tiles.length ? tiles[0] : plain;
    first.addTo(map);
    setBase(first);
    L.control.layers(bases, overlays, {collapsed: spec.collapsed, position: "topright"})
      .addTo(map);
  }

  global.RouteRisk = {
    layers: layers, legend: legend, panel: panel, slider: slider,
    layerControl: layerControl, escapeHtml: escapeHtml, safeUrl: safeUrl
  };
}(window));
