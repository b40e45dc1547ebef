"""The war front inside the model: the expedition's soldiers conserved, withdrawal past the
loss threshold, clashes costing the army too, who is named as having decided the
intervention, switch-offs, and a forced intervention that can end without mass mutiny."""

from __future__ import annotations

import numpy as np
import pytest

from abm.belarus.actors.army import GARRISON, UKRAINE, morale_step
from abm.belarus.model import BelarusModel
from abm.belarus.params import BELARUS_PARAMS

SMALL = {"n_citizens": 1500}


def run(steps: int, seed: int = 0, **params) -> BelarusModel:
    m = BelarusModel({**SMALL, **params}, rng=seed, faces=False)
    for _ in range(steps):
        m.step()
    return m


def events(m: BelarusModel) -> list[str]:
    return [e for _, e, _ in m.events]


def test_the_expedition_is_formed_once_conserves_soldiers_and_withdraws_past_the_threshold():
    m = run(14, forced_intervention_week=2, mech_revolt=False)
    sent = [u for u in m.army.units if u.brought > 0]
    assert sent and all(u.location in (UKRAINE, GARRISON) for u in sent)
    for u in m.army.units:
        assert u.strength + u.losses == u.initial_strength
    for u in sent:
        lost = (u.brought - u.strength) / u.brought
        if u.location == UKRAINE:
            assert lost < m.p.front_withdraw_loss  # still fighting: below the threshold
        assert u.withdrawn == (u.location != UKRAINE)
    # not topped up: nobody was sent after the expedition formed
    first = {u.index for u in sent}
    assert first == {u.index for u in m.army.units if u.brought > 0}
    front = m.army.front
    assert front.ukraine == front.initial + front.arrived - front.departed - front.losses
    assert front.losses > 0 and m.army.casualties > 0


def test_a_weak_ukraine_lets_a_forced_intervention_end_without_mass_mutiny():
    """Ukraine can spare only 3,000 soldiers: the expedition breaks through at light losses."""
    for seed in range(3):
        m = run(40, seed, forced_intervention_week=2, ukraine_strength=3_000.0)
        assert "intervention" in events(m)
        assert "mass_mutiny" not in events(m)
        assert m.army.casualties < 0.05 * m.army.initial


def test_a_small_expedition_cannot_make_a_mass_mutiny_by_itself():
    """An expedition of 5 % of the army that meets Ukraine's border grouping is mauled and
    mutinies, but its soldiers alone are far below the mass-mutiny share."""
    m = run(6, forced_intervention_week=2, deploy_share=0.05)
    sent = sum(u.initial_strength for u in m.army.units if u.brought > 0)
    assert 0 < sent < 0.1 * m.army.initial
    assert "mass_mutiny" not in events(m)


def test_a_strong_ukraine_routes_the_expedition_and_defeat_erodes_morale():
    huge = dict(ukraine_strength=1_000_000.0, ukraine_sector_initial=200_000.0)
    m = run(3, forced_intervention_week=2, mech_revolt=False, **huge)
    assert "front_collapse" in events(m) and m.army.front.collapsed
    assert m.army.deployed_strength == 0
    m.step()
    assert m.army.deployed_strength == 0  # a lost front is not reopened


def test_defeat_erodes_morale_only_with_mechanism_five():
    on = BELARUS_PARAMS.resolve({})
    off = BELARUS_PARAMS.resolve({"mech_revolt": False})
    kw = dict(loss_share=0, neighbours_mutinied=0, uprising=0, pw_share=0.3, weakness=0)
    assert morale_step(on, 0.7, 0.7, defeat=1.0, **kw) == pytest.approx(0.7 - on.morale_w_defeat)
    assert morale_step(off, 0.7, 0.7, defeat=1.0, **kw) == pytest.approx(0.7)


def test_clashing_units_lose_soldiers_and_keep_their_books():
    m = run(0)
    u = m.army.units[-1]
    u.mutiny("clash", "constructed")
    before = u.strength
    m.army.clashes()
    assert 0 < before - u.strength == m.army.clash_losses_week
    assert u.strength + u.losses == u.initial_strength
    expected = before * m.p.clash_army_loss
    assert abs((before - u.strength) - expected) < 5 * np.sqrt(expected)


def test_a_forced_intervention_says_moscow_forced_it():
    m = BelarusModel({**SMALL, "forced_intervention_week": 1}, rng=0, faces=False)
    m.run_for(2)
    (cause,) = [c for _, e, c in m.events if e == "intervention"]
    assert "forced by Moscow" in cause and m.ruler.decider == "forced"


def test_the_intervention_event_reads_the_rulers_decider():
    m = run(0)
    m.ruler.decider = "loyalist"
    m.army.units[0].location = UKRAINE
    m.army.record_intervention(1)
    assert "ordered by Moscow's loyalist" in m.events[-1][2]
