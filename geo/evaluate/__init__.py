"""Evaluating the risk model against what happened next.

* :mod:`geo.evaluate.simulate` — a simulated region with a known, time-varying hazard.
* :mod:`geo.evaluate.metrics` — hit rate, PAI, PEI*, AUC, Poisson log-score, Spearman.
* :mod:`geo.evaluate.backtest` — rolling-origin backtests of the model and baselines.
* :mod:`geo.evaluate.tune` — choosing multipliers of half-lives and bandwidths by backtest.
"""
