"""Epstein's (2002) behavioural rules as small pure functions.

Each is compiled with numba so the kernel calls the very same code that the tests call
from Python; there is one definition of every rule.
"""

from __future__ import annotations

import math

import numba

#: Arrest-estimate variants, keyed by the integer code the kernel uses.
ARREST_RULES = {"literal": 0, "floor": 1, "round": 2}


@numba.njit(cache=True)
def grievance(hardship: float, legitimacy: float) -> float:
    """G = H (1 - L): hardship felt against a regime only counts as far as it is illegitimate."""
    return hardship * (1.0 - legitimacy)


@numba.njit(cache=True)
def arrest_probability(cops: int, actives: int, k: float, rule: int) -> float:
    """Estimated arrest probability P = 1 - exp(-k * f(C / A)).

    ``actives`` already counts the citizen herself (A >= 1). ``rule`` picks f:
    0 ``literal`` - f(x) = x, the formula as printed in Epstein (2002);
    1 ``floor``   - f(x) = floor(x), NetLogo Rebellion, whose Info tab notes that
                    without it the model shows no punctuated equilibrium;
    2 ``round``   - f(x) = round half to even, Mesa 3.5's bundled example (Python ``round``).
    """
    ratio = cops / actives
    if rule == 1:
        ratio = math.floor(ratio)
    elif rule == 2:
        ratio = round(ratio)
    return 1.0 - math.exp(-k * ratio)


@numba.njit(cache=True)
def goes_active(grievance_: float, risk_aversion: float, p_arrest: float, threshold: float) -> bool:
    """Rule A: active iff G - R * P > T (net risk N = R * P)."""
    return grievance_ - risk_aversion * p_arrest > threshold
