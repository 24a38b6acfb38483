/* The info panel: publication mark, title, the date the colours show (following the slider),
 * method, sources.
 */
RR.panel = (function () {
  "use strict";

  var C = RR.core, add = C.add;

  /* "Risk as of <step date>", and the scoring date when the slider shows another. */
  function asOfText(steps, k, asOf) {
    var shown = steps[k] || asOf;
    return "Risk as of " + shown + (shown === asOf ? "" : " (explanations as of " + asOf + ")");
  }

  function panel(map, st, spec) {
    return C.control("topleft", "rr-panel", function (box) {
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "About this map");
      var mark = add(box, "div", spec.public ? "rr-mark rr-public" : "rr-mark rr-restricted",
                     spec.mark);
      mark.setAttribute("role", "note");
      add(box, "h1", null, spec.title);
      var asOf = add(box, "p", "rr-asof", asOfText(st.data.steps, st.step, spec.asOf));
      asOf.setAttribute("aria-live", "polite");
      st.listeners.push(function (k) {
        asOf.textContent = asOfText(st.data.steps, k, spec.asOf);
      });
      add(box, "p", "rr-method", spec.method + " Click a segment to see why.");
      if (st.data.undrawn) {
        add(box, "p", "rr-note", st.data.undrawn + " incident(s) have no known place and are " +
            "not drawn.");
      }
      if (spec.sources.length) {
        var d = add(box, "details", "rr-sources");
        if (spec.sources.length <= 4) { d.open = true; }
        add(d, "summary", null, "Sources (" + spec.sources.length + ")");
        var ul = add(d, "ul");
        spec.sources.forEach(function (s) {
          var li = add(ul, "li");
          li.appendChild(C.linkOrText(s.name, s.url));
          if (s.count > 1) { add(li, "span", "rr-source-count", " (" + s.count + " incidents)"); }
        });
      }
    }).addTo(map);
  }

  return {panel: panel, asOfText: asOfText};
}());
