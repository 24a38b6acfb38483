"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {load} = require("./load.js");

const RR = load("core", "time", "panel", "popups");

test("a slider step adds the incidents known by then and removes later ones", () => {
  const first = [0, 2, 1, 3, 0];
  const drawable = [1, 1, 0, 1, 1];  // incident 2 has no point: counted, never drawn
  const shown = new Uint8Array(5);
  let ch = RR.time.changes(first, shown, drawable, 3);
  assert.deepEqual(ch, {add: [0, 1, 3, 4], remove: [], known: 5});
  ch = RR.time.changes(first, shown, drawable, 1);
  assert.deepEqual(ch, {add: [], remove: [1, 3], known: 3});
  assert.deepEqual(Array.from(shown), [1, 0, 0, 0, 1]);
  ch = RR.time.changes(first, shown, drawable, 1);
  assert.deepEqual(ch, {add: [], remove: [], known: 3});
});

test("the panel's date is the slider's date", () => {
  const steps = ["2016-07-31", "2016-08-31", "2017-02-18"];
  assert.equal(RR.panel.asOfText(steps, 2, "2017-02-18"), "Risk as of 2017-02-18");
  assert.equal(RR.panel.asOfText(steps, 0, "2017-02-18"),
               "Risk as of 2016-07-31 (explanations as of 2017-02-18)");
});

test("a click picks the nearest feature; the others under the pointer follow", () => {
  const list = RR.popups.pick([[4, 0.5], [7, 3.2]], [[1, 2.0]]);
  assert.deepEqual(list.map((e) => [e.kind, e.ref]),
                   [["segment", 4], ["incident", 1], ["segment", 7]]);
  // a symbol exactly as near as a segment comes first (it is drawn on top)
  const tie = RR.popups.pick([[4, 1]], [[2, 1]]);
  assert.deepEqual(tie.map((e) => e.kind), ["incident", "segment"]);
  assert.deepEqual(RR.popups.pick([], []), []);
});

test("empty fields leave no empty separators", () => {
  assert.equal(RR.core.joinNonEmpty(["Corridor x", "", null, " ", "12 km"], " · "),
               "Corridor x · 12 km");
  assert.equal(RR.core.joinNonEmpty(["", undefined], ", "), "");
});
