/* Tooltips and popups of segments, incidents and areas, and the click that picks what lies
 * under the pointer.
 *
 * A click anywhere on the map (not on a control or popup) picks the nearest feature under the
 * pointer, segments and incident symbols alike (pick(): by distance in screen pixels), opens
 * its popup and offers the others under the pointer as buttons ("Also here"). Popups leave out
 * empty fields instead of showing empty separators.
 */
RR.popups = (function () {
  "use strict";

  var C = RR.core, el = C.el, add = C.add;
  var MARKER_PX = 10;  // an incident symbol is 16 px: a click within this radius is on it

  /* Segment hits [[s, px], ...] and incident hits [[i, px], ...] -> one list of
   * {kind, ref, d}, nearest first (a symbol before a segment at the same distance). */
  function pick(segmentHits, incidentHits) {
    var out = [];
    incidentHits.forEach(function (h) { out.push({kind: "incident", ref: h[0], d: h[1]}); });
    segmentHits.forEach(function (h) { out.push({kind: "segment", ref: h[0], d: h[1]}); });
    out.sort(function (a, b) {
      return a.d - b.d || (a.kind === b.kind ? 0 : (a.kind === "incident" ? -1 : 1));
    });
    return out;
  }

  function make(st) {
    var data = st.data, S = data.strings, G = data.segments, I = data.incidents;
    var labels = data.bandLabels;
    function str(i) { return (i === null || i === undefined || i < 0) ? "" : S[i]; }
    function bandText(b) { return b >= 1 && b <= 5 ? labels[b - 1] : "unknown"; }
    function typeLabel(i) { var t = data.types[I.type[i]]; return t ? t.label : ""; }

    function segmentTip(s) {
      var box = el("div");
      add(box, "strong", null, str(G.corridor[s]));
      if (str(G.route[s])) {
        box.appendChild(document.createTextNode(" (" + str(G.route[s]) + ")"));
      }
      var where = C.joinNonEmpty([str(G.admin1[s]), str(G.country[s])], ", ");
      if (where) { add(box, "div", null, (G.admin1[s] >= 0 ? "Province: " : "Country: ") + where); }
      if (G.outside[s]) { add(box, "div", null, "Outside the boundary data"); }
      add(box, "div", null, "Band " + bandText(st.bandAt(s, st.step)) + " on " +
          data.steps[st.step]);
      add(box, "div", null, "Risk density " + C.fmtNumber(G.density[s], 3) +
          " per 100 km (as of " + data.asOf + ")");
      return box;
    }

    /* A calibrated model's fields, when the segments carry them: the chance of an incident
     * within pDays (G.p) and the share of the score from coarse incidents (G.coarse). */
    function calibrationRows(box, s) {
      if (G.p && G.p[s] !== null && G.p[s] !== undefined) {
        add(box, "p", "rr-forecast", "Chance of at least one incident on this segment in " +
            "the next " + G.pDays + " days: " + Math.round(G.p[s] * 100) +
            "% (calibrated on this data's past windows).");
      }
      if (G.coarse && G.coarse[s] > 0) {
        add(box, "p", "rr-note rr-coarse", Math.round(G.coarse[s] * 100) + "% of this score " +
            "comes from incidents known only to a province or a country.");
      }
    }

    function segmentPopup(s) {
      var box = el("div", "rr-pop");
      add(box, "h3", null, "Segment " + G.id[s]);
      var where = C.joinNonEmpty([str(G.admin1[s]), str(G.country[s])], ", ");
      add(box, "p", null, C.joinNonEmpty([
        str(G.corridor[s]) && "Corridor " + str(G.corridor[s]),
        str(G.route[s]) && "route " + str(G.route[s]), where,
        G.length[s] === null ? "" : C.fmtNumber(G.length[s], 1) + " km",
        G.border[s] ? "border crossing" : ""], " · "));
      if (G.outside[s]) {
        add(box, "p", "rr-note rr-outside-note", "Outside the boundary data: this segment " +
            "lies outside every boundary polygon, so incidents known only to a province or " +
            "country are not counted here. Its colour is its band, outlined.");
      }
      var p = add(box, "p", "rr-score");
      add(p, "span", "rr-swatch").style.background = st.colourOfBand(G.band[s]);
      p.appendChild(document.createTextNode(
        " Band " + bandText(G.band[s]) + ": risk density " + C.fmtNumber(G.density[s], 3) +
        " weighted incidents per 100 km (exposure " + C.fmtNumber(G.exposure[s], 3) +
        ") as of " + data.asOf + "."));
      calibrationRows(box, s);
      if (st.step !== data.steps.length - 1) {
        add(box, "p", "rr-note", "Colour now shown: band " + bandText(st.bandAt(s, st.step)) +
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
      // how precisely each contributor's place is known, when the scores say
      var precise = top.some(function (entry) { return !!entry[2]; });
      ["Share", "Date", "Type", "People", "Source"].concat(precise ? ["Place known to"] : [])
        .forEach(function (h) { add(head, "th", null, h); });
      var body = add(table, "tbody");
      top.forEach(function (entry) {
        var tr = add(body, "tr");
        topRow(tr, entry[0], entry[1]);
        if (precise) { add(tr, "td", "rr-precision", entry[2] || "—"); }
      });
      return box;
    }

    function topRow(tr, ref, share) {
      add(tr, "td", "rr-share", share === null ? "–" : Math.round(share * 100) + "%");
      if (ref === -1) {
        add(tr, "td", null, "—");
        add(tr, "td", null, "Border-crossing baseline");
        add(tr, "td", null, "—");
        add(tr, "td", null, "model default");
      } else if (typeof ref === "number") {
        add(tr, "td", "rr-date-cell", I.date[ref]);
        var td = add(tr, "td");
        td.appendChild(C.symbolElement(data.types[I.type[ref]] || {}, 11));
        td.appendChild(document.createTextNode(" " + typeLabel(ref)));
        td.title = "Incident " + I.id[ref];
        add(tr, "td", null, I.count[ref] === null ? "?" : C.fmtNumber(I.count[ref], 1));
        add(tr, "td").appendChild(C.linkOrText(str(I.source[ref]), str(I.url[ref])));
      } else {
        add(tr, "td", null, "—");
        add(tr, "td", null, "Incident " + String(ref));
        add(tr, "td", null, "?");
        add(tr, "td", null, "not in this map");
      }
    }

    function incidentRows(parent, i) {
      var dl = add(parent, "dl", "rr-facts");
      function row(k, v) {
        if (v === "" || v === null || v === undefined) { return; }
        add(dl, "dt", null, k);
        var dd = add(dl, "dd");
        if (v instanceof Node) { dd.appendChild(v); } else { dd.textContent = String(v); }
      }
      row("Date", I.date[i]);
      var where = C.joinNonEmpty([str(I.place[i]), str(I.admin1[i]), str(I.country[i])], ", ");
      var how = C.PRECISION[I.gp[i]] || "";
      row("Where", where && how ? where + " (" + how + ")" : (where || how));
      row("People", I.count[i] === null ? "unknown" : C.fmtNumber(I.count[i], 1));
      var src = str(I.source[i]), url = str(I.url[i]);
      if (src || url) { row("Source", C.linkOrText(src, url)); }
      row("Notes", I.notes[i]);
    }

    function incidentPopup(i) {
      var box = el("div", "rr-pop");
      var h = add(box, "h3");
      h.appendChild(C.symbolElement(data.types[I.type[i]] || {}, 14));
      h.appendChild(document.createTextNode(" " + typeLabel(i)));
      add(box, "p", "rr-id", "Incident " + I.id[i]);
      incidentRows(box, i);
      return box;
    }

    function nameOf(item) {
      if (item.kind === "segment") {
        return "Segment " + G.id[item.ref] + " (band " + bandText(st.bandAt(item.ref, st.step)) +
          ")";
      }
      return C.joinNonEmpty([typeLabel(item.ref), I.date[item.ref]], " ") + " — incident " +
        I.id[item.ref];
    }

    /* The popup of list[k], with buttons for the others of the list. */
    function chooser(list, k) {
      var item = list[k];
      var box = item.kind === "segment" ? segmentPopup(item.ref) : incidentPopup(item.ref);
      box.setAttribute("data-rr-kind", item.kind);
      if (list.length < 2) { return box; }
      var more = add(box, "div", "rr-also");
      add(more, "p", "rr-also-title", "Also here:");
      var ul = add(more, "ul");
      list.forEach(function (other, j) {
        if (j === k) { return; }
        var b = add(add(ul, "li"), "button", "rr-also-item", nameOf(other));
        b.type = "button";
        b.addEventListener("click", function (e) {
          e.stopPropagation();
          var next = chooser(list, j);
          if (st.popup) { st.popup.setContent(next); }
        });
      });
      return box;
    }

    return {segmentTip: segmentTip, segmentPopup: segmentPopup, incidentRows: incidentRows,
            incidentPopup: incidentPopup, chooser: chooser, typeLabel: typeLabel,
            bandText: bandText, str: str};
  }

  /* Incident symbols drawn one by one within MARKER_PX of a container point: [[i, px], ...]. */
  function markersAt(map, st, point) {
    var out = [];
    if (!st.markers || !map.hasLayer(st.incidentLayer)) { return out; }
    for (var i = 0; i < st.markers.length; i++) {
      var m = st.markers[i];
      if (!m || !st.shown[i] || !m._icon || !m._map) { continue; }
      var q = map.latLngToContainerPoint(m.getLatLng());
      var d = Math.sqrt((q.x - point.x) * (q.x - point.x) + (q.y - point.y) * (q.y - point.y));
      if (d <= MARKER_PX) { out.push([i, d]); }
    }
    return out;
  }

  /* Clicks on the map pick the nearest segment or incident symbol (capture phase: before
   * Leaflet's own handlers, which then see nothing). Clicks elsewhere go on to the areas. */
  function clicks(map, st, views) {
    var SKIP = ".leaflet-control, .leaflet-popup, .rr-cluster, .marker-cluster";
    map.getContainer().addEventListener("click", function (e) {
      if (e.target && e.target.closest && e.target.closest(SKIP)) { return; }
      if (map.dragging && map.dragging.moved()) { return; }
      var point = map.mouseEventToContainerPoint(e);
      var segs = map.hasLayer(st.segmentLayer) ? st.segmentLayer.segmentsAt(point) : [];
      var list = pick(segs, markersAt(map, st, point));
      if (!list.length) { return; }
      e.stopPropagation();
      var at = list[0].kind === "incident" ? st.markers[list[0].ref].getLatLng()
        : map.mouseEventToLatLng(e);
      map.closeTooltip(st.segmentTooltip);
      st.popup = L.popup({maxWidth: 420, className: "rr-pick-popup"}).setLatLng(at)
        .setContent(views.chooser(list, 0)).openOn(map);
    }, true);
  }

  return {pick: pick, make: make, markersAt: markersAt, clicks: clicks};
}());
