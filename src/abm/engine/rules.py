"""Epstein's (2002) behavioural rules as small pure functions.

Each is compiled with numba so the kernel calls the very same code that the tests call
from Python; there is one definition of every rule.
"""

from __future__ import annotations

import math

import numba
import numpy as np

#: Arrest-estimate variants, keyed by the integer code the kernel uses.
ARREST_RULES = {"literal": 0, "floor": 1, "round": 2}

#: Jail-term draws, keyed by the integer code the kernel uses (see ``jail_term``).
JAIL_DRAWS = {"uniform": 0, "netlogo": 1, "fixed": 2}

#: A term that never ends (Epstein's J_max = infinity in runs 3-5); terms are int32.
INF_JAIL = 2**31 - 1


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
def sanction_probability(p_street: float, p_extra: float) -> float:
    """P(sanction) = 1 - (1 - P_street)(1 - P_extra): the street arrest estimate combined with
    an independent extra risk (a model's prosecution after the fact).

    With no extra risk it returns ``p_street`` itself: 1 - (1 - P) * 1 is not always P in
    floating point, and Epstein's rule must see exactly the value it always saw.
    """
    if p_extra == 0.0:
        return p_street
    return 1.0 - (1.0 - p_street) * (1.0 - p_extra)


@numba.njit(cache=True)
def goes_active(grievance_: float, risk_aversion: float, p_arrest: float, threshold: float) -> bool:
    """Rule A: active iff G - R * P > T (net risk N = R * P)."""
    return grievance_ - risk_aversion * p_arrest > threshold


@numba.njit(cache=True, inline="always")
def randint(rng, n: int) -> int:
    """Uniform integer in 0 .. n-1 from one ``rng.random()`` draw.

    Inside numba, ``Generator.random()`` costs a few ns and ``Generator.integers()`` about
    30 ns; floor(u n) with a 53-bit u is uniform up to a relative bias below n / 2^53
    (1e-14 for any neighbourhood here), far below anything a simulation can detect.
    """
    i = np.int64(rng.random() * n)
    return i if i < n else n - 1


@numba.njit(cache=True)
def jail_term(rng, jail_max: int, draw: int) -> int:
    """Whole steps an arrestee misses after the step of the arrest.

    ``jail_max < 0`` means J_max = infinity: the term never ends. ``draw`` picks the law:
    0 ``uniform`` - U{0, ..., J_max}: Epstein's "jail term drawn randomly from
                    U(0, J_max)" on whole steps (and Mesa's ``randint(0, max_jail_term)``);
    1 ``netlogo`` - what NetLogo Rebellion's ``random max-jail-term`` (0 .. J_max-1) amounts
                    to: its counter also ticks down at the end of the arrest tick, so an
                    agent drawing J misses max(J - 1, 0) whole ticks;
    2 ``fixed``   - always J_max.
    """
    if jail_max < 0:
        return INF_JAIL
    if draw == 2:
        return jail_max
    if draw == 1:
        if jail_max <= 1:
            return 0
        return max(randint(rng, jail_max) - 1, 0)
    return randint(rng, jail_max + 1)
