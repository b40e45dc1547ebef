"""Estimation of a model's parameters from observed history (issue 13)."""
