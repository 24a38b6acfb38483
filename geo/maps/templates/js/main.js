/* The page's entry points, called by the map's components (geo/maps/interactive.py). */
RR.api = {
  part: RR.controls.part, joinParts: RR.controls.joinParts,
  layers: RR.layers.layers, legend: RR.legend.legend, panel: RR.panel.panel,
  slider: function (map, st) { return RR.time.slider(map, st); },
  layerControl: RR.controls.layerControl, escapeHtml: RR.core.escapeHtml,
  safeUrl: RR.core.safeUrl
};
