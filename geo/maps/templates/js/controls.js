/* The layer control (offline basemap or online tiles; toggleable overlays) and folder mode's
 * data loading.
 */
RR.controls = (function () {
  "use strict";

  var C = RR.core, esc = C.escapeHtml;

  function layerControl(map, st, spec) {
    var plain = st.basemap ? st.basemap.group : L.layerGroup();
    var bases = {};
    bases[esc(spec.plainName)] = plain;
    var tiles = spec.tiles.map(function (t) {
      var layer = L.tileLayer(t.url, {attribution: esc(t.attribution),
                                      maxZoom: t.maxZoom, subdomains: t.subdomains});
      bases[esc(t.name)] = layer;
      return layer;
    });
    var overlays = {};
    overlays[esc(spec.names.segments)] = st.segmentLayer;
    overlays[esc(spec.names.incidents)] = st.incidentLayer;
    overlays[esc(spec.names.units)] = st.unitLayer;
    if (st.pathLayer) { overlays[esc(spec.names.paths)] = st.pathLayer; }
    overlays[esc(spec.names.boundaries)] = st.provinces;
    function setBase(layer) {
      var online = layer !== plain;
      map.getContainer().classList.toggle("rr-plain", !online);
      st.provinces.eachLayer(function (l) {
        if (l.options.fill !== false) { l.setStyle({fillOpacity: online ? 0.15 : 1}); }
      });
    }
    map.on("baselayerchange", function (e) { setBase(e.layer); });
    var first = tiles.length ? tiles[0] : plain;
    first.addTo(map);
    setBase(first);
    L.control.layers(bases, overlays, {collapsed: spec.collapsed, position: "topright"})
      .addTo(map);
  }

  /* A folder-mode page loads its data as pieces of JSON text, one per .js file beside it
   * (see geo/maps/interactive.py, save_map). Each file calls part(); joinParts() checks that
   * every piece is there and of this build, then parses the joined text. */
  var pieces = {};
  function part(name, k, digest, text) {
    var byName = pieces[name] = pieces[name] || {};
    (byName[digest] = byName[digest] || {})[k] = text;
  }
  function joinParts(map, name, srcs, digest) {
    var byName = pieces[name] || {}, got = byName[digest] || {}, texts = [];
    var foreign = Object.keys(byName).some(function (d) { return d !== digest; });
    for (var k = 0; k < srcs.length; k++) {
      if (got[k] === undefined) {
        var problem = foreign ? "is missing or belongs to another build of this map"
          : "is missing";
        var box = C.add(map.getContainer(), "div", "rr-error");
        box.setAttribute("role", "alert");
        box.textContent = "The map's data file " + srcs[k] + " " + problem + ": keep the " +
          "folder beside the page together with it, as the build wrote them.";
        throw new Error("routerisk: data file " + srcs[k] + " " + problem);
      }
      texts.push(got[k]);
    }
    delete pieces[name];
    return JSON.parse(texts.join(""));
  }

  return {layerControl: layerControl, part: part, joinParts: joinParts};
}());
