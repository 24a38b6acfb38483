// Loads the map's script modules (geo/maps/templates/js) into this process the way the page
// assembles them: each defines RR.<name> on one shared RR object, in load order.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const DIR = path.join(__dirname, "..", "..", "geo", "maps", "templates", "js");

function load(...names) {
  globalThis.RR = {};
  for (const name of names) {
    const file = path.join(DIR, name + ".js");
    vm.runInThisContext(fs.readFileSync(file, "utf8"), {filename: file});
  }
  const rr = globalThis.RR;
  delete globalThis.RR;
  return rr;
}

/* A tiny projected geometry: each segment a list of [lat, lon] pairs, as the payload's
 * integer deltas (1e-4 degree). */
function deltas(points) {
  const out = [];
  let lat = 0, lon = 0;
  for (const [la, lo] of points) {
    const a = Math.round(la * 1e4), o = Math.round(lo * 1e4);
    out.push(a - lat, o - lon);
    lat = a;
    lon = o;
  }
  return out;
}

module.exports = {load, deltas, DIR};
