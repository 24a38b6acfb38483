/* Map labels as real text on the page (found with Ctrl+F, read by screen readers), placed
 * without overlap.
 *
 * place() is the collision step: candidates in priority order (the caller sorts: countries,
 * capitals, then larger places first) each take the first of their positions whose box is free
 * and inside the view, or are left out. labelLayer() puts the placed labels in a pane as DOM
 * elements and places them again after every pan or zoom.
 */
RR.labels = (function () {
  "use strict";

  var CELL = 64, GAP = 2, DOT = 5;

  /* Boxes [x, y, w, h] a label of size w x h may take around its anchor (x, y): a point label
   * right of its dot, then left, above, below; an area label centred on it. */
  function positions(c) {
    var w = c.w, h = c.h, x = c.x, y = c.y;
    if (!c.dot) { return [[x - w / 2, y - h / 2, w, h]]; }
    return [[x + DOT, y - h / 2, w, h], [x - DOT - w, y - h / 2, w, h],
            [x - w / 2, y - DOT - h, w, h], [x - w / 2, y + DOT, w, h]];
  }

  function Grid() { this.cells = {}; }
  Grid.prototype._keys = function (b) {
    var out = [];
    for (var i = Math.floor(b[0] / CELL); i <= Math.floor((b[0] + b[2]) / CELL); i++) {
      for (var j = Math.floor(b[1] / CELL); j <= Math.floor((b[1] + b[3]) / CELL); j++) {
        out.push(i + ":" + j);
      }
    }
    return out;
  };
  Grid.prototype.free = function (b) {
    var keys = this._keys(b);
    for (var k = 0; k < keys.length; k++) {
      var list = this.cells[keys[k]] || [];
      for (var m = 0; m < list.length; m++) {
        var o = list[m];
        if (b[0] < o[0] + o[2] + GAP && o[0] < b[0] + b[2] + GAP &&
            b[1] < o[1] + o[3] + GAP && o[1] < b[1] + b[3] + GAP) { return false; }
      }
    }
    return true;
  };
  Grid.prototype.take = function (b) {
    var self = this;
    this._keys(b).forEach(function (k) { (self.cells[k] = self.cells[k] || []).push(b); });
  };

  /* Candidates {x, y, w, h, dot} in priority order -> [{index, box}] of those placed, each box
   * inside [0, 0, width, height] and overlapping no other, no dot of a placed label and no
   * blocked box [x, y, w, h] (the map's controls). A candidate with a key and a spread is left
   * out within spread px of a placed one of the same key (a name repeated across a country). */
  function place(cands, width, height, blocked) {
    var grid = new Grid(), out = [], byKey = {};
    (blocked || []).forEach(function (b) { grid.take(b); });
    function near(c) {
      var list = byKey[c.key] || [];
      for (var k = 0; k < list.length; k++) {
        var dx = list[k][0] - c.x, dy = list[k][1] - c.y;
        if (dx * dx + dy * dy < c.spread * c.spread) { return true; }
      }
      return false;
    }
    for (var i = 0; i < cands.length; i++) {
      var c = cands[i], boxes = positions(c);
      if (c.key !== undefined && near(c)) { continue; }
      var dot = c.dot ? [c.x - 2, c.y - 2, 4, 4] : null;
      if (dot && !grid.free(dot)) { continue; }
      for (var k = 0; k < boxes.length; k++) {
        var b = boxes[k];
        if (b[0] < 0 || b[1] < 0 || b[0] + b[2] > width || b[1] + b[3] > height) { continue; }
        if (!grid.free(b)) { continue; }
        grid.take(b);
        if (dot) { grid.take(dot); }
        if (c.key !== undefined) { (byKey[c.key] = byKey[c.key] || []).push([c.x, c.y]); }
        out.push({index: i, box: b});
        break;
      }
    }
    return out;
  }

  /* A layer of labels: items {lat, lon, text, cls, dot, minZoom, maxZoom, spread} in priority
   * order (spread: px between two labels of the same text, see place());
   * font(cls) is the CSS font of a class (for measuring). */
  function labelLayer(items, font) {
    var widths = {}, measure = document.createElement("canvas").getContext("2d");
    function widthOf(item) {
      var key = item.cls + "\u0000" + item.text;
      if (widths[key] === undefined) {
        measure.font = font(item.cls);
        widths[key] = Math.ceil(measure.measureText(item.text).width) + 4;
      }
      return widths[key];
    }
    var Layer = L.Layer.extend({
      onAdd: function (map) {
        this._map = map;
        this._box = L.DomUtil.create("div", "rr-labels", map.getPane("rr-labels"));
        this._box.setAttribute("role", "group");
        this._box.setAttribute("aria-label", "Place, country and water names");
        map.on("moveend resize", this._later, this);
        this.update();
        var self = this;
        setTimeout(function () { self.update(); }, 0);  // again once every control is there
      },
      onRemove: function (map) {
        map.off("moveend resize", this._later, this);
        L.DomUtil.remove(this._box);
        this._box = null;
      },
      /* update() in a task of its own after the move's redraws (no long task together) */
      _later: function () {
        var self = this;
        clearTimeout(this._timer);
        this._timer = setTimeout(function () { self.update(); }, 0);
      },
      /* boxes of the map's controls (panel, legend, slider ...), in container pixels */
      blocked: function () {
        var r = this._map.getContainer().getBoundingClientRect(), out = [];
        var controls = this._map.getContainer().querySelectorAll(".leaflet-control");
        for (var i = 0; i < controls.length; i++) {
          var c = controls[i].getBoundingClientRect();
          if (c.width && c.height) { out.push([c.left - r.left, c.top - r.top, c.width, c.height]); }
        }
        return out;
      },
      /* the labels of the view, placed again */
      update: function () {
        var map = this._map, box = this._box;
        if (!map || !box) { return; }
        var t0 = performance.now();
        var z = map.getZoom(), size = map.getSize(), cands = [], chosen = [];
        var view = map.getBounds().pad(0.05);
        for (var i = 0; i < items.length; i++) {
          var it = items[i];
          if (it.minZoom > z || it.maxZoom < z || !view.contains([it.lat, it.lon])) {
            continue;
          }
          var p = map.latLngToContainerPoint([it.lat, it.lon]);
          cands.push({x: p.x, y: p.y, w: widthOf(it), h: it.dot ? 14 : 16, dot: it.dot,
                      key: it.spread ? it.text : undefined, spread: it.spread});
          chosen.push(it);
        }
        var placed = place(cands, size.x, size.y, this.blocked());
        while (box.firstChild) { box.removeChild(box.firstChild); }
        var origin = map.containerPointToLayerPoint([0, 0]);
        placed.forEach(function (pl) {
          var it = chosen[pl.index], c = cands[pl.index];
          if (it.dot) {
            var d = L.DomUtil.create("div", "rr-label-dot " + it.cls + "-dot", box);
            d.setAttribute("aria-hidden", "true");
            L.DomUtil.setPosition(d, L.point(origin.x + c.x, origin.y + c.y));
          }
          var e = L.DomUtil.create("div", "rr-label " + it.cls, box);
          e.textContent = it.text;
          e.style.width = pl.box[2] + "px";
          L.DomUtil.setPosition(e, L.point(Math.round(origin.x + pl.box[0]),
                                           Math.round(origin.y + pl.box[1])));
        });
        this.shown = placed.length;
        this.ms = performance.now() - t0;
      }
    });
    return new Layer();
  }

  return {place: place, positions: positions, labelLayer: labelLayer};
}());
