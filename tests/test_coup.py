"""Contested coups (``mechanisms/coup.py``): the rules on constructed players, then the attempt
inside the model."""

from __future__ import annotations

import numpy as np
import pytest

from abm.belarus.mechanisms.coup import (
    DEFEND,
    JOIN,
    MOSCOW_WINS,
    RULER_WINS,
    UNDECIDED,
    Players,
    capital_garrison,
    clash,
    imagined_odds,
    opening,
    play_round,
)
from abm.belarus.model import BelarusModel
from abm.belarus.params import BELARUS_PARAMS

SMALL = {"n_citizens": 400}


@pytest.fixture
def p():
    return BELARUS_PARAMS.resolve({})


def players(capacity, loyalty, alignment, capital, outside=0.0, can_defend=None, weight=3.0):
    """Players from per-unit lists, Moscow's outside force (outside the capital) last."""
    n = len(capacity)
    defend = [True] * n if can_defend is None else list(can_defend)
    return Players(
        capacity=np.array([*capacity, outside], dtype=float),
        weight=np.where([*capital, False], weight, 1.0),
        loyalty=np.array([*loyalty, 0.0]),
        alignment=np.array([*alignment, 1.0]),
        can_defend=np.array([*defend, False]),
        decides=np.arange(n + 1) < n,
    )


def play(pl, p, rounds=None, seed=0):
    """Play an attempt to its verdict; (outcome, rounds played, final standing)."""
    rng = np.random.default_rng(seed)
    standing = opening(pl, p["coup_loyal_core"])
    for k in range(1, (rounds or p["coup_max_rounds"]) + 1):
        standing, _, now = play_round(pl, standing, rng.standard_normal((1, len(pl))), p)
        if now[0] != UNDECIDED:
            return int(now[0]), k, standing
    return UNDECIDED, k, standing


# ------------------------------------------------------------------------------- the rules
def test_moscow_holding_the_capitals_majority_wins_and_loyal_defenders_defeat_it(p):
    cap, capital = [5_000, 5_000, 20_000], [True, True, False]
    penetrated = players(cap, [0.3, 0.4, 0.5], [0.8, 0.7, 0.3], capital)
    outcome, _, standing = play(penetrated, p)
    assert outcome == MOSCOW_WINS
    assert (standing.choice[0, :2] == JOIN).all()
    loyal = players(cap, [0.8, 0.7, 0.6], [0.2, 0.1, 0.1], capital, outside=5_000)
    outcome, _, standing = play(loyal, p)
    assert outcome == RULER_WINS
    assert (standing.choice[0, :2] == DEFEND).all()


def test_units_in_the_capital_weigh_more(p):
    # Moscow's penetrated unit is the capital's; the ruler's the larger one in the provinces
    cap, loyalty, alignment = [6_000, 10_000], [0.3, 0.9], [0.9, 0.0]
    outcomes = {
        w: play(players(cap, loyalty, alignment, [True, False], weight=w), p)[0] for w in (1.0, 5.0)
    }
    assert outcomes == {1.0: RULER_WINS, 5.0: MOSCOW_WINS}


def test_success_rises_monotonically_with_penetration(p):
    rng = np.random.default_rng(3)
    cap = rng.uniform(1_000, 15_000, 14)
    loyalty = rng.uniform(0.4, 0.7, 14)
    affinity = rng.uniform(0.5, 2.0, 14)
    capital = rng.random(14) < 0.5
    shocks = rng.standard_normal((400, p["coup_max_rounds"], 15))
    odds = [
        imagined_odds(players(cap, loyalty, np.clip(a * affinity, 0, 1), capital, 9_000), p, shocks)
        for a in np.linspace(0.0, 0.6, 13)
    ]
    assert odds[0] == 0.0 and odds[-1] == 1.0
    assert all(b >= a for a, b in zip(odds, odds[1:], strict=False)), odds
    assert any(0.05 < o < 0.95 for o in odds), odds  # contested somewhere between


def test_without_signal_noise_the_outcome_is_a_deterministic_coordination_outcome(p):
    q = BELARUS_PARAMS.resolve({"coup_signal_noise": 0.0})
    rng = np.random.default_rng(1)
    for a in np.linspace(0.1, 0.6, 11):
        pl = players([4_000, 6_000, 12_000], [0.5, 0.6, 0.5], [a, a, a / 2], [1, 1, 0], 3_000)
        shocks = rng.standard_normal((50, q["coup_max_rounds"], len(pl)))
        assert imagined_odds(pl, q, shocks) in (0.0, 1.0)
        assert len({play(pl, q, seed=s)[:2] for s in range(5)}) == 1
    # with noise the same attempts are not all foregone conclusions
    noisy = [
        imagined_odds(
            players([4_000, 6_000, 12_000], [0.5, 0.6, 0.5], [a, a, a / 2], [1, 1, 0], 3_000),
            p,
            rng.standard_normal((200, p["coup_max_rounds"], 4)),
        )
        for a in np.linspace(0.1, 0.6, 11)
    ]
    assert any(0.0 < o < 1.0 for o in noisy)


def test_clashes_cost_both_sides_in_proportion_to_the_smaller_one(p):
    pl = players([1_000, 3_000], [0.5, 0.5], [0.5, 0.5], [True, True])
    standing = opening(pl, 1.0)
    m0, r0, _ = standing.sides(pl.weight)
    after, lost = clash(standing, pl.weight, 0.1)
    m1, r1, _ = after.sides(pl.weight)
    assert m1[0] < m0[0] and r1[0] < r0[0]
    assert m0[0] - m1[0] == pytest.approx(0.1 * min(m0[0], r0[0]))
    assert r0[0] - r1[0] == pytest.approx(0.1 * min(m0[0], r0[0]))
    assert lost.sum() == pytest.approx(standing.capacity.sum() - after.capacity.sum())
    # no fight without two sides
    lone = opening(players([1_000], [0.0], [0.9], [True]), 1.0)
    assert clash(lone, pl.weight[[0, -1]], 0.1)[1].sum() == 0.0


def test_the_capitals_garrison_can_decide_the_attempt(p):
    # the services alone fall to Moscow; a loyal garrison unit in the capital saves the
    # ruler, an aligned one changes nothing, a mutinied one will not defend him (it waits:
    # Paine's second form of disloyalty, and the attempt fails for want of a majority)
    sec_cap, sec_loy, sec_al = [5_000, 5_000, 6_000], [0.9, 0.1, 0.3], [0.0, 0.9, 0.3]
    where = [True, True, False]

    def with_army(loyalty, alignment, can_defend=True):
        return players(
            [*sec_cap, 4_000],
            [*sec_loy, loyalty],
            [*sec_al, alignment],
            [*where, True],
            can_defend=[True, True, True, can_defend],
        )

    assert play(players(sec_cap, sec_loy, sec_al, where), p)[0] == MOSCOW_WINS
    assert play(with_army(0.9, 0.0), p)[0] == RULER_WINS
    assert play(with_army(0.1, 0.9), p)[0] == MOSCOW_WINS
    assert play(with_army(0.9, 0.0, can_defend=False), p)[0] != RULER_WINS


# --------------------------------------------------------------------------- in the model
#: Moscow weighs a substitution every week and sees nothing to lose by it (the Kremlin's
#: gamble, ``actors/kremlin.py``), so it moves whenever it sees any chance.
EAGER = dict(
    sub_opportunity=1.0,
    choice_scale=100.0,
    failure_cost=0.0,
    indispensability_base=0.0,
    indispensability_polarisation=0.0,
)


def attempt(**params):
    """A model whose Moscow attempts a substitution in week 1."""
    m = BelarusModel({**SMALL, **EAGER, **params}, rng=2, faces=False)
    m.step()
    return m


def test_the_garrison_near_the_capital_plays(p):
    m = BelarusModel({**SMALL, "capital_garrison_share": 0.2}, rng=1, faces=False)
    garrison = capital_garrison(m.army.units, 0.2)
    assert len(garrison) == round(0.2 * len(m.army.units))
    assert all(u.home == "garrison" for u in garrison)
    assert (
        len(m.security.coup_players(m.security.alignment(), 0.0))
        == len(m.security) + len(garrison) + 1
    )


def test_an_attempt_is_recorded_and_a_deep_one_installs_a_loyalist():
    m = attempt(penetration_initial=0.6)
    names = [e for _, e, _ in m.events]
    assert names[:2] == ["substitution_attempt", "substitution"] and m.regime == "loyalist"
    df = m.series()
    assert df["coup_round"].iloc[1] == 1 and df["coup_moscow_share"].iloc[1] > 0.5
    assert m.security.coup is None


def test_the_attempt_never_outlives_its_rounds_and_a_failed_one_reveals_who_joined():
    # a high cost of losing keeps the fence-sitters waiting: no majority, the attempt drags
    m = attempt(penetration_initial=0.3, coup_losing_cost=10.0, coup_max_rounds=3)
    weeks = []
    while m.security.coup is not None:
        weeks.append(m.security.coup_round)
        m.step()
    assert weeks == [1, 2]  # third and last round in the week the loop leaves
    m.run_for(12)  # Moscow keeps trying (EAGER): each attempt counts 1, 2, 3 and stops
    rounds = m.series()["coup_round"].to_numpy()[1:]
    prev = np.roll(rounds, 1)
    assert rounds.max() == 3 and ((rounds <= 1) | (rounds == prev + 1)).all()
    assert "substitution" not in [e for _, e, _ in m.events] and m.ruler.in_power
    assert m.kremlin.attempts >= 2  # Moscow tried again after a failed attempt
    assert not any(u.backs_moscow for u in m.security)  # nobody joined


def test_a_failed_plot_marks_the_units_that_joined():
    m = BelarusModel(
        {**SMALL, **EAGER, "penetration_initial": 0.3, "coup_max_rounds": 1},
        rng=5,
        faces=False,
    )
    m.step()
    coup_week = m.series()["coup_round"].iloc[1]
    assert coup_week == 1 and m.security.coup is None
    joined = [u.name for u in m.security if u.backs_moscow]
    failed = "substitution" not in [e for _, e, _ in m.events]
    assert failed and joined  # a contested attempt: some joined, not enough
