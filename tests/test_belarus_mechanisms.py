"""The Belarus model's rules as small pure functions, tested one by one."""

from __future__ import annotations

import numpy as np
import pytest

from abm.belarus.actors.kremlin import (
    demanded_support,
    exasperation_step,
    indispensability,
    perceived_instability,
    projected_exasperation,
    substitution_hazard,
    unmet_demand,
    warning_credence_step,
)
from abm.belarus.actors.lukashenko import nato_credibility_step, repression_step
from abm.belarus.actors.security import substitution_backing, success_odds
from abm.belarus.mechanisms.combat import expected_loss_share
from abm.belarus.mechanisms.coordination import cascade, thresholds
from abm.belarus.mechanisms.economy import (
    dependence_step,
    economic_pressure,
    hardship_index,
    leverage,
)
from abm.belarus.params import BELARUS_PARAMS


@pytest.fixture
def p():
    return BELARUS_PARAMS.resolve({})


def switched_off(*switches: str):
    """The defaults with the named switches off."""
    return BELARUS_PARAMS.resolve(dict.fromkeys(switches, False))


# ---------------------------------------------------------------------------- combat
# (the war front itself is tested in tests/test_front.py)
def test_lukashenko_expects_no_losses_without_an_expedition_and_more_over_a_longer_horizon():
    assert expected_loss_share(60_000, 0, 0.01, 26) == 0.0
    assert (
        0
        < expected_loss_share(60_000, 20_000, 0.008, 4)
        < expected_loss_share(60_000, 20_000, 0.008, 26)
    )


# ---------------------------------------------------------------------- coordination
def test_granovetter_riot_all_join_but_one_missing_link_stops_the_cascade():
    n = 10
    w = np.ones(n)
    theta = np.arange(n) / n  # thresholds 0, 0.1, ..., 0.9: each waits for one more
    joined, share = cascade(w, theta, seed=0.0)
    assert joined.all() and share == 1.0
    theta[1] = 0.2  # Granovetter's example: without the 0.1 instigator only one joins
    joined, share = cascade(w, theta, seed=0.0)
    assert joined.sum() == 1 and share == pytest.approx(0.1)


def test_cascade_respects_eligibility_and_partial_weights_and_broadcasts_draws():
    w = np.array([1.0, 1.0, 2.0])
    theta = np.zeros(3)
    joined, share = cascade(w, theta, 0.0, eligible=np.array([True, False, True]))
    assert list(joined) == [True, False, True] and share == pytest.approx(0.75)
    _, share = cascade(w, np.full(3, 2.0), 0.0, partial=np.array([0.5, 0.0, 0.25]))
    assert share == pytest.approx((0.5 + 0.5) / 4)
    joined2d, shares = cascade(w, np.array([[0.0, 0.0, 0.0], [2.0, 2.0, 2.0]]), 0.0)
    assert shares.tolist() == [1.0, 0.0] and joined2d.shape == (2, 3)


def test_thresholds_rise_with_leaning_and_fall_with_regime_weakness():
    base = thresholds(np.array([0.0, 0.4]), slope=0.5)
    assert base.tolist() == [0.5, 0.7]
    assert (thresholds(np.array([0.0, 0.4]), 0.5, weakness=1.0, weakness_discount=0.3) < base).all()


def test_without_penetration_nobody_backs_moscow_whatever_the_shocks():
    cap = np.array([1000.0, 5000.0, 20000.0])
    shocks = np.random.default_rng(0).normal(0, 1.0, (50, 3))
    backing = substitution_backing(cap, np.zeros(3), np.zeros(3), 0.4, 0.5, shocks)
    assert (backing == 0).all()
    assert success_odds(cap, np.zeros(3), np.zeros(3), 0.4, 0.5, shocks, 0.5) == 0.0


def test_success_odds_rise_with_penetration():
    cap = np.array([4000.0, 3000.0, 15000.0, 48000.0])
    loyalty = np.full(4, 0.5)
    shocks = 0.15 * np.random.default_rng(1).standard_normal((64, 4))
    odds = [
        success_odds(cap, loyalty, np.full(4, a), 0.1, 0.5, shocks, 0.5)
        for a in (0.1, 0.3, 0.45, 0.7)
    ]
    assert odds == sorted(odds) and odds[0] < 0.1 and odds[-1] > 0.9


# ---------------------------------------------------------------------------- economy
def test_sanctions_deepen_dependence_and_leverage_only_with_the_mechanism():
    dep = dependence_step(0.5, 1.0, base=0.5, gain=0.4, rate=0.1, enabled=True)
    assert dep == pytest.approx(0.54)
    assert dependence_step(0.5, 1.0, 0.5, 0.4, 0.1, enabled=False) == 0.5
    assert leverage(0.9, 0.6) > leverage(0.5, 0.6)
    assert economic_pressure(0.5, 0.0) == 0.0 < economic_pressure(0.5, 2.0)
    h = hardship_index(1.0, 1.0, True, 0.5, 0.5, 0.5)
    assert h == 1.0 and hardship_index(0.0, 0.0, False, 0.1, 0.1, 0.1) == 0.0


# ---------------------------------------------------------------------------- Kremlin
def test_doctrine_raises_the_demand_only_with_annexed_land_and_the_switch(p):
    with_doctrine = demanded_support(p, 0.5, 1.0, annexed=True, instability=0.0)
    assert with_doctrine > demanded_support(p, 0.5, 1.0, annexed=False, instability=0.0)
    p = switched_off("mech_union_doctrine")
    assert demanded_support(p, 0.5, 1.0, True, 0.0) < with_doctrine
    assert demanded_support(p, 1.0, 1.0, True, 0.0) > demanded_support(p, 0.0, 1.0, True, 0.0)


def test_exasperation_accumulates_with_the_gap_and_its_projection_matches_iteration(p):
    e = 0.1
    for _ in range(10):
        e = exasperation_step(p, e, gap_levels=2.0, purged=False)
    assert e == pytest.approx(projected_exasperation(p, 0.1, 2.0, 10))
    assert exasperation_step(p, 0.1, 0.0, purged=True) > exasperation_step(p, 0.1, 0.0, False)


def test_substitution_hazard_desire_risk_feasibility_restraint(p):
    h = substitution_hazard(p, 0.3, 0.5, 0.5, 0.8)
    assert substitution_hazard(p, 0.6, 0.5, 0.5, 0.8) > h  # exasperated: desired
    assert substitution_hazard(p, 0.3, 1.0, 0.5, 0.8) > h  # desperate: risk-taking
    assert substitution_hazard(p, 0.3, 0.5, 0.9, 0.8) > h  # penetrated: feasible
    assert substitution_hazard(p, 0.3, 0.5, 0.5, 1.5) < h  # indispensable: restrained
    p = switched_off("mech_substitution")
    assert substitution_hazard(p, 5.0, 1.0, 1.0, 0.0) == 0.0


def test_warnings_raise_moscows_perceived_risk_with_the_unrest_and_only_with_the_switch(p):
    assert perceived_instability(p, 0.2, warned=True) > perceived_instability(p, 0.2, False)
    assert perceived_instability(p, 0.0, warned=True) == 0.0  # a quiet street: worth nothing
    assert indispensability(p, 0.4) > indispensability(p, 0.1)  # polarisation
    p = switched_off("mech_warning")
    assert perceived_instability(p, 0.2, warned=True) == perceived_instability(p, 0.2, False)


def test_warning_credence_wears_under_unconfirmed_warnings_only_when_warning_wear_is_set():
    worn = BELARUS_PARAMS.resolve({"warning_wear": 0.1, "warning_recovery": 0.05})
    c = 1.0
    for _ in range(6):  # six warnings, no uprising
        c = warning_credence_step(worn, c, warned=True, borne_out=False)
    assert c == pytest.approx(0.9**6)
    assert warning_credence_step(worn, c, warned=True, borne_out=True) > c  # borne out
    assert warning_credence_step(worn, c, warned=False, borne_out=False) == pytest.approx(
        c + 0.05 * (1 - c)
    )  # silence: recovers toward 1
    # a discounted warning raises the perceived risk less, but still more than none
    assert (
        perceived_instability(worn, 0.3, False)
        < perceived_instability(worn, 0.3, True, c)
        < perceived_instability(worn, 0.3, True, 1.0)
    )
    default = BELARUS_PARAMS.resolve({})
    assert default.warning_wear == 0.0
    c = 1.0
    for _ in range(50):
        c = warning_credence_step(default, c, warned=True, borne_out=False)
    assert c == 1.0  # the default: warnings never wear


# ------------------------------------------------------------------------- Lukashenko
# (his decision rule and beliefs: tests/test_ruler_decision.py, tests/test_ruler_beliefs.py)
def test_the_nato_excuse_forgives_only_while_troops_stay_home():
    assert unmet_demand(4.0, 3, 1.0) == 0.0 and unmet_demand(4.0, 3, 0.0) == 1.0
    assert unmet_demand(4.5, 5, 1.0) == 0.0  # at war there is no excuse to use


def test_credibility_wears_with_use_and_recovers_toward_a_posture_ceiling(p):
    c = 0.5
    assert nato_credibility_step(p, c, used=True, posture=0.5) < c
    assert nato_credibility_step(p, 0.2, used=False, posture=0.5) > 0.2
    assert nato_credibility_step(p, 0.2, False, 1.0) > nato_credibility_step(p, 0.2, False, 0.0)


def test_repression_follows_turnout(p):
    assert repression_step(p, 0.0, 0.05) > 0 and repression_step(p, 0.5, 0.0) < 0.5
