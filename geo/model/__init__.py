"""The risk model: parameters, the incident × segment field, and the scores read from it.

* :mod:`geo.model.config` — :class:`~geo.model.config.RiskModel` and
  :func:`~geo.model.config.load_model` (TOML reading in :mod:`geo.model.config_file`);
* :mod:`geo.model.looks` — marker shapes and colours per incident type;
* :mod:`geo.model.known` — the known-by rule (when an incident could first have been known);
* :mod:`geo.model.field` — :class:`~geo.model.field.RiskField`, with the kernels in
  :mod:`geo.model.kernels`, :mod:`geo.model.kernels_jit` and :mod:`geo.model.network_kernel`;
* :mod:`geo.model.scores` — bands, timelines and :func:`~geo.model.scores.score_segments`;
* :mod:`geo.model.fate` — what happened to every incident.

The package itself imports nothing, so ``import geo.model.known`` stays light.
"""
