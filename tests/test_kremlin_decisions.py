"""Moscow's decision rules on constructed states: the demand, the gamble, the rescue."""

from __future__ import annotations

import numpy as np
import pytest

from abm.belarus.actors.kremlin import (
    Unrest,
    choice_probability,
    demanded_support,
    draw_resolve,
    perceived_instability,
    rescue_margin,
    resolve_grid,
    risk_appetite,
    substitution_hazard,
)
from abm.belarus.params import BELARUS_PARAMS


@pytest.fixture
def p():
    return BELARUS_PARAMS.resolve({})


def switched_off(*switches: str):
    return BELARUS_PARAMS.resolve(dict.fromkeys(switches, False))


# ----------------------------------------------------------------------------- demand
def test_the_demand_rises_with_desperation_and_the_doctrine_and_falls_with_instability(p):
    calm = [demanded_support(p, d, 0.6, True, instability=0.0) for d in (0.0, 0.5, 1.0)]
    assert calm == sorted(calm) and calm[0] < calm[-1]
    assert demanded_support(p, 0.5, 1.0, True, 0.0) > demanded_support(p, 0.5, 0.0, True, 0.0)
    risky = [demanded_support(p, 0.5, 0.6, True, instability=r) for r in (0.0, 0.3, 1.0)]
    assert risky == sorted(risky, reverse=True) and risky[0] > risky[-1]
    # full desperation, a full counter-offensive and a calm Belarus: 'full assistance'
    assert demanded_support(p, 1.0, 1.0, True, 0.0) == 5.0


def test_the_demand_is_the_value_maximising_level(p):
    """d* maximises v d - (1 + c r) d^2 / 2 over a fine grid of levels."""
    for desperation, risk in ((0.2, 0.0), (0.7, 0.4), (1.0, 0.9)):
        d_star = demanded_support(p, desperation, 0.3, True, risk)
        v = p.demand_base + p.demand_desperation * desperation + p.doctrine_demand * 0.3
        grid = np.linspace(0, 5, 5001)
        ev = v * grid - (1 + p.instability_cost * risk) * grid**2 / 2
        assert d_star == pytest.approx(grid[np.argmax(ev)], abs=1e-3)


def test_a_warning_is_worth_what_the_unrest_behind_it_is_worth(p):
    quiet = perceived_instability(p, 0.05, True) - perceived_instability(p, 0.05, False)
    loud = perceived_instability(p, 0.4, True) - perceived_instability(p, 0.4, False)
    assert 0 < quiet < loud
    d_warned = demanded_support(p, 0.5, 0.6, True, perceived_instability(p, 0.4, True))
    assert d_warned < demanded_support(p, 0.5, 0.6, True, perceived_instability(p, 0.4, False))


# ---------------------------------------------------------------------------- the gamble
def hazard(p, **kw) -> float:
    state = dict(exasperation=0.3, desperation=0.7, odds=0.4, indispensability_=0.6)
    state.update({k: kw.pop(k) for k in list(kw) if k in state})
    return substitution_hazard(p, **state, resolve=kw.pop("resolve", 0.5), value=4.5, **kw)


def test_pro_western_unrest_makes_moscow_back_him(p):
    h = [hazard(p, unrest=Unrest(pro_western=u)) for u in (0.0, 0.3, 1.0)]
    assert h[0] > h[1] > h[2]


def test_a_mutinous_army_or_a_pro_russian_street_invites_his_replacement(p):
    calm = hazard(p, unrest=Unrest())
    assert hazard(p, unrest=Unrest(mutiny=0.5)) > calm
    assert hazard(p, unrest=Unrest(pro_russian=0.5)) > calm
    assert hazard(p, unrest=Unrest(pro_russian=1.0)) > hazard(p, unrest=Unrest(pro_russian=0.5))


def test_resolve_and_desperation_raise_the_appetite_and_the_attempt_probability(p):
    h = [hazard(p, resolve=r) for r in (0.0, 0.5, 1.0)]
    assert h[0] < h[1] < h[2]
    assert hazard(p, desperation=1.0) > hazard(p, desperation=0.2)
    assert risk_appetite(p, 1.0, 1.0) <= 1.0 and risk_appetite(p, 0.0, 0.0) == 0.0


def test_the_gamble_weighs_odds_exasperation_and_indispensability(p):
    h = hazard(p)
    assert hazard(p, odds=0.8) > h  # feasible
    assert hazard(p, exasperation=0.6) > h  # desired: more support withheld
    assert hazard(p, indispensability_=1.2) < h  # restrained
    assert 0 < h <= p.sub_opportunity  # a probability, bounded by the chance to weigh it


def test_no_substitution_without_the_mechanism(p):
    assert hazard(switched_off("mech_substitution"), odds=1.0, resolve=1.0) == 0.0


def test_the_old_call_keeps_working_with_the_prior_mean_type(p):
    """Lukashenko's code calls substitution_hazard(p, E, D, odds, I): the prior-mean type."""
    mean_type = float(resolve_grid(p).mean())
    assert substitution_hazard(p, 0.3, 0.7, 0.4, 0.6) == pytest.approx(
        substitution_hazard(p, 0.3, 0.7, 0.4, 0.6, resolve=mean_type, value=3.7)
    )


# ---------------------------------------------------------------------------- resolve
def test_resolve_is_drawn_from_the_declared_grid_with_every_type_possible(p):
    rng = np.random.default_rng(0)
    draws = {draw_resolve(p, rng) for _ in range(200)}
    assert draws == set(resolve_grid(p).tolist()) == {0.0, 0.5, 1.0}
    one = BELARUS_PARAMS.resolve({"resolve_types": 1})
    assert resolve_grid(one).tolist() == [0.5]


# ------------------------------------------------------------------ rescue, occupation
def test_moscow_rescues_a_ruler_from_a_pro_western_street_not_from_a_pro_russian_one(p):
    rho = risk_appetite(p, 0.5, 0.5)
    pw = choice_probability(p, rescue_margin(p, 0.9, rho, p.rescue_cost))
    pr = choice_probability(p, rescue_margin(p, 0.1, rho, p.rescue_cost))
    assert pw > 0.9 and pr < 0.5  # Moscow stays out rather than fight a pro-Russian street


def test_occupation_costs_more_than_a_rescue_and_resolve_makes_it_likelier(p):
    def occupy(resolve):
        rho = risk_appetite(p, resolve, 0.5)
        return choice_probability(p, rescue_margin(p, 0.8, rho, p.occupation_cost))

    rescue = choice_probability(p, rescue_margin(p, 0.8, risk_appetite(p, 0.5, 0.5), p.rescue_cost))
    assert occupy(0.5) < rescue
    assert occupy(0.0) < occupy(0.5) < occupy(1.0)
