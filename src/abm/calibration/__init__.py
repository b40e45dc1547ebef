"""Estimation: patterns, screening, history matching, ABC-SMC (pyabc) and the posterior as data."""
