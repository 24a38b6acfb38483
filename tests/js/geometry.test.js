"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {load, deltas} = require("./load.js");

const {geometry} = load("geometry");

// Three segments near the equator: A along 0°N from 0°E to 1°E, B along 0.001°N (a parallel
// one, about 0.18 px away at zoom 8) and C far to the north.
const COORDS = [deltas([[0, 0], [0, 0.5], [0, 1]]), deltas([[0.001, 0], [0.001, 1]]),
                [deltas([[5, 0], [5, 1]]), deltas([[6, 0], [6, 1]])]];
const g = geometry.project(COORDS);
const ZOOM = 8, SCALE = Math.pow(2, ZOOM);

function at(lat, lon) {
  const [x, y] = geometry.mercator(lat, lon);
  return [x, y];
}

test("project decodes parts and vertices into world units with boxes", () => {
  assert.equal(g.n, 3);
  assert.deepEqual(Array.from(g.partStart), [0, 1, 2, 4]);
  assert.deepEqual(Array.from(g.vStart), [0, 3, 5, 7, 9]);
  const [x0, y0] = at(0, 0);
  assert.ok(Math.abs(g.x[0] - x0) < 1e-9 && Math.abs(g.y[0] - y0) < 1e-9);
  assert.ok(Math.abs(g.x[0] - 128) < 1e-9 && Math.abs(g.y[0] - 128) < 1e-9);
  assert.ok(g.box[4 * 2 + 1] < g.box[4 * 2 + 3]);  // north is up: smaller y
});

test("hits lists the segments within the tolerance, nearest first", () => {
  const [x, y] = at(-0.004, 0.5);  // just south of A
  const tol = 6 / SCALE;
  const hits = geometry.hits(g, x, y, tol);
  assert.deepEqual(hits.map((h) => h[0]), [0, 1]);
  assert.ok(hits[0][1] < hits[1][1]);
  assert.equal(geometry.nearest(g, x, y, tol), 0);
  const [xn, yn] = at(0.006, 0.5);  // just north of B
  assert.equal(geometry.nearest(g, xn, yn, tol), 1);
  const [xf, yf] = at(2, 0.5);  // far from every segment
  assert.deepEqual(geometry.hits(g, xf, yf, tol), []);
  assert.equal(geometry.nearest(g, xf, yf, tol), -1);
  const [xc, yc] = at(6.001, 0.2);  // the second part of C
  assert.equal(geometry.nearest(g, xc, yc, tol), 2);
});

test("at equal distance the higher rank (band drawn on top) is picked", () => {
  const twin = geometry.project([deltas([[0, 0], [0, 1]]), deltas([[0, 0], [0, 1]])]);
  const [x, y] = at(0.001, 0.5);
  const tol = 6 / SCALE;
  assert.equal(geometry.nearest(twin, x, y, tol, (s) => [2, 5][s]), 1);
  assert.equal(geometry.nearest(twin, x, y, tol, (s) => [5, 2][s]), 0);
});

test("distance2 is the squared distance to the nearest point of the line", () => {
  const line = geometry.project([deltas([[0, 0], [0, 1]])]);
  const [x, y] = at(0, 0.5);
  assert.ok(geometry.distance2(line, 0, x, y - 0.01) - 1e-4 < 1e-12);
  const [xe, ye] = at(0, 1);
  assert.ok(Math.abs(geometry.distance2(line, 0, xe + 0.03, ye + 0.04) - 0.0025) < 1e-12);
});
