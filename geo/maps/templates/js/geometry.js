/* Segment geometry in Web Mercator "world" units of zoom 0 (256 per world) and hit-testing.
 *
 * project() decodes the delta arrays once into typed arrays: the parts of each segment, their
 * vertices and a bounding box per segment. hits() lists the segments within a tolerance of a
 * point, nearest first (a bounding-box test, then the exact distance to the few candidates).
 */
RR.geometry = (function () {
  "use strict";

  var MAX_LAT = 85.05112878, D2R = Math.PI / 180;

  /* [x, y] world units (zoom 0) of a latitude and longitude. */
  function mercator(lat, lon) {
    var la = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
    var sn = Math.sin(la * D2R);
    return [(lon + 180) / 360 * 256, (0.5 - Math.log((1 + sn) / (1 - sn)) / (4 * Math.PI)) * 256];
  }

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
    var p = 0, v = 0;
    for (s = 0; s < n; s++) {
      g.partStart[s] = p;
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (k = 0; k < parts[s].length; k++) {
        var a = parts[s][k], lat = 0, lon = 0;
        g.vStart[p++] = v;
        for (var i = 0; i < a.length; i += 2) {
          lat += a[i];
          lon += a[i + 1];
          var la = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat / 1e4));
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
    if (best === Infinity && g.vStart[g.partStart[s]] < g.vStart[g.partStart[s + 1]]) {
      var v0 = g.vStart[g.partStart[s]];  // a single vertex
      best = (g.x[v0] - px) * (g.x[v0] - px) + (g.y[v0] - py) * (g.y[v0] - py);
    }
    return best;
  }

  /* Segments within tol (world units) of (px, py) as [segment, distance] pairs, nearest
   * first; at equal distance the higher rank(s) first (the band drawn on top). */
  function hits(g, px, py, tol, rank) {
    var out = [], b = g.box, tol2 = tol * tol;
    for (var s = 0; s < g.n; s++) {
      if (b[4 * s] - tol > px || b[4 * s + 2] + tol < px || b[4 * s + 1] - tol > py ||
          b[4 * s + 3] + tol < py) { continue; }
      var d = distance2(g, s, px, py);
      if (d <= tol2) { out.push([s, Math.sqrt(d), rank ? rank(s) : 0]); }
    }
    out.sort(function (a, c) { return a[1] - c[1] || c[2] - a[2] || a[0] - c[0]; });
    return out.map(function (h) { return [h[0], h[1]]; });
  }

  /* The nearest segment within tol of (px, py), or -1. */
  function nearest(g, px, py, tol, rank) {
    var h = hits(g, px, py, tol, rank);
    return h.length ? h[0][0] : -1;
  }

  return {mercator: mercator, project: project, distance2: distance2, hits: hits,
          nearest: nearest};
}());
