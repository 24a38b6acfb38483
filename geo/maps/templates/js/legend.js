/* The legend: band colours with their density ranges, the outline of segments outside the
 * boundary data, incident symbols, hatches, clusters and paths.
 */
RR.legend = (function () {
  "use strict";

  var C = RR.core, add = C.add;

  function legend(map, st, spec) {
    return C.control("bottomright", "rr-legend", function (box) {
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "Legend");
      add(box, "h2", null, spec.title);
      add(box, "p", "rr-unit-text", spec.unit);
      var ul = add(box, "ul", "rr-bands");
      spec.bands.slice().reverse().forEach(function (b) {
        var li = add(ul, "li");
        add(li, "span", "rr-swatch").style.background = C.colourOf(b.colour, "#9e9e9e");
        add(li, "span", "rr-band-label", b.label);
        add(li, "span", "rr-band-range", b.range);
        if (b.note) { add(li, "span", "rr-band-note", b.note); }
      });
      if (spec.outside) {
        var oli = add(ul, "li", "rr-outside-row");
        var sw = add(oli, "span", "rr-swatch rr-outside-swatch");
        sw.style.borderColor = C.colourOf(spec.outside.colour, "#6a3d9a");
        sw.style.background = "linear-gradient(90deg, " + spec.bands.map(function (b) {
          return C.colourOf(b.colour, "#9e9e9e");
        }).join(", ") + ")";
        add(oli, "span", "rr-band-label", spec.outside.label);
      }
      var more = add(box, "details", "rr-legend-more");
      more.open = true;
      add(more, "summary", null, "Incidents and paths");
      var tl = add(more, "ul", "rr-types");
      spec.types.forEach(function (t) {
        var li = add(tl, "li");
        li.appendChild(C.symbolElement(t, 14));
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
              C.fmtNumber(Q.length[q], 1) + " km, exposure " + C.fmtNumber(Q.exposure[q], 3));
        });
      }
    }).addTo(map);
  }

  return {legend: legend};
}());
