"""Epstein's rules as pure functions: the arrest estimate, rule A, jail terms, draws."""

from __future__ import annotations

import math

import numpy as np
import pytest

from abm.engine.rules import (
    ARREST_RULES,
    INF_JAIL,
    JAIL_DRAWS,
    arrest_probability,
    goes_active,
    grievance,
    jail_term,
    randint,
)

LIT, FLOOR, ROUND = ARREST_RULES["literal"], ARREST_RULES["floor"], ARREST_RULES["round"]


def test_k_gives_p_09_for_one_cop_one_active():
    """Epstein: k is set so that P = 0.9 when C = 1 and A = 1; exactly 1 - e^-2.3."""
    want = 1 - math.exp(-2.3)
    assert want == pytest.approx(0.8997, abs=1e-4)
    for rule in (LIT, FLOOR, ROUND):
        assert arrest_probability(1, 1, 2.3, rule) == pytest.approx(want, rel=1e-15)


@pytest.mark.parametrize(
    ("cops", "actives", "ratio_literal", "ratio_floor", "ratio_round"),
    [
        (0, 1, 0.0, 0, 0),
        (1, 2, 0.5, 0, 0),  # round half to even, as Python's round in Mesa's example
        (1, 3, 1 / 3, 0, 0),
        (2, 3, 2 / 3, 0, 1),
        (3, 2, 1.5, 1, 2),
        (5, 2, 2.5, 2, 2),
        (7, 2, 3.5, 3, 4),
        (4, 1, 4.0, 4, 4),
    ],
)
def test_arrest_rule_variants(cops, actives, ratio_literal, ratio_floor, ratio_round):
    k = 2.3
    for rule, ratio in ((LIT, ratio_literal), (FLOOR, ratio_floor), (ROUND, ratio_round)):
        assert arrest_probability(cops, actives, k, rule) == pytest.approx(
            1 - math.exp(-k * ratio), abs=1e-15
        )


def test_floor_rule_is_netlogos_step_function():
    """NetLogo's Info tab: with floor, P = 0 when actives outnumber the police, else >= 0.9."""
    for cops in range(0, 8):
        for actives in range(1, 10):
            p = arrest_probability(cops, actives, 2.3, FLOOR)
            if actives > cops:
                assert p == 0.0
            else:
                assert p >= 1 - math.exp(-2.3) - 1e-15


def test_rule_a_is_strict_and_uses_net_risk():
    assert grievance(0.5, 0.8) == pytest.approx(0.1)
    g, r, p, t = 0.5, 0.5, 0.4, 0.1
    assert goes_active(g, r, p, t)  # 0.5 - 0.2 = 0.3 > 0.1
    assert not goes_active(g, r, p, 0.3)  # equality is quiet: "G - N > T"
    assert not goes_active(0.1, 0.0, 0.0, 0.1)
    assert goes_active(0.1000001, 0.0, 0.0, 0.1)


def test_jail_terms_have_the_documented_laws():
    rng = np.random.default_rng(1)
    uniform = np.array([jail_term(rng, 30, JAIL_DRAWS["uniform"]) for _ in range(20_000)])
    assert uniform.min() == 0 and uniform.max() == 30
    assert set(np.unique(uniform)) == set(range(31))
    assert uniform.mean() == pytest.approx(15.0, abs=0.25)  # SE ~ 0.063
    netlogo = np.array([jail_term(rng, 30, JAIL_DRAWS["netlogo"]) for _ in range(20_000)])
    # NetLogo draws 0..29 and ticks the counter at the end of the arrest tick: 0..28 missed
    assert netlogo.min() == 0 and netlogo.max() == 28
    assert (netlogo == 0).mean() == pytest.approx(2 / 30, abs=0.01)
    assert netlogo.mean() == pytest.approx(np.mean(np.maximum(np.arange(30) - 1, 0)), abs=0.25)
    assert jail_term(rng, 30, JAIL_DRAWS["fixed"]) == 30
    assert jail_term(rng, -1, JAIL_DRAWS["uniform"]) == INF_JAIL
    assert jail_term(rng, 0, JAIL_DRAWS["uniform"]) == 0


def test_randint_is_uniform():
    rng = np.random.default_rng(2)
    n, draws = 7, 70_000
    counts = np.bincount([randint(rng, n) for _ in range(draws)], minlength=n)
    assert counts.size == n
    expected = draws / n
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 22.5  # 6 d.o.f., p = 0.001
