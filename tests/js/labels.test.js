"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {load} = require("./load.js");

const {labels} = load("labels");

function overlaps(a, b) {
  return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

test("a label takes the first free position right of its dot", () => {
  const placed = labels.place([{x: 100, y: 100, w: 50, h: 14, dot: true}], 400, 300);
  assert.equal(placed.length, 1);
  assert.deepEqual(placed[0].box, [105, 93, 50, 14]);
});

test("the earlier (more important) label wins; a later one moves to a free side", () => {
  const cands = [
    {x: 100, y: 100, w: 60, h: 14, dot: true},   // capital
    {x: 150, y: 100, w: 40, h: 14, dot: true},   // its dot under the capital's name: left out
    {x: 180, y: 100, w: 40, h: 14, dot: true}    // town further east: right of its dot
  ];
  const placed = labels.place(cands, 400, 300);
  assert.deepEqual(placed.map((p) => p.index), [0, 2]);
  assert.deepEqual(placed[0].box, [105, 93, 60, 14]);
  assert.deepEqual(placed[1].box, [185, 93, 40, 14]);
  // a town whose every side is taken is left out
  const crowded = labels.place([
    {x: 100, y: 100, w: 200, h: 14, dot: true},
    {x: 100, y: 100, w: 30, h: 14, dot: true}
  ], 400, 300);
  assert.deepEqual(crowded.map((p) => p.index), [0]);
});

test("a label whose right side is taken goes left of its dot", () => {
  const placed = labels.place([
    {x: 200, y: 100, w: 80, h: 16, dot: false},  // an area label: box [160, 92, 80, 16]
    {x: 150, y: 115, w: 30, h: 14, dot: true}    // right of its dot would touch it
  ], 400, 300);
  assert.deepEqual(placed.map((p) => p.box), [[160, 92, 80, 16], [115, 108, 30, 14]]);
  assert.ok(!overlaps(placed[0].box, placed[1].box));
});

test("labels outside the view are not placed", () => {
  const placed = labels.place([{x: 395, y: 10, w: 50, h: 14, dot: true},
                               {x: -40, y: 150, w: 30, h: 14, dot: false}], 400, 300);
  // the first fits on its left; the second is centred outside the view
  assert.deepEqual(placed.map((p) => p.index), [0]);
  assert.deepEqual(placed[0].box, [340, 3, 50, 14]);
});

test("no two placed labels overlap, whatever the candidates", () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const cands = [];
  for (let i = 0; i < 500; i++) {
    cands.push({x: rnd() * 800, y: rnd() * 600, w: 20 + rnd() * 80, h: 14, dot: rnd() < 0.8});
  }
  const placed = labels.place(cands, 800, 600);
  assert.ok(placed.length > 30 && placed.length < 500, String(placed.length));
  for (let i = 0; i < placed.length; i++) {
    const a = placed[i].box;
    assert.ok(a[0] >= 0 && a[1] >= 0 && a[0] + a[2] <= 800 && a[1] + a[3] <= 600);
    for (let j = i + 1; j < placed.length; j++) {
      assert.ok(!overlaps(a, placed[j].box), `labels ${i} and ${j} overlap`);
    }
  }
  // placed in priority order, and the first candidate that fits is always kept
  assert.deepEqual(placed.map((p) => p.index), placed.map((p) => p.index).sort((a, b) => a - b));
  assert.equal(placed[0].index, 0);
});

test("no label is placed over a blocked box (a control of the map)", () => {
  const cands = [{x: 100, y: 100, w: 50, h: 14, dot: true}, {x: 300, y: 100, w: 50, h: 14,
                                                             dot: true}];
  const placed = labels.place(cands, 400, 300, [[0, 0, 200, 300]]);
  assert.deepEqual(placed.map((p) => p.index), [1]);
});

test("a repeated name keeps its distance from its twin", () => {
  const name = (x, y) => ({x, y, w: 60, h: 16, dot: false, key: "Rwanda", spread: 300});
  const placed = labels.place([name(100, 100), name(250, 200), name(500, 100),
                               {x: 250, y: 200, w: 40, h: 14, dot: true}], 800, 600);
  assert.deepEqual(placed.map((p) => p.index), [0, 2, 3]);
});
