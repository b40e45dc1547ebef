"""Estimation (issue 13): screening, history matching, ABC-SMC (pyabc), posterior I/O.

Knows models only through the catalogue (``abm.catalog.get(model)``) and runs them only
through ``abm.runner`` and ``abm.sweep``.
"""
