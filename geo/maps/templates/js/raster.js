/* Segments written straight into a pixel buffer (for views with very many vertices, where the
 * browser's antialiased stroker takes seconds without a GPU), and the repaint of a slider step.
 *
 * bucket() sorts the segments in view by group (band 1..5, 6 unknown) with a counting sort.
 * A Raster keeps, per view, the step-independent pixels (casings, and the distinct outline of
 * segments outside coverage) and the list of band pixels of every segment; paint() then only
 * restores those pixels and writes each segment's listed pixels in its band colour, bands in
 * ascending order (the highest band on top, as in the stroked drawing). Both also run as jobs
 * in time slices (viewJob, paintJob), so no task of the page runs long on a large map.
 */
RR.raster = (function () {
  "use strict";

  var GROUPS = 8;  // 0 unused, 1..5 bands, 6 unknown band, 7 not in view
  var MAX_PIXELS = 24000000;

  function rgba(hex) {  // "#rrggbb" -> opaque pixel of a little-endian Uint32 ImageData view
    var v = parseInt(hex.slice(1), 16);
    return (0xff000000 | ((v & 0xff) << 16) | (v & 0xff00) | ((v >> 16) & 0xff)) >>> 0;
  }

  /* The segments whose boxes meet view [x0, y0, x1, y1] (world units), ordered by group:
   * order[start[k]] .. order[start[k + 1] - 1] are those of group k; n in view. */
  function bucket(g, view, groupOf, order, groups) {
    var counts = new Int32Array(GROUPS), b = g.box, n = 0, s, k;
    order = order || new Int32Array(g.n);
    groups = groups || new Uint8Array(g.n);
    for (s = 0; s < g.n; s++) {
      if (b[4 * s + 2] < view[0] || b[4 * s] > view[2] || b[4 * s + 3] < view[1] ||
          b[4 * s + 1] > view[3]) {
        groups[s] = 7;
        continue;
      }
      groups[s] = groupOf(s);
      counts[groups[s] + 1]++;
      n++;
    }
    for (k = 1; k < GROUPS; k++) { counts[k] += counts[k - 1]; }
    var start = counts.slice();
    for (s = 0; s < g.n; s++) { if (groups[s] < 7) { order[counts[groups[s]]++] = s; } }
    return {order: order, start: start, n: n};
  }

  /* A line of width w (device pixels) written straight into a pixel buffer: a square brush
   * stepped along the line (no antialiasing). With a list ({pix, n, max}), the pixel indices of
   * the same line at width lw are appended to it (not written), for as long as it holds at most
   * list.max. */
  function rasterLine(buf, W, H, x0, y0, x1, y1, colour, w, lw, list) {
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

  /* Segment s's lines into buf (width w); with a list, the pixels of a line of width lw along
   * the same path are appended to it. Vertices closer than a pixel are skipped. */
  function lines(g, buf, W, H, s, tr, colour, w, lw, list) {
    var scale = tr[0], ox = tr[1], oy = tr[2];
    for (var p = g.partStart[s]; p < g.partStart[s + 1]; p++) {
      var v = g.vStart[p], end = g.vStart[p + 1] - 1;
      var lx = g.x[v] * scale + ox, ly = g.y[v] * scale + oy;
      if (v === end) { rasterLine(buf, W, H, lx, ly, lx, ly, colour, w, lw, list); }
      for (v++; v <= end; v++) {
        var x = g.x[v] * scale + ox, y = g.y[v] * scale + oy;
        if (v === end || Math.abs(x - lx) >= 1 || Math.abs(y - ly) >= 1) {
          rasterLine(buf, W, H, lx, ly, x, y, colour, w, lw, list);
          lx = x;
          ly = y;
        }
      }
    }
  }

  /* Pixel drawing of the segments of geometry g. style: {casing, outline} colours;
   * widths: {casing, outline, band} in device pixels; outside(s): outside coverage. */
  function Raster(g, style, widths, outside) {
    this.g = g;
    this.casing = rgba(style.casing);
    this.outline = rgba(style.outline);
    this.widths = widths;
    this.outside = outside;
    this.from = new Int32Array(g.n);
    this.to = new Int32Array(g.n);
    this.pixBuf = null;
    this.pix = null;
    this.base = null;
    this.max = MAX_PIXELS;
  }

  /* The step-independent part of a view, as a job run in slices: every casing (outside
   * coverage: a wider outline colour) into buf, kept as this.base, and the band pixels of each
   * segment in view listed as index runs. tr = [scale, ox, oy]: world -> buffer pixel. The job
   * is a function(deadline) that works until performance.now() passes deadline and returns
   * true once done. */
  Raster.prototype.viewJob = function (buf, W, H, b, tr) {
    var self = this, g = this.g, w = this.widths, pass = 0, i = b.start[1];
    var list = {pix: this.pixBuf || new Int32Array(1 << 16), n: 0, max: this.max};
    buf.fill(0);
    this.W = W;
    this.H = H;
    this.tr = tr;
    this.base = null;
    return function (deadline) {
      var done = 0;  // segments this slice: the deadline is checked every 256
      while (pass < 2) {  // inside casings, then outside outlines on top
        while (i < b.n) {
          var s = b.order[i++];
          if ((self.outside(s) ? 1 : 0) === pass) {
            self.from[s] = list.n;
            lines(g, buf, W, H, s, tr, pass ? self.outline : self.casing,
                  pass ? w.outline : w.casing, w.band, list);
            self.to[s] = list.n;
          }
          if ((++done & 255) === 0 && performance.now() > deadline) { return false; }
        }
        pass++;
        i = b.start[1];
      }
      self.pixBuf = list.pix;
      self.pix = list.n <= list.max ? list.pix : null;
      self.base = new Uint32Array(buf.length);
      self.base.set(buf);
      return true;
    };
  };

  /* Restore the view's casings and write each segment's band pixels in the colour of its
   * group now (colourOfGroup(k) for k = 1..6), highest band last; a job as viewJob's. */
  Raster.prototype.paintJob = function (buf, b, colourOfGroup) {
    var self = this, k = 1, i = -1, colour = 0;
    return function (deadline) {
      var done = 0;
      if (i < 0) {
        buf.set(self.base);
        i = b.start[1];
        colour = rgba(colourOfGroup(1));
      }
      var pix = self.pix, from = self.from, to = self.to;
      while (k <= 6) {
        var end = b.start[k + 1];
        if (i < b.start[k]) { i = b.start[k]; }
        while (i < end) {
          var s = b.order[i++];
          if (pix) {
            for (var j = from[s], e = to[s]; j < e; j++) { buf[pix[j]] = colour; }
          } else {  // too many pixels to list: rasterise again
            lines(self.g, buf, self.W, self.H, s, self.tr, colour, self.widths.band, 0, null);
          }
          if ((++done & 255) === 0 && performance.now() > deadline) { return false; }
        }
        k++;
        if (k <= 6) { colour = rgba(colourOfGroup(k)); }
      }
      return true;
    };
  };

  /* The view job at once (see viewJob). */
  Raster.prototype.view = function (buf, W, H, b, tr) {
    this.viewJob(buf, W, H, b, tr)(Infinity);
  };

  /* The paint job at once (see paintJob). */
  Raster.prototype.paint = function (buf, b, colourOfGroup) {
    this.paintJob(buf, b, colourOfGroup)(Infinity);
  };

  return {rgba: rgba, bucket: bucket, rasterLine: rasterLine, lines: lines, Raster: Raster};
}());
