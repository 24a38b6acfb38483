/* One canvas for every segment: a dark casing (segments outside coverage: a wider outline in
 * a distinct colour), then each band as one path. Redrawn after a pan or zoom ends (the canvas
 * moves with the map while dragging and is scaled during the zoom animation, as Leaflet's own
 * renderers are) and when the slider moves. Pointer events are found by distance to the
 * segments (RR.geometry.hits), never by an element per segment.
 */
RR.segments = (function () {
  "use strict";

  var G = RR.geometry, R = RR.raster;
  var EXCLUDED = ".leaflet-control, .leaflet-popup, .leaflet-marker-icon, .leaflet-tooltip";
  var PAD = 0.1, TOL_PX = 6, FAST_VERTICES = 60000, SLICE_MS = 40;
  var WIDTH = {casing: 7, outline: 11, band: 4, hlCasing: 10, hlOutline: 13, hlBand: 7};

  /* style: {casing, outline}; groupOf(s): 1..5 band, 6 unknown; outside(s): outside coverage;
   * colourOfGroup(k): colour of band group k. */
  function segmentCanvas(g, style, groupOf, outside, colourOfGroup) {
    var Layer = L.Layer.extend({
      fastVertices: FAST_VERTICES,  // above this many vertices in view: pixel writes
      tolerancePx: TOL_PX,
      onAdd: function (map) {
        this._map = map;
        var pane = map.getPane("rr-segments");
        this._canvas = L.DomUtil.create("canvas", "rr-seg-canvas leaflet-zoom-animated", pane);
        this._hl = L.DomUtil.create("canvas", "rr-seg-canvas-hl leaflet-zoom-animated", pane);
        this._canvas.style.pointerEvents = "none";
        this._hl.style.pointerEvents = "none";
        this._order = new Int32Array(g.n);
        this._size = [0, 0];
        this._groups = new Uint8Array(g.n);
        this._hover = -1;
        map.on("moveend resize", this._reset, this);
        if (map.options.zoomAnimation) { map.on("zoomanim", this._animateZoom, this); }
        var self = this, container = map.getContainer();
        this._onMove = function (e) { self._pointer(e); };
        this._onOver = function (e) {  // what lies under a segment gets no mouseover
          if (!(e.target && e.target.closest && e.target.closest(EXCLUDED)) &&
              self.segmentAt(map.mouseEventToContainerPoint(e)) >= 0) { e.stopPropagation(); }
        };
        this._onLeave = function () { self._setHover(-1, null); };
        container.addEventListener("mousemove", this._onMove, true);
        container.addEventListener("mouseover", this._onOver, true);
        container.addEventListener("mouseleave", this._onLeave, false);
        this._reset();
      },
      onRemove: function (map) {
        map.off("moveend resize", this._reset, this);
        map.off("zoomanim", this._animateZoom, this);
        var container = map.getContainer();
        container.removeEventListener("mousemove", this._onMove, true);
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
      /* After a pan, zoom or resize: the canvases' next place and size. They move there when
       * the new picture is ready (until then the old one stays where it belongs). */
      _reset: function () {
        var map = this._map, size = map.getSize();
        this._pending = {
          min: map.containerPointToLayerPoint(size.multiplyBy(-PAD)).round(),
          center: map.getCenter(), zoom: map.getZoom(),
          w: Math.round(size.x * (1 + 2 * PAD)), h: Math.round(size.y * (1 + 2 * PAD))};
        this.redraw();
      },
      /* the pending place and size onto both canvases */
      _apply: function () {
        var v = this._pending, dpr = window.devicePixelRatio || 1;
        if (!v) { return; }
        this._pending = null;
        this._min = v.min;
        this._center = v.center;
        this._zoom = v.zoom;
        this._size = [v.w, v.h];
        [this._canvas, this._hl].forEach(function (c) {
          L.DomUtil.setPosition(c, v.min);
          if (c.width !== Math.round(v.w * dpr) || c.height !== Math.round(v.h * dpr)) {
            c.width = Math.round(v.w * dpr);
            c.height = Math.round(v.h * dpr);
            c.style.width = v.w + "px";
            c.style.height = v.h + "px";
          }
        });
      },
      /* world -> canvas pixel of a view {min, zoom}: x * scale + off[0] */
      _transform: function (v) {
        v = v || {min: this._min, zoom: this._zoom};
        var scale = Math.pow(2, v.zoom), origin = this._map.getPixelOrigin();
        return [scale, -origin.x - v.min.x, -origin.y - v.min.y];
      },
      redraw: function () {
        if (!this._map) { return; }
        var t0 = performance.now(), self = this;
        var v = this._pending || {min: this._min, zoom: this._zoom, w: this._size[0],
                                  h: this._size[1]};
        var tr = this._transform(v), scale = tr[0], ox = tr[1], oy = tr[2];
        var w = v.w, h = v.h, margin = 8 / scale;
        var view = [-ox / scale - margin, -oy / scale - margin, (w - ox) / scale + margin,
                    (h - oy) / scale + margin];
        var b = R.bucket(g, view, groupOf, this._order, this._groups), k;
        var ctx = this._canvas.getContext("2d"), dpr = window.devicePixelRatio || 1;
        var verts = 0;
        for (k = 0; k < b.n; k++) {
          var sk = b.order[k];
          verts += g.vStart[g.partStart[sk + 1]] - g.vStart[g.partStart[sk]];
        }
        this._fast = verts > this.fastVertices;
        this._job = (this._job || 0) + 1;  // a newer drawing supersedes a running one
        if (this._fast) {
          var W = Math.round(w * dpr), H = Math.round(h * dpr);
          if (this._canvas.width !== W || this._canvas.height !== H) { this._apply(); }
          this._raster(ctx, b, [scale * dpr, ox * dpr, oy * dpr], dpr, W, H, function () {
            self._apply();
            self._finish(b.n, t0);
          });
        } else {
          this._apply();
          this._stroke(ctx, b, tr, dpr, w, h);
          this._finish(b.n, t0);
        }
      },
      _stroke: function (ctx, b, tr, dpr, w, h) {
        var self = this, k;
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.clearRect(0, 0, w, h);
        ctx.lineCap = "round";
        ctx.lineJoin = "round";
        function trace(from, to, out) {
          ctx.beginPath();
          for (var i = from; i < to; i++) {
            var s = b.order[i];
            if (out === undefined || outside(s) === out) { self._trace(ctx, s, tr); }
          }
        }
        trace(b.start[1], b.n, false);  // casing of every band
        ctx.strokeStyle = style.casing;
        ctx.lineWidth = WIDTH.casing;
        ctx.stroke();
        trace(b.start[1], b.n, true);  // outside coverage: a wide outline of its own colour
        ctx.strokeStyle = style.outline;
        ctx.lineWidth = WIDTH.outline;
        ctx.stroke();
        ctx.lineWidth = WIDTH.band;
        for (k = 1; k <= 6; k++) {
          if (b.start[k + 1] === b.start[k]) { continue; }
          trace(b.start[k], b.start[k + 1]);
          ctx.strokeStyle = colourOfGroup(k);
          ctx.stroke();
        }
      },
      _finish: function (n, t0) {
        this._drawn = n;
        this._drawMs = performance.now() - t0;
        this._map.getContainer().setAttribute("data-rr-drawn", String(n));
        if (this._hover >= 0) { this._highlight(this._hover); }
      },
      /* Many vertices in view: RR.raster, casing 5 px, outline 8 px, band 3 px, in slices of
       * SLICE_MS (the first one now: a small map is drawn at once); done() when the picture is
       * on the canvas. */
      _raster: function (ctx, b, tr, dpr, W, H, done) {
        var self = this, job = this._job, r = this._rasterizer;
        if (!this._img || this._img.width !== W || this._img.height !== H) {
          this._img = ctx.createImageData(W, H);
          this._buf = new Uint32Array(this._img.data.buffer);
        }
        if (!r) {
          r = this._rasterizer = new R.Raster(g, style, {
            casing: Math.max(1, Math.round(5 * dpr)), outline: Math.max(1, Math.round(8 * dpr)),
            band: Math.max(1, Math.round(3 * dpr))}, outside);
        }
        var key = [tr[0], tr[1], tr[2], W, H].join(","), steps = [];
        if (this._baseKey !== key) {
          this._baseKey = null;
          steps.push(r.viewJob(this._buf, W, H, b, tr));
          steps.push(function () { self._baseKey = key; return true; });
        }
        steps.push(r.paintJob(this._buf, b, colourOfGroup));
        var img = this._img;
        function run() {
          if (self._job !== job || !self._map) { return; }
          var deadline = performance.now() + SLICE_MS;
          while (steps.length) {
            if (!steps[0](deadline)) {
              setTimeout(run, 0);
              return;
            }
            steps.shift();
          }
          ctx.setTransform(1, 0, 0, 1, 0, 0);
          ctx.putImageData(img, 0, 0);
          done();
        }
        run();
      },
      _trace: function (ctx, s, tr) {
        var scale = tr[0], ox = tr[1], oy = tr[2];
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
        this._hl.style.display = s < 0 ? "none" : "";  // an empty layer costs compositing
        if (s < 0) { return; }
        ctx.lineCap = "round";
        ctx.lineJoin = "round";
        ctx.beginPath();
        this._trace(ctx, s, tr);
        ctx.strokeStyle = outside(s) ? style.outline : style.casing;
        ctx.lineWidth = outside(s) ? WIDTH.hlOutline : WIDTH.hlCasing;
        ctx.stroke();
        ctx.strokeStyle = colourOfGroup(groupOf(s));
        ctx.lineWidth = WIDTH.hlBand;
        ctx.stroke();
      },
      /* [segment, distance in px] of the segments within the tolerance of a container point,
       * nearest first. */
      segmentsAt: function (point) {
        var map = this._map, scale = Math.pow(2, map.getZoom());
        var lp = map.containerPointToLayerPoint(point).add(map.getPixelOrigin());
        return G.hits(g, lp.x / scale, lp.y / scale, this.tolerancePx / scale, groupOf)
          .map(function (h) { return [h[0], h[1] * scale]; });
      },
      /* the segment nearest to a container point, within a few pixels (-1: none) */
      segmentAt: function (point) {
        var h = this.segmentsAt(point);
        return h.length ? h[0][0] : -1;
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
      _pointer: function (e) {
        var map = this._map;
        if (map.dragging && map.dragging._draggable && map.dragging._draggable._moving) {
          return;  // the map is being dragged: nothing to hover
        }
        if (e.target && e.target.closest && e.target.closest(EXCLUDED)) {
          this._setHover(-1, null);
          return;
        }
        var s = this.segmentAt(map.mouseEventToContainerPoint(e));
        if (s >= 0) { e.stopPropagation(); }  // the segment is on top: nothing below hovers
        this._setHover(s, e);
      }
    });
    return new Layer();
  }

  return {segmentCanvas: segmentCanvas, EXCLUDED: EXCLUDED};
}());
