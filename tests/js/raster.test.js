"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {load} = require("./load.js");

const {raster} = load("raster");

/* Segments as polylines in world units; the transform [1, 0, 0] maps them to buffer pixels. */
function geometry(lines) {
  const n = lines.length, nv = lines.reduce((a, l) => a + l.length, 0);
  const g = {n, partStart: new Uint32Array(n + 1), vStart: new Uint32Array(n + 1),
             x: new Float64Array(nv), y: new Float64Array(nv), box: new Float64Array(4 * n)};
  let v = 0;
  lines.forEach((line, s) => {
    g.partStart[s] = s;
    g.vStart[s] = v;
    const xs = line.map((p) => p[0]), ys = line.map((p) => p[1]);
    line.forEach(([x, y]) => { g.x[v] = x; g.y[v] = y; v++; });
    g.box.set([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], 4 * s);
  });
  g.partStart[n] = n;
  g.vStart[n] = v;
  return g;
}

const BANDS = ["#000000", "#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026", "#9e9e9e"];
const STYLE = {casing: "#3f3f3f", outline: "#7b3294"};
const WIDTHS = {casing: 5, outline: 7, band: 1};
const W = 40, H = 24, VIEW = [0, 0, W, H], TR = [1, 0, 0];
const px = (buf, x, y) => buf[y * W + x];
const colour = (k) => BANDS[k];

test("rgba packs #rrggbb as an opaque little-endian pixel", () => {
  assert.equal(raster.rgba("#102030"), 0xff302010);
});

test("bucket orders the segments in view by band group", () => {
  const g = geometry([[[1, 1], [5, 1]], [[1, 3], [5, 3]], [[100, 3], [110, 3]], [[1, 5], [5, 5]]]);
  const groups = [5, 1, 2, 3];
  const b = raster.bucket(g, VIEW, (s) => groups[s]);
  assert.equal(b.n, 3);  // segment 2 lies outside the view
  assert.deepEqual(Array.from(b.order.subarray(0, 3)), [1, 3, 0]);
  assert.equal(b.start[1], 0);
  assert.equal(b.start[3], 1);
  assert.equal(b.start[5], 2);
  assert.equal(b.start[7], 3);
});

test("a slider step repaints only the band pixels, over the kept casings", () => {
  const g = geometry([[[3, 6], [36, 6]], [[3, 17], [36, 17]]]);
  const outside = (s) => s === 1;
  const r = new raster.Raster(g, STYLE, WIDTHS, outside);
  const buf = new Uint32Array(W * H);
  let bands = [1, 2];
  let b = raster.bucket(g, VIEW, (s) => bands[s]);
  r.view(buf, W, H, b, TR);
  r.paint(buf, b, colour);
  assert.equal(px(buf, 10, 6), raster.rgba(BANDS[1]));     // band 1 in the middle
  assert.equal(px(buf, 10, 5), raster.rgba(STYLE.casing)); // casing around it
  assert.equal(px(buf, 10, 17), raster.rgba(BANDS[2]));    // outside coverage: band colour
  assert.equal(px(buf, 10, 15), raster.rgba(STYLE.outline));  // inside its outline
  assert.equal(px(buf, 10, 11), 0);                         // nothing between
  const before = buf.slice();
  bands = [5, 4];  // the next step
  b = raster.bucket(g, VIEW, (s) => bands[s]);
  r.paint(buf, b, colour);  // no new view: casings restored from the kept base
  assert.equal(px(buf, 10, 6), raster.rgba(BANDS[5]));
  assert.equal(px(buf, 10, 17), raster.rgba(BANDS[4]));
  let changed = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== before[i]) {
      changed++;
      assert.ok(buf[i] === raster.rgba(BANDS[5]) || buf[i] === raster.rgba(BANDS[4]), String(i));
    }
  }
  assert.equal(changed, 2 * 34);  // one band pixel per column of each 34-pixel line
  bands = [1, 2];  // and back: the first picture again
  r.paint(buf, raster.bucket(g, VIEW, (s) => bands[s]), colour);
  assert.deepEqual(buf, before);
});

test("where segments cross, the higher band is drawn on top", () => {
  const g = geometry([[[2, 10], [38, 10]], [[20, 1], [20, 22]]]);
  const r = new raster.Raster(g, STYLE, WIDTHS, () => false);
  const buf = new Uint32Array(W * H);
  for (const [a, c, top] of [[5, 2, 5], [1, 4, 4]]) {
    const b = raster.bucket(g, VIEW, (s) => (s === 0 ? a : c));
    r.view(buf, W, H, b, TR);
    r.paint(buf, b, colour);
    assert.equal(px(buf, 20, 10), raster.rgba(BANDS[top]));
  }
});

test("without a pixel list (too many pixels) the repaint rasterises again, same picture", () => {
  const g = geometry([[[3, 6], [36, 9]], [[3, 17], [36, 12]]]);
  const bands = [3, 5];
  const listed = new raster.Raster(g, STYLE, WIDTHS, (s) => s === 0);
  const redrawn = new raster.Raster(g, STYLE, WIDTHS, (s) => s === 0);
  redrawn.max = 0;
  const a = new Uint32Array(W * H), c = new Uint32Array(W * H);
  const b = raster.bucket(g, VIEW, (s) => bands[s]);
  listed.view(a, W, H, b, TR);
  listed.paint(a, b, colour);
  redrawn.view(c, W, H, b, TR);
  assert.equal(redrawn.pix, null);
  redrawn.paint(c, b, colour);
  assert.deepEqual(c, a);
});

test("in time slices the view and the repaint give the same picture", () => {
  const lines = [];
  for (let k = 0; k < 600; k++) { lines.push([[1 + (k % 30), 1 + (k % 20)], [38, 2 + (k % 21)]]); }
  const g = geometry(lines);
  const bands = lines.map((_, k) => 1 + (k % 5));
  const b = raster.bucket(g, VIEW, (s) => bands[s]);
  const once = new raster.Raster(g, STYLE, WIDTHS, (s) => s % 7 === 0);
  const a = new Uint32Array(W * H);
  once.view(a, W, H, b, TR);
  once.paint(a, b, colour);
  const sliced = new raster.Raster(g, STYLE, WIDTHS, (s) => s % 7 === 0);
  const c = new Uint32Array(W * H);
  let calls = 0;
  for (const job of [sliced.viewJob(c, W, H, b, TR), sliced.paintJob(c, b, colour)]) {
    while (!job(0)) { calls++; }  // a deadline long past: 256 segments per slice
    calls++;
  }
  assert.ok(calls >= 6, String(calls));
  assert.deepEqual(c, a);
});
