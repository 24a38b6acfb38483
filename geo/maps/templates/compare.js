/* routerisk compare: segments whose risk band rose or fell between two dates.
 * Every data string reaches the page through textContent, never as markup. */
(function () {
  "use strict";

  function add(parent, tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) { el.className = cls; }
    if (text !== undefined && text !== null) { el.textContent = String(text); }
    parent.appendChild(el);
    return el;
  }

  function control(position, cls, fill) {
    var C = L.Control.extend({
      options: { position: position },
      onAdd: function () {
        var box = L.DomUtil.create("div", "leaflet-control rr-control " + cls);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        fill(box);
        return box;
      }
    });
    return new C();
  }

  function fmt(x) { return (x === null || x === undefined) ? "–" : Number(x).toPrecision(3); }

  function tooltip(p) {
    var box = document.createElement("div");
    add(box, "strong", null, p.segment_id);
    add(box, "div", null, "band " + p.band_from + " → " + p.band_to + " (" + p.change + ")");
    return box;
  }

  function popup(p) {
    var box = document.createElement("div");
    box.className = "rc-popup";
    add(box, "h3", null, p.segment_id + " · " + p.route);
    add(box, "p", null, "Band " + p.band_from + " on " + p.date_from + " → band " + p.band_to +
        " on " + p.date_to + " (" + p.change + ")");
    add(box, "p", null, "Risk density " + fmt(p.density_from) + " → " + fmt(p.density_to) +
        " weighted incidents per 100 km");
    var drivers = p.drivers || [];
    if (drivers.length) {
      add(box, "p", "rc-head", "Caused by");
      var ul = add(box, "ul");
      drivers.forEach(function (d) {
        var li = add(ul, "li");
        add(li, "strong", null, d.incident_id + " ");
        add(li, "span", null, d.type + ", " + d.date + " (" + (d.delta > 0 ? "+" : "") +
            fmt(d.delta) + "): " + d.reason);
      });
    }
    return box;
  }

  window.RouteRiskCompare = function (map, data) {
    map.getContainer().classList.add("rr-plain");
    if (data.boundaries.length) {
      L.geoJSON({ type: "FeatureCollection", features: data.boundaries.map(function (g) {
        return { type: "Feature", properties: {}, geometry: g };
      }) }, { interactive: false, style: { color: "#8f8f8f", weight: 0.8, fillColor: "#f3f1ec",
                                            fillOpacity: 1 } }).addTo(map);
    }
    L.geoJSON({ type: "FeatureCollection", features: data.context.filter(Boolean).map(
      function (g) { return { type: "Feature", properties: {}, geometry: g }; }) },
      { interactive: false, style: { color: "#9a9a9a", weight: 2, opacity: 0.8 } }).addTo(map);
    var outside = (data.outside || []).filter(Boolean);
    if (outside.length) {  // segments outside every boundary polygon: no boundary data
      L.geoJSON({ type: "FeatureCollection", features: outside.map(function (g) {
        return { type: "Feature", properties: {}, geometry: g };
      }) }, { interactive: false, style: { color: data.outsideStyle.colour, weight: 3,
                                            opacity: 0.9, dashArray: "6 5",
                                            className: "rc-outside" } }).addTo(map);
    }
    var feats = data.changes.geometry.map(function (g, k) {
      return { type: "Feature", properties: data.changes.properties[k], geometry: g };
    }).filter(function (f) { return f.geometry; });
    var layer = L.geoJSON({ type: "FeatureCollection", features: feats }, {
      style: function (f) {
        return { color: data.colours[f.properties.change] || "#000000", opacity: 0.95,
                 weight: 3 + 1.5 * Math.abs(f.properties.band_change) };
      },
      onEachFeature: function (f, l) {
        l.bindTooltip(tooltip(f.properties), { sticky: true });
        l.bindPopup(popup(f.properties), { maxWidth: 340 });
      }
    }).addTo(map);
    layer.eachLayer(function (l) {
      var el = l.getElement && l.getElement();
      if (el) { el.setAttribute("data-change", l.feature.properties.change); }
    });
    control("topleft", "rc-panel", function (box) {
      add(box, "div", data.mark === "PUBLIC" ? "rr-mark rr-public" : "rr-mark rr-restricted",
          data.mark);
      add(box, "h1", null, data.title);
      add(box, "p", null, data.counts.rose + " segment(s) rose, " + data.counts.fell +
          " fell between " + data.dateFrom + " and " + data.dateTo +
          ". Click a segment for the incidents that caused it.");
    }).addTo(map);
    control("bottomright", "rc-legend", function (box) {
      add(box, "h2", null, "Risk band change");
      [["rose", "rose (higher band on " + data.dateTo + ")"],
       ["fell", "fell (lower band on " + data.dateTo + ")"]].forEach(function (item) {
        var row = add(box, "div", "rc-row");
        var sw = add(row, "span", "rc-swatch");
        sw.style.background = data.colours[item[0]];
        add(row, "span", null, item[1]);
      });
      var row = add(box, "div", "rc-row");
      add(row, "span", "rc-swatch rc-context");
      add(row, "span", null, "unchanged segment");
      if (outside.length) {
        var orow = add(box, "div", "rc-row");
        add(orow, "span", "rc-swatch rc-outside-swatch").style.borderTopColor =
          data.outsideStyle.colour;
        add(orow, "span", null, data.outsideStyle.label);
      }
      add(box, "p", "rc-note", "Line width grows with the number of bands moved.");
    }).addTo(map);
    map.fitBounds(data.bounds, { padding: [20, 20] });
  };
})();
