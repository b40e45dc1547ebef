"""Lukashenko inside the model: he decides on what he observes (never on Moscow's hidden
state), and the model records who set each week's level."""

from __future__ import annotations

import pytest

import abm.belarus.actors.lukashenko as lukashenko
from abm.belarus.actors.revolt_emulator import RevoltEmulator
from abm.belarus.model import BelarusModel

SMALL = {"n_citizens": 400}
#: A test emulator (the fitted file is the emulator helper's output).
EMULATOR = RevoltEmulator(-4.0, (0.0, 2.0, 3.0, 6.0, 3.0), 26)


@pytest.fixture(autouse=True)
def emulator(monkeypatch):
    monkeypatch.setattr(lukashenko, "load_emulator", lambda *a, **k: EMULATOR)


def model(weeks: int, **params) -> BelarusModel:
    m = BelarusModel({**SMALL, **params}, rng=5, faces=False)
    m.run_for(weeks)
    return m


def test_moscows_hidden_state_does_not_enter_his_decision():
    a, b = model(6), model(6)
    k = b.kremlin
    k.exasperation, k.hazard, k.odds = 9.0, 0.99, 0.99
    if hasattr(k, "resolve"):
        k.resolve = 1.0 - k.resolve
    x = a.inputs
    a.ruler.govern(7, x)
    b.ruler.govern(7, x)
    assert a.support_level == b.support_level
    assert [r.utility for r in a.ruler.assessment] == [r.utility for r in b.ruler.assessment]


def test_he_learns_from_the_weeks_he_watches():
    m = model(12)
    assert m.ruler.decider == "lukashenko"
    start = BelarusModel(SMALL, rng=5, faces=False).ruler.beliefs
    assert abs(m.ruler.beliefs.resolve - start.resolve).max() > 0.1  # the demands told him
    assert (m.ruler.beliefs.penetration > start.penetration).all()  # Moscow keeps working


def test_the_log_can_tell_who_chose_the_level():
    m = model(3)
    m.regime = "loyalist"
    m.ruler.govern(4, m.inputs)
    assert m.ruler.decider == "loyalist"
    assert m.support_level == min(5, round(m.kremlin.demand))
    forced = model(3, forced_intervention_week=2)
    assert forced.ruler.decider == "forced" and forced.support_level == 5
