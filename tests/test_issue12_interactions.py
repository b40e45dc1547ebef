"""Where the actors of issue 12 meet: a coup's losses, a rescue during a plot, a failed
plot's purge in his beliefs, and a second expedition's culminating point."""

from __future__ import annotations

import numpy as np
import pytest

from abm.belarus.actors import ruler_beliefs as rb
from abm.belarus.actors.army import GARRISON
from abm.belarus.model import BelarusModel
from abm.belarus.world_params import Inputs

SMALL = {"n_citizens": 1000}


def model(**params) -> BelarusModel:
    return BelarusModel({**SMALL, **params}, rng=4, faces=False)


def test_soldiers_lost_before_the_armys_week_still_weigh_on_its_morale():
    """A coup round (played before the army's week) adds losses that morale must read."""
    m = model()
    unit = next(u for u in m.army.units if u.location == GARRISON)
    m.army.new_week()
    unit.take_losses(200)  # what a contested coup's clashes do to a garrison unit
    before = unit.morale
    m.army.week(1, Inputs.at(m.p, 1))
    assert unit.week_losses >= 200
    assert unit.morale < before


def test_moscow_does_not_rescue_the_ruler_it_is_trying_to_depose():
    m = model(choice_scale=100.0, union_value=10.0)
    m.kremlin.attempt_substitution(1)
    assert m.security.coup is not None
    m.uprising_on = True
    m.turnout = 1.5 * m.uprising_threshold
    m.active, m.active_pw = 100, 90
    for u in m.security.units[1:]:
        u.defected = True
    m.kremlin.act(1)
    assert not m.kremlin.intervened and m.kremlin.russian_people == 0


def test_a_failed_plots_purge_reaches_his_beliefs():
    b = rb.initial_beliefs(np.linspace(0, 1, 3), np.array([0.3, 0.3, 0.3]), 10.0, 0.02, 10.0)
    backed = np.array([True, False, False])
    seen = rb.plot_evidence(b, backed, weight=5.0)
    purged = rb.plot_evidence(b, backed, weight=5.0, cut=0.4)
    assert purged.penetration[0] == pytest.approx(0.6 * seen.penetration[0])
    assert np.allclose(purged.penetration[1:], seen.penetration[1:])
    assert np.allclose(purged.pen_a + purged.pen_b, seen.pen_a + seen.pen_b)


def test_a_failed_plot_rotates_the_units_that_joined_and_no_others():
    m = model()
    units = m.security.units
    for i, u in enumerate(units):
        u.backs_moscow = i % 2 == 0
    before = [u.alignment for u in units]
    m.security.rotate_plotters()
    for u, a in zip(units, before, strict=True):
        assert (u.alignment < a) == (u.backs_moscow and a > 0)


def test_a_new_expedition_counts_its_own_losses_towards_its_culminating_point():
    m = model(forced_intervention_week=1)
    m.run_for(3)
    assert m.army.front.expedition_losses > 0
    m.support_level = 0  # brought home: a later intervention forms a new expedition
    m.army.deploy(4)
    m.support_level = 5
    m.army.deploy(5)
    sent = [u for u in m.army.units if u.brought > 0]
    assert sent and m.army.front.expedition_losses == 0
    assert all(u.fighting for u in sent)
