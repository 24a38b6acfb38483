/* Shared helpers: DOM building, safe links, incident symbols, number formats, the delta
 * geometry decoder and a Leaflet control factory.
 *
 * Safety: every string that comes from data is put on the page with textContent, as a DOM
 * property, or (for the few Leaflet APIs that only take HTML) through escapeHtml(). No data
 * string is ever parsed as markup or evaluated. Only absolute http(s) URLs become links.
 */
RR.core = (function () {
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
  var PRECISION = {1: "at this place", 2: "near this place", 3: "somewhere in this province",
                   4: "somewhere in this country"};

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

  /* The non-empty texts of a list joined by sep: no empty separators ("a ·  · b"). */
  function joinNonEmpty(parts, sep) {
    return parts.filter(function (p) {
      return p !== null && p !== undefined && String(p).trim() !== "";
    }).join(sep);
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

  /* A Leaflet control whose content build(box) makes. */
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

  return {
    PRECISION: PRECISION, colourOf: colourOf, escapeHtml: escapeHtml, el: el, add: add,
    safeUrl: safeUrl, linkOrText: linkOrText, joinNonEmpty: joinNonEmpty,
    symbolMarkup: symbolMarkup, symbolElement: symbolElement, fmtNumber: fmtNumber,
    decodePart: decodePart, decodeLines: decodeLines, decodePolygon: decodePolygon,
    control: control
  };
}());
