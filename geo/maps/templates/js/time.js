/* Time: the slider's step recolours the segments, shows the incidents known by then and tells
 * every listener (slider label, panel title), so nothing on the page shows another date.
 */
RR.time = (function () {
  "use strict";

  var C = RR.core, add = C.add;

  /* Which symbols to add and remove for step k: first[j] is the first step incident j is
   * known at; shown[j] is 1 when its symbol is on the map (updated in place). Returns
   * {add: [j...], remove: [j...], known: count of incidents known at k}. */
  function changes(first, shown, drawable, k) {
    var out = {add: [], remove: [], known: 0};
    for (var j = 0; j < first.length; j++) {
      var want = first[j] <= k;
      if (want) { out.known++; }
      if (!drawable[j]) { continue; }
      if (want && !shown[j]) { out.add.push(j); shown[j] = 1; }
      else if (!want && shown[j]) { out.remove.push(j); shown[j] = 0; }
    }
    return out;
  }

  /* st.setStep(k): the whole page at step k. */
  function stepper(map, st) {
    var data = st.data, I = data.incidents, n = I.id.length;
    var drawable = new Uint8Array(n);
    for (var j = 0; j < n; j++) { drawable[j] = st.markers[j] ? 1 : 0; }
    return function (k) {
      k = Math.max(0, Math.min(data.steps.length - 1, k | 0));
      st.step = k;
      st.segmentLayer.redraw();
      var ch = changes(I.first, st.shown, drawable, k);
      var toAdd = ch.add.map(function (i) { return st.markers[i]; });
      var toRemove = ch.remove.map(function (i) { return st.markers[i]; });
      if (st.clustered && !st.grid) {
        if (toRemove.length) { st.incidentLayer.removeLayers(toRemove); }
        if (toAdd.length) { st.incidentLayer.addLayers(toAdd); }
      } else {
        toRemove.forEach(function (mk) { st.incidentLayer.removeLayer(mk); });
        toAdd.forEach(function (mk) { st.incidentLayer.addLayer(mk); });
      }
      st.unitPolys.forEach(function (poly, u) {
        var on = st.visibleIn(u).length > 0;
        if (on && !st.unitLayer.hasLayer(poly)) { st.unitLayer.addLayer(poly); }
        if (!on && st.unitLayer.hasLayer(poly)) { st.unitLayer.removeLayer(poly); }
      });
      var count = ch.known;
      if (st.grid) {
        count = st.grid.known(k);
        for (j = 0; j < n; j++) { if (I.lat[j] === null && I.first[j] <= k) { count++; } }
        st.grid.draw();
      }
      st.known = count;
      map.closePopup();
      st.listeners.forEach(function (f) { f(k); });
    };
  }

  function slider(map, st) {
    var steps = st.data.steps;
    if (steps.length < 2) { return null; }
    return C.control("bottomleft", "rr-slider", function (box) {
      var id = "rr-range";
      var label = add(box, "label", null, "Date ");
      label.htmlFor = id;
      var out = add(label, "output", "rr-date", steps[st.step]);
      var input = add(box, "input");
      input.type = "range";
      input.id = id;
      input.min = "0";
      input.max = String(steps.length - 1);
      input.step = "1";
      input.value = String(st.step);
      var info = add(box, "div", "rr-known");
      var ends = add(box, "div", "rr-ends");
      add(ends, "span", null, steps[0]);
      add(ends, "span", null, steps[steps.length - 1]);
      function show(k) {
        out.textContent = steps[k];
        input.setAttribute("aria-valuetext", steps[k]);
        info.textContent = st.known + " of " + st.nIncidents + " incidents known by then" +
          (k === steps.length - 1 ? " (scoring date)" : "");
        if (String(k) !== input.value) { input.value = String(k); }
      }
      st.listeners.push(show);
      show(st.step);
      input.addEventListener("input", function () { st.setStep(parseInt(input.value, 10)); });
    }).addTo(map);
  }

  return {changes: changes, stepper: stepper, slider: slider};
}());
