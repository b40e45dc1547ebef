"""Lukashenko's decision rule alone, on constructed belief states (issue 12): grave
substitution risk and a winnable war -> direct intervention; a hopeless war -> refusal;
every level chosen somewhere; quantal noise -> best response; purges and the excuse and the
warning as choices with costs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from abm.belarus.actors import ruler_beliefs as rb
from abm.belarus.actors.lukashenko import (
    Situation,
    assess,
    choice_probabilities,
    choose_level,
    purge_choice,
    quantal_choice,
    revolt_risk,
    substitution_risk,
    wants_to_warn,
)
from abm.belarus.actors.revolt_emulator import RevoltEmulator
from abm.belarus.params import BELARUS_PARAMS

#: A test emulator (the fitted one is the emulator helper's output): revolt risk rises with
#: the level, unrest, illegitimacy, an expedition's expected losses and mutiny.
EMULATOR = RevoltEmulator(-4.0, (0.3, 2.0, 3.0, 6.0, 3.0), 26)
CAPACITY = np.array([8_000.0, 2_000.0, 15_000.0, 40_000.0])
WEIGHT = np.array([1.0, 1.0, 1.0, 0.25])


@pytest.fixture
def p():
    return BELARUS_PARAMS.resolve({})


def beliefs(resolve=(1 / 3, 1 / 3, 1 / 3), penetration=0.3, loss=0.02) -> rb.Beliefs:
    b = rb.initial_beliefs(
        rb.type_grid(0.2, 0.9, 3), np.full(CAPACITY.size, penetration), 30.0, loss, 10.0
    )
    return rb.replace(b, resolve=np.asarray(resolve, dtype=float))


def situation(**kw) -> Situation:
    base = dict(
        demand=4.0,
        unrest=0.1,
        illegitimacy=[0.20, 0.20, 0.21, 0.22, 0.25, 0.30],
        mutinied_share=0.0,
        leverage=0.5,
        relief=0.0,
        current=3,
        capacity=CAPACITY,
        weight=WEIGHT,
        troops=9_000.0,
    )
    base.update(kw)
    return Situation(**base)


def best(p, b, s, em=EMULATOR) -> int:
    return choose_level(p, em, b, s, u=None)[0]


RESOLUTE, MEEK = (0.0, 0.1, 0.9), (0.9, 0.1, 0.0)


def test_grave_substitution_risk_and_a_winnable_war_send_him_in(p):
    b = beliefs(resolve=RESOLUTE, penetration=0.5, loss=0.001)
    assert best(p, b, situation(demand=5.0)) == 5


def test_a_hopeless_war_makes_him_refuse_it_even_under_the_same_threat(p):
    b = beliefs(resolve=RESOLUTE, penetration=0.5, loss=0.15)
    level, table = choose_level(p, EMULATOR, b, situation(demand=5.0), u=None)
    assert level < 5
    assert table[5].p_revolt > 0.5 > table[level].p_revolt


def test_a_meek_moscow_asking_little_gets_little(p):
    b = beliefs(resolve=MEEK, penetration=0.2)
    assert best(p, b, situation(demand=0.5, current=0)) == 0


def test_every_level_is_chosen_somewhere_in_belief_space(p):
    chosen = set()
    grid = itertools.product(
        (0.0, 1.0, 2.0, 3.0, 4.0, 5.0),  # demand
        (MEEK, (1 / 3, 1 / 3, 1 / 3), RESOLUTE),  # resolve posterior
        (0.1, 0.3, 0.5),  # penetration
        (0.002, 0.05),  # expected loss rate of an expedition
        (0.05, 0.6),  # unrest
    )
    for demand, resolve, pen, loss, unrest in grid:
        b = beliefs(resolve=resolve, penetration=pen, loss=loss)
        chosen.add(best(p, b, situation(demand=demand, unrest=unrest, current=int(demand))))
    assert chosen == set(range(6))


def test_hosting_russian_troops_raises_the_coup_odds_he_fears(p):
    b = beliefs(resolve=RESOLUTE, penetration=0.3)
    s = situation(demand=1.0)
    none, hosting = assess(p, EMULATOR, b, s, 0), assess(p, EMULATOR, b, s, 1)
    assert hosting.odds > none.odds
    no_troops = situation(demand=1.0, troops=0.0)
    assert assess(p, EMULATOR, b, no_troops, 1).odds == pytest.approx(none.odds)


def test_risks_vanish_with_their_switches(p):
    b, s = beliefs(resolve=RESOLUTE, penetration=0.5), situation()
    assert substitution_risk(p, b, 3.0, 0.8) > 0 and revolt_risk(p, EMULATOR, b, s, 5) > 0
    off = BELARUS_PARAMS.resolve({"mech_substitution": False, "mech_revolt": False})
    assert substitution_risk(off, b, 3.0, 0.8) == 0 and revolt_risk(off, EMULATOR, b, s, 5) == 0


def test_graded_complicity_off_leaves_only_none_or_all(p):
    off = BELARUS_PARAMS.resolve({"mech_graded_complicity": False})
    level, table = choose_level(off, EMULATOR, beliefs(), situation(), u=None)
    assert level in (0, 5) and {a.level for a in table} == {0, 5}


def test_quantal_response_tends_to_the_best_response_as_precision_grows():
    utilities = [0.80, 0.83, 0.85, 0.84, 0.70, 0.20]
    probs = [choice_probabilities(utilities, lam)[2] for lam in (0.0, 10.0, 100.0, 1000.0)]
    assert probs[0] == pytest.approx(1 / 6)
    assert all(a < b for a, b in zip(probs, probs[1:], strict=False)) and probs[-1] > 0.99
    u = np.random.default_rng(3).random(20_000)
    draws = np.bincount([quantal_choice(utilities, 100.0, x) for x in u], minlength=6)
    assert draws / u.size == pytest.approx(choice_probabilities(utilities, 100.0), abs=0.01)
    assert quantal_choice(utilities, float("inf"), 0.999) == 2


def test_the_purge_decision_flips_with_its_cost(p):
    pen = np.array([0.2, 0.2, 0.2, 0.2])
    b = beliefs(resolve=RESOLUTE, penetration=0.2)
    b = rb.replace(b, pen_a=pen * 30, pen_b=(1 - pen) * 30)
    b = rb.reveal_unit(b, 0, alignment=0.9, weight=200.0, cut=0.0)  # KGB-like unit exposed
    s = situation(demand=4.0)
    row = assess(p, EMULATOR, b, s, 3)
    cheap = BELARUS_PARAMS.resolve({"ruler_purge_cost": 0.0})
    dear = BELARUS_PARAMS.resolve({"ruler_purge_cost": 0.5})
    assert purge_choice(cheap, b, s, row)[0] == 0
    assert purge_choice(dear, b, s, row)[0] is None


def test_the_excuse_is_used_only_when_its_relief_buys_enough(p):
    b = beliefs(resolve=RESOLUTE, penetration=0.5)
    grave = assess(p, EMULATOR, b, situation(demand=4.0, relief=0.8), 3)
    assert grave.excuse and grave.gap == pytest.approx(0.2)
    calm = assess(p, EMULATOR, beliefs(resolve=MEEK, penetration=0.05), situation(relief=0.8), 3)
    assert not calm.excuse and calm.gap == pytest.approx(1.0)
    assert not assess(p, EMULATOR, b, situation(demand=4.0, relief=0.0), 3).excuse


def test_he_warns_only_when_the_uprising_he_warns_of_is_one_he_fears(p):
    b = beliefs()
    assert wants_to_warn(p, EMULATOR, b, situation(demand=4.0, unrest=1.2), 3)
    assert not wants_to_warn(p, EMULATOR, b, situation(demand=4.0, unrest=0.0), 3)
    assert not wants_to_warn(p, EMULATOR, b, situation(demand=3.0, unrest=1.2), 3)


def test_the_emulators_horizon_is_carried_to_his(p):
    b, s = beliefs(), situation()
    same = revolt_risk(p, EMULATOR, b, s, 3)
    short = RevoltEmulator(EMULATOR.intercept, EMULATOR.coef, 13)
    carried = revolt_risk(p, short, b, s, 3)
    assert carried == pytest.approx(1 - (1 - same) ** 2)
