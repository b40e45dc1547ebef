"""Estimation (issue 13): a model's parameters fitted to its observed patterns.

``spec`` reads and checks a calibration spec (TOML, data like a sweep spec), ``problem``
turns it into pyabc's pieces (prior, model function, distance), ``abc`` runs ABC-SMC into a
posterior folder that resumes after a kill. The machinery knows models only through the
catalogue (``abm.catalog.get(model)``: parameters, priors, targets, scenarios) and
``abm.runner``; it never imports a model.
"""
