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

  /* ------------------------------------------------------------------ segment canvas */

  /* Segment geometry in Web Mercator "world" units of zoom 0 (256 per world), with the parts of
   * each segment and a bounding box per segment, decoded once from the delta arrays. */
  function project(coords) {
    var n = coords.length, nParts = 0, nVerts = 0, s, k;
    var parts = new Array(n);
    for (s = 0; s < n; s++) {
      var c = coords[s];
      parts[s] = (c.length && typeof c[0] !== "number") ? c : [c];
      nParts += parts[s].length;
      for (k = 0; k < parts[s].length; k++) { nVerts += parts[s][k].length / 2; }
    }
    var g = {n: n, partStart: new Uint32Array(n + 1), vStart: new Uint32Array(nParts + 1),
             x: new Float64Array(nVerts), y: new Float64Array(nVerts),
             box: new Float64Array(4 * n)};
    var p = 0, v = 0, D2R = Math.PI / 180;
    for (s = 0; s < n; s++) {
      g.partStart[s] = p;
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (k = 0; k < parts[s].length; k++) {
        var a = parts[s][k], lat = 0, lon = 0;
        g.vStart[p++] = v;
        for (var i = 0; i < a.length; i += 2) {
          lat += a[i];
          lon += a[i + 1];
          var la = Math.max(-85.05112878, Math.min(85.05112878, lat / 1e4));
          var x = (lon / 1e4 + 180) / 360 * 256;
          var sn = Math.sin(la * D2R);
          var y = (0.5 - Math.log((1 + sn) / (1 - sn)) / (4 * Math.PI)) * 256;
          g.x[v] = x;
          g.y[v] = y;
          v++;
          if (x < x0) { x0 = x; }
          if (x > x1) { x1 = x; }
          if (y < y0) { y0 = y; }
          if (y > y1) { y1 = y; }
        }
      }
      g.box[4 * s] = x0; g.box[4 * s + 1] = y0; g.box[4 * s + 2] = x1; g.box[4 * s + 3] = y1;
    }
    g.partStart[n] = p;
    g.vStart[p] = v;
    return g;
  }

  /* Squared distance from (px, py) to segment s, in world units. */
  function distance2(g, s, px, py) {
    var best = Infinity;
    for (var p = g.partStart[s]; p < g.partStart[s + 1]; p++) {
      for (var v = g.vStart[p]; v < g.vStart[p + 1] - 1; v++) {
        var ax = g.x[v], ay = g.y[v], dx = g.x[v + 1] - ax, dy = g.y[v + 1] - ay;
        var len = dx * dx + dy * dy;
        var t = len > 0 ? ((px - ax) * dx + (py - ay) * dy) / len : 0;
        t = t < 0 ? 0 : (t > 1 ? 1 : t);
        var ex = ax + t * dx - px, ey = ay + t * dy - py;
        var d = ex * ex + ey * ey;
        if (d < best) { best = d; }
      }
    }
    return best;
  }

  function rgba(hex) {  // "#rrggbb" -> opaque pixel of a little-endian Uint32 ImageData view
    var v = parseInt(hex.slice(1), 16);
    return (0xff000000 | ((v & 0xff) << 16) | (v & 0xff00) | ((v >> 16) & 0xff)) >>> 0;
  }

  /* A line of width w (device pixels) written straight into a pixel buffer: a square brush
   * stepped along the line (no antialiasing). dash > 0 draws dash-on/dash-off runs. With a
   * list ({pix, n, max}), the pixel indices of the same line at width lw are appended to it
   * (not written), for as long as it holds at most list.max. */
  function rasterLine(buf, W, H, x0, y0, x1, y1, colour, w, dash, lw, list) {
    var dx = x1 - x0, dy = y1 - y0, n = Math.ceil(Math.max(Math.abs(dx), Math.abs(dy))) || 1;
    var sx = dx / n, sy = dy / n, half = w >> 1, wide = Math.abs(dx) >= Math.abs(dy);
    var lhalf = lw >> 1, x = x0, y = y0, k;
    if (list && list.n + (n + 1) * lw > list.pix.length && list.n <= list.max) {
      var grown = new Int32Array(Math.max(2 * list.pix.length, list.n + (n + 1) * lw));
      grown.set(list.pix.subarray(0, list.n));
      list.pix = grown;
    }
    var pix = list ? list.pix : null, m = list ? list.n : 0, keep = list && list.n <= list.max;
    for (var i = 0; i <= n; i++, x += sx, y += sy) {
      if (dash && (i % (2 * dash)) >= dash) { continue; }
      var xi = x | 0, yi = y | 0;
      if (wide) {
        if (xi < 0 || xi >= W) { continue; }
        for (k = yi - half; k < yi - half + w; k++) {
          if (k >= 0 && k < H) { buf[k * W + xi] = colour; }
        }
        if (keep) {
          for (k = yi - lhalf; k < yi - lhalf + lw; k++) {
            if (k >= 0 && k < H) { pix[m++] = k * W + xi; }
          }
        }
      } else {
        if (yi < 0 || yi >= H) { continue; }
        var row = yi * W;
        for (k = xi - half; k < xi - half + w; k++) {
          if (k >= 0 && k < W) { buf[row + k] = colour; }
        }
        if (keep) {
          for (k = xi - lhalf; k < xi - lhalf + lw; k++) {
            if (k >= 0 && k < W) { pix[m++] = row + k; }
          }
        }
      }
    }
    if (list) { list.n = keep ? m : list.max + 1; }
  }

  /* Incidents pre-counted per grid cell and zoom level (geo/maps/_clusters.py): the cells in
   * view, as count bubbles of the incidents known at the slider's step. */
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
    map.on("moveend", draw);
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

  var EXCLUDED = ".leaflet-control, .leaflet-popup, .leaflet-marker-icon, .leaflet-tooltip";

  /* One canvas for every segment: a dark casing, then each group (outside coverage, bands
   * 1..5, unknown) as one path. Redrawn after a pan or zoom ends (the canvas moves with the map
   * while dragging and is scaled during the zoom animation, as Leaflet's own renderers are)
   * and when the slider moves. Pointer events are found by distance to the segments (a
   * bounding-box test, then the exact distance to the few candidates). */
  function segmentCanvas(st, g, style, groupOf, colourOfGroup) {
    var PAD = 0.1, TOL_PX = 6, FAST_VERTICES = 60000, MAX_PIXELS = 24000000;
    var Layer = L.Layer.extend({
      fastVertices: FAST_VERTICES,  // above this many vertices in view: pixel writes
      onAdd: function (map) {
        this._map = map;
        var pane = map.getPane("rr-segments");
        this._canvas = L.DomUtil.create("canvas", "rr-seg-canvas leaflet-zoom-animated", pane);
        this._hl = L.DomUtil.create("canvas", "rr-seg-canvas-hl leaflet-zoom-animated", pane);
        this._canvas.style.pointerEvents = "none";
        this._hl.style.pointerEvents = "none";
        this._order = new Int32Array(g.n);
        this._hover = -1;
        map.on("moveend resize", this._reset, this);
        if (map.options.zoomAnimation) { map.on("zoomanim", this._animateZoom, this); }
        var self = this, container = map.getContainer();
        this._onMove = function (e) { self._pointer(e, false); };
        this._onClick = function (e) { self._pointer(e, true); };
        this._onOver = function (e) {  // what lies under a segment gets no mouseover
          if (!(e.target && e.target.closest && e.target.closest(EXCLUDED)) &&
              self.segmentAt(map.mouseEventToContainerPoint(e)) >= 0) { e.stopPropagation(); }
        };
        this._onLeave = function () { self._setHover(-1, null); };
        container.addEventListener("mousemove", this._onMove, true);
        container.addEventListener("click", this._onClick, true);
        container.addEventListener("mouseover", this._onOver, true);
        container.addEventListener("mouseleave", this._onLeave, false);
        this._reset();
      },
      onRemove: function (map) {
        map.off("moveend resize", this._reset, this);
        map.off("zoomanim", this._animateZoom, this);
        var container = map.getContainer();
        container.removeEventListener("mousemove", this._onMove, true);
        container.removeEventListener("click", this._onClick, true);
        container.removeEventListener("mouseover", this._onOver, true);
        container.removeEventListener("mouseleave", this._onLeave, false);
        this._setHover(-1, null);
        L.DomUtil.remove(this._canvas);
        L.DomUtil.remove(this._hl);
      },
      _animateZoom: function (e) {
        var map = this._map;
        var scale = map.getZoomScale(e.zoom, this._zoom);
        var half = map.getSize().multiplyBy(0.5 + PAD);
        var offset = half.multiplyBy(-scale).add(map.project(this._center, e.zoom))
          .subtract(map._getNewPixelOrigin(e.center, e.zoom));
        L.DomUtil.setTransform(this._canvas, offset, scale);
        L.DomUtil.setTransform(this._hl, offset, scale);
      },
      _reset: function () {
        var map = this._map, size = map.getSize();
        var min = map.containerPointToLayerPoint(size.multiplyBy(-PAD)).round();
        var w = Math.round(size.x * (1 + 2 * PAD)), h = Math.round(size.y * (1 + 2 * PAD));
        var dpr = window.devicePixelRatio || 1;
        this._min = min;
        this._center = map.getCenter();
        this._zoom = map.getZoom();
        [this._canvas, this._hl].forEach(function (c) {
          L.DomUtil.setPosition(c, min);
          if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
            c.width = Math.round(w * dpr);
            c.height = Math.round(h * dpr);
            c.style.width = w + "px";
            c.style.height = h + "px";
          }
        });
        this._size = [w, h];
        this.redraw();
      },
      /* world -> canvas pixel: x * scale + off[0] */
      _transform: function () {
        var scale = Math.pow(2, this._zoom), origin = this._map.getPixelOrigin();
        return [scale, -origin.x - this._min.x, -origin.y - this._min.y];
      },
      redraw: function () {
        if (!this._map) { return; }
        var t0 = performance.now();
        var tr = this._transform(), scale = tr[0], ox = tr[1], oy = tr[2];
        var w = this._size[0], h = this._size[1], margin = 8 / scale;
        var vx0 = -ox / scale - margin, vx1 = (w - ox) / scale + margin;
        var vy0 = -oy / scale - margin, vy1 = (h - oy) / scale + margin;
        var counts = new Int32Array(8), order = this._order, s, k, n = 0;
        var groups = this._groups || (this._groups = new Uint8Array(g.n));
        for (s = 0; s < g.n; s++) {
          var b = g.box;
          if (b[4 * s + 2] < vx0 || b[4 * s] > vx1 || b[4 * s + 3] < vy0 || b[4 * s + 1] > vy1) {
            groups[s] = 7;
            continue;
          }
          groups[s] = groupOf(s);
          counts[groups[s] + 1]++;
          n++;
        }
        for (k = 1; k < 8; k++) { counts[k] += counts[k - 1]; }
        var start = counts.slice();
        for (s = 0; s < g.n; s++) { if (groups[s] < 7) { order[counts[groups[s]]++] = s; } }
        var ctx = this._canvas.getContext("2d"), dpr = window.devicePixelRatio || 1;
        var verts = 0;
        for (k = 0; k < n; k++) {
          var sk = order[k];
          verts += g.vStart[g.partStart[sk + 1]] - g.vStart[g.partStart[sk]];
        }
        this._fast = verts > this.fastVertices;
        if (this._fast) {
          this._raster(ctx, order, start, n, scale * dpr, ox * dpr, oy * dpr, dpr);
          this._finish(n, t0);
          return;
        }
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.clearRect(0, 0, w, h);
        ctx.lineCap = "round";
        ctx.lineJoin = "round";
        var self = this;
        function trace(from, to) {
          ctx.beginPath();
          for (var i = from; i < to; i++) { self._trace(ctx, order[i], scale, ox, oy); }
        }
        trace(start[1], n);  // casing of every band (outside coverage has a light one)
        ctx.strokeStyle = style.casing;
        ctx.lineWidth = 7;
        ctx.stroke();
        if (start[1] > 0) {
          trace(0, start[1]);
          ctx.strokeStyle = "#ffffff";
          ctx.lineWidth = 6;
          ctx.stroke();
          ctx.setLineDash([6, 5]);
          ctx.lineCap = "butt";
          ctx.strokeStyle = colourOfGroup(0);
          ctx.lineWidth = 4;
          ctx.stroke();
          ctx.setLineDash([]);
          ctx.lineCap = "round";
        }
        ctx.lineWidth = 4;
        for (k = 1; k <= 6; k++) {
          if (start[k + 1] === start[k]) { continue; }
          trace(start[k], start[k + 1]);
          ctx.strokeStyle = k === 6 ? "#9e9e9e" : colourOfGroup(k);
          ctx.stroke();
        }
        this._finish(n, t0);
      },
      _finish: function (n, t0) {
        this._drawn = n;
        this._drawMs = performance.now() - t0;
        this._map.getContainer().setAttribute("data-rr-drawn", String(n));
        if (this._hover >= 0) { this._highlight(this._hover); }
      },
      /* Many vertices in view: lines written straight into the pixels (the browser's
       * antialiased stroker takes seconds for a million vertices without a GPU); casing 5 px,
       * band 3 px, outside coverage dashed grey. Once per view (zoom and origin) the casing and
       * the outside-coverage lines are written and kept, and the band pixels of every segment
       * in view are listed (one index run per segment); a slider step then only restores the
       * casing and writes each segment's listed pixels in its new band colour, bands in
       * ascending order (the highest band on top, as in the stroked drawing). */
      _raster: function (ctx, order, start, n, scale, ox, oy, dpr) {
        var W = this._canvas.width, H = this._canvas.height;
        var img = this._img;
        if (!img || img.width !== W || img.height !== H) {
          img = this._img = ctx.createImageData(W, H);
          this._buf = new Uint32Array(img.data.buffer);
        }
        var buf = this._buf;
        var key = [this._zoom, this._min.x, this._min.y, W, H].join(",");
        if (this._baseKey !== key || !this._base) {
          this._rasterView(buf, W, H, order, start, n, scale, ox, oy, dpr);
          this._baseKey = key;
        } else {
          buf.set(this._base);
        }
        var pix = this._pix, from = this._pixFrom, to = this._pixTo;
        for (var k = 1; k <= 6; k++) {
          if (start[k + 1] === start[k]) { continue; }
          var colour = rgba(k === 6 ? "#9e9e9e" : colourOfGroup(k));
          for (var i = start[k]; i < start[k + 1]; i++) {
            var s = order[i];
            if (pix) {
              for (var j = from[s], e = to[s]; j < e; j++) { buf[pix[j]] = colour; }
            } else {  // too many pixels to list: rasterise again
              this._lines(buf, W, H, s, scale, ox, oy, colour, this._bw, 0, null);
            }
          }
        }
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.putImageData(img, 0, 0);
      },
      /* The step-independent part of a view: casing and outside-coverage lines into the pixels
       * (kept as this._base), and the band pixels of each segment in view as index runs. */
      _rasterView: function (buf, W, H, order, start, n, scale, ox, oy, dpr) {
        var cw = Math.max(1, Math.round(5 * dpr));
        var bw = this._bw = Math.max(1, Math.round(3 * dpr));
        var i, s, casing = rgba(style.casing), white = rgba("#ffffff");
        var grey = rgba(colourOfGroup(0)), dash = Math.round(5 * dpr);
        buf.fill(0);
        if (!this._pixFrom || this._pixFrom.length !== g.n) {
          this._pixFrom = new Int32Array(g.n);
          this._pixTo = new Int32Array(g.n);
        }
        var list = {pix: this._pixBuf || new Int32Array(1 << 20), n: 0, max: MAX_PIXELS};
        for (i = start[1]; i < n; i++) {  // casing, with the band pixels listed meanwhile
          s = order[i];
          this._pixFrom[s] = list.n;
          this._lines(buf, W, H, s, scale, ox, oy, casing, cw, bw, list);
          this._pixTo[s] = list.n;
        }
        for (i = 0; i < start[1]; i++) {  // outside coverage: white casing, dashed grey line
          this._lines(buf, W, H, order[i], scale, ox, oy, white, cw, 0, null);
        }
        for (i = 0; i < start[1]; i++) {
          this._lines(buf, W, H, order[i], scale, ox, oy, grey, bw, 0, null, dash);
        }
        this._pixBuf = list.pix;
        this._pix = list.n <= list.max ? list.pix : null;
        this._base = (this._base && this._base.length === buf.length)
          ? this._base : new Uint32Array(buf.length);
        this._base.set(buf);
      },
      /* Segment s's lines into buf (width w); with a list, the pixels of a line of width lw
       * along the same path are appended to it. Vertices closer than a pixel are skipped. */
      _lines: function (buf, W, H, s, scale, ox, oy, colour, w, lw, list, dash) {
        for (var p = g.partStart[s]; p < g.partStart[s + 1]; p++) {
          var v = g.vStart[p], end = g.vStart[p + 1] - 1;
          var lx = g.x[v] * scale + ox, ly = g.y[v] * scale + oy;
          for (v++; v <= end; v++) {
            var x = g.x[v] * scale + ox, y = g.y[v] * scale + oy;
            if (v === end || Math.abs(x - lx) >= 1 || Math.abs(y - ly) >= 1) {
              rasterLine(buf, W, H, lx, ly, x, y, colour, w, dash, lw, list);
              lx = x;
              ly = y;
            }
          }
        }
      },
      _trace: function (ctx, s, scale, ox, oy) {
        for (var p = g.partStart[s]; p < g.partStart[s + 1]; p++) {
          var v = g.vStart[p], end = g.vStart[p + 1] - 1;
          var lx = g.x[v] * scale + ox, ly = g.y[v] * scale + oy;
          ctx.moveTo(lx, ly);
          for (v++; v <= end; v++) {
            var x = g.x[v] * scale + ox, y = g.y[v] * scale + oy;
            if (v === end || Math.abs(x - lx) > 0.8 || Math.abs(y - ly) > 0.8) {
              ctx.lineTo(x, y);
              lx = x;
              ly = y;
            }
          }
        }
      },
      _highlight: function (s) {
        var tr = this._transform(), ctx = this._hl.getContext("2d");
        var dpr = window.devicePixelRatio || 1;
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.clearRect(0, 0, this._size[0], this._size[1]);
        if (s < 0) { return; }
        ctx.lineCap = "round";
        ctx.lineJoin = "round";
        ctx.beginPath();
        this._trace(ctx, s, tr[0], tr[1], tr[2]);
        ctx.strokeStyle = style.casing;
        ctx.lineWidth = 10;
        ctx.stroke();
        ctx.strokeStyle = colourOfGroup(groupOf(s));
        ctx.lineWidth = 7;
        ctx.stroke();
      },
      /* the segment nearest to a container point, within a few pixels (-1: none) */
      segmentAt: function (point) {
        var map = this._map, scale = Math.pow(2, map.getZoom());
        var lp = map.containerPointToLayerPoint(point).add(map.getPixelOrigin());
        var px = lp.x / scale, py = lp.y / scale, tol = TOL_PX / scale, best = -1;
        var bestD = tol * tol, b = g.box;
        for (var s = 0; s < g.n; s++) {
          if (b[4 * s] - tol > px || b[4 * s + 2] + tol < px || b[4 * s + 1] - tol > py ||
              b[4 * s + 3] + tol < py) { continue; }
          var d = distance2(g, s, px, py);
          if (d <= bestD && (best < 0 || d < bestD || groupOf(s) > groupOf(best))) {
            best = s;
            bestD = d;
          }
        }
        return best;
      },
      /* a container point in the middle of segment s (for tests and benchmarks) */
      pointOf: function (s) {
        var p = g.partStart[s], v0 = g.vStart[p], v1 = g.vStart[p + 1] - 1;
        var mid = Math.floor((v0 + v1) / 2), nxt = Math.min(mid + 1, v1);
        var scale = Math.pow(2, this._map.getZoom()), origin = this._map.getPixelOrigin();
        var x = (g.x[mid] + g.x[nxt]) / 2 * scale, y = (g.y[mid] + g.y[nxt]) / 2 * scale;
        return this._map.layerPointToContainerPoint(L.point(x - origin.x, y - origin.y));
      },
      _setHover: function (s, e) {
        var map = this._map;
        if (!map) { return; }
        map.getContainer().classList.toggle("rr-seg-hover", s >= 0);
        if (s !== this._hover) {
          this._hover = s;
          this._highlight(s);
        }
        this.fire("rr-hover", {segment: s, latlng: e ? map.mouseEventToLatLng(e) : null});
      },
      _pointer: function (e, click) {
        var map = this._map;
        if (e.target && e.target.closest && e.target.closest(EXCLUDED)) {
          if (!click) { this._setHover(-1, null); }
          return;
        }
        if (click && map.dragging && map.dragging.moved()) { return; }
        var s = this.segmentAt(map.mouseEventToContainerPoint(e));
        if (!click) {
          if (s >= 0) { e.stopPropagation(); }  // the segment is on top: nothing below hovers
          this._setHover(s, e);
          return;
        }
        if (s < 0) { return; }
        e.stopPropagation();
        this.fire("rr-click", {segment: s, latlng: map.mouseEventToLatLng(e)});
      }
    });
    return new Layer();
  }

  /* ------------------------------------------------------------------ data layers */

  function layers(map, data) {
    var S = data.strings;
    function str(i) { return (i === null || i === undefined || i < 0) ? "" : S[i]; }
    var st = {map: map, data: data, step: data.steps.length - 1, listeners: []};
    map._rr = st;  // the map's state, for the controls, tests and benchmarks
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

    /* segments: drawn on one canvas from typed arrays (no DOM element per segment) */
    var G = data.segments;
    var colours = data.bandColours;
    var labels = data.bandLabels;
    var nSeg = G.id.length;
    function bandAt(s, step) {
      if (step === data.steps.length - 1 || !G.steps.length) { return G.band[s]; }
      return G.steps[s].charCodeAt(step) - 48;
    }
    function colourOfBand(b) { return b >= 1 && b <= 5 ? colours[b - 1] : "#9e9e9e"; }
    function groupOf(s, step) {  // 0 outside coverage, 1..5 band, 6 unknown
      if (G.outside[s]) { return 0; }
      var b = bandAt(s, step);
      return b >= 1 && b <= 5 ? b : 6;
    }
    function colourOfSeg(s, step) {
      return G.outside[s] ? style.outside : colourOfBand(bandAt(s, step));
    }
    st.bandAt = bandAt;
    st.colourOfSeg = colourOfSeg;
    var geom = project(G.coords);
    st.geom = geom;
    st.segmentLayer = segmentCanvas(st, geom, style, function (s) { return groupOf(s, st.step); },
                                    function (g) {
                                      return g === 0 ? style.outside : colourOfBand(g);
                                    }).addTo(map);
    function bandText(b) { return b >= 1 && b <= 5 ? labels[b - 1] : "unknown"; }
    function segmentTip(s) {
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
    }
    var tip = L.tooltip({sticky: true, className: "rr-tip", direction: "auto"});
    st.segmentLayer.on("rr-hover", function (e) {
      if (e.segment < 0) { map.closeTooltip(tip); return; }
      [st.provinces, st.unitLayer, st.pathLayer].forEach(function (group) {
        if (group) { group.closeTooltip(); }
      });
      tip.setLatLng(e.latlng).setContent(segmentTip(e.segment));
      if (!map.hasLayer(tip)) { map.openTooltip(tip); }
    });
    st.segmentLayer.on("rr-click", function (e) {
      map.closeTooltip(tip);
      L.popup({maxWidth: 420, className: "rr-seg-popup"}).setLatLng(e.latlng)
        .setContent(segmentPopup(e.segment)).openOn(map);
    });

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
      if (G.p && G.p[s] !== null) {
        add(box, "p", "rr-forecast", "Chance of at least one incident on this segment in " +
            "the next " + G.pDays + " days: " + Math.round(G.p[s] * 100) +
            "% (calibrated on this data's past windows).");
      }
      if (G.coarse && G.coarse[s] > 0) {
        add(box, "p", "rr-note rr-coarse", Math.round(G.coarse[s] * 100) + "% of this score " +
            "comes from incidents known only to a province or a country.");
      }
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
      ["Share", "Date", "Type", "People", "Source", "Place known to"].forEach(function (h) {
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
        add(tr, "td", "rr-precision", entry[2] || "—");
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
    var grid = data.grid;
    for (var i = 0; i < n; i++) {
      if (I.lat[i] === null || grid) { continue; }  // with a grid, points are its counts
      var m = L.marker([I.lat[i], I.lon[i]], {icon: st.icons[I.type[i]], keyboard: false});
      m._rr = i;
      st.markers[i] = m;
      points++;
    }
    st.clustered = !!grid || points > data.clusterThreshold;
    var container = map.getContainer();
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
      st.segmentLayer.redraw();
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
      if (st.grid) {
        count = st.grid.known(k);
        for (j = 0; j < n; j++) { if (I.lat[j] === null && I.first[j] <= k) { count++; } }
        st.grid.draw();
      }
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
        if (b.note) { add(li, "span", "rr-band-note", b.note); }
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

  /* ------------------------------------------------------------------ folder mode */

  /* A folder-mode page loads its data as pieces of JSON text, one per .js file beside it
   * (see geo/maps/interactive.py, save_map). Each file calls part(); joinParts() checks that
   * every piece is there and of this build, then parses the joined text. */
  var pieces = {};
  function part(name, k, digest, text) {
    var byName = pieces[name] = pieces[name] || {};
    (byName[digest] = byName[digest] || {})[k] = text;
  }
  function joinParts(map, name, srcs, digest) {
    var byName = pieces[name] || {}, got = byName[digest] || {}, texts = [];
    var foreign = Object.keys(byName).some(function (d) { return d !== digest; });
    for (var k = 0; k < srcs.length; k++) {
      if (got[k] === undefined) {
        var problem = foreign ? "is missing or belongs to another build of this map"
          : "is missing";
        var box = add(map.getContainer(), "div", "rr-error");
        box.setAttribute("role", "alert");
        box.textContent = "The map's data file " + srcs[k] + " " + problem + ": keep the " +
          "folder beside the page together with it, as the build wrote them.";
        throw new Error("routerisk: data file " + srcs[k] + " " + problem);
      }
      texts.push(got[k]);
    }
    delete pieces[name];
    return JSON.parse(texts.join(""));
  }

  global.RouteRisk = {
    part: part, joinParts: joinParts,
    layers: layers, legend: legend, panel: panel, slider: slider,
    layerControl: layerControl, escapeHtml: escapeHtml, safeUrl: safeUrl
  };
}(window));
