"""The two-sided war front (``mechanisms/front.py``) alone: conservation on both sides, losses
rising with the force ratio, Ukraine's shift toward kappa x the expedition, withdrawal past
the loss threshold, and a rout."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.belarus.mechanisms.front import (
    BREAKTHROUGH,
    ROUTED,
    STALLED,
    Front,
    draw_unit_losses,
    expected_losses,
    past_withdrawal,
    posture,
    ukraine_shift,
)
from abm.belarus.params import BELARUS_PARAMS

DEFAULTS = BELARUS_PARAMS.resolve({})


def params(**kw):
    return BELARUS_PARAMS.resolve(kw)


units = st.lists(st.integers(0, 3_000), min_size=1, max_size=40)
troops = st.floats(0, 200_000)


@settings(max_examples=60, deadline=None)
@given(
    strengths=units,
    initial=st.integers(0, 100_000),
    cap=troops,
    kappa=st.floats(0, 3),
    delta=st.floats(0, 1),
    weeks=st.integers(1, 12),
    seed=st.integers(0, 2**32 - 1),
)
def test_soldiers_are_conserved_on_both_sides(strengths, initial, cap, kappa, delta, weeks, seed):
    p = params(ukraine_sector_initial=float(initial), front_kappa=kappa, front_delta=delta)
    rng = np.random.default_rng(seed)
    front = Front(p)
    strengths = np.array(strengths)
    brought = strengths.copy()
    total_lost = 0
    for _ in range(weeks):
        losses, withdraw = front.week(strengths, brought, cap, rng)
        assert ((losses >= 0) & (losses <= strengths)).all()
        assert withdraw.shape == strengths.shape
        strengths = strengths - losses
        total_lost += int(losses.sum())
        assert front.ukraine >= 0
        assert front.ukraine == front.initial + front.arrived - front.departed - front.losses
    assert strengths.sum() + total_lost == brought.sum()


@settings(max_examples=100, deadline=None)
@given(
    b=st.floats(100, 100_000),
    u_low=st.floats(0, 100_000),
    more=st.floats(1, 100_000),
    ratio=st.floats(1, 6),
)
def test_losses_rise_with_the_enemys_share_of_the_force_ratio(b, u_low, more, ratio):
    """More Ukrainians against the same expedition: the expedition loses more (a posture
    change only multiplies its losses by the ratio >= 1); Ukraine loses in proportion to
    the expedition's effective strength, whatever its own size."""
    p = params(front_attack_ratio=ratio)
    lb_low, lu_low, _ = expected_losses(p, b, u_low)
    lb_high, lu_high, _ = expected_losses(p, b, u_low + more)
    assert lb_high > lb_low or lb_low == lb_high == 0.0
    assert lu_high == pytest.approx(lu_low)
    assert expected_losses(p, 2 * b, u_low)[1] == pytest.approx(2 * lu_low)


def test_the_three_postures_follow_the_attack_ratio():
    assert posture(300, 100, 3.0) == BREAKTHROUGH
    assert posture(299, 100, 3.0) == STALLED
    assert posture(100, 299, 3.0) == STALLED
    assert posture(100, 300, 3.0) == ROUTED
    assert posture(100, 0, 3.0) == BREAKTHROUGH
    # assaulting a defended front costs the ratio times an unopposed advance, per soldier
    p = DEFAULTS
    b = 10_000
    advance = expected_losses(p, b, (1 + p.front_fire_support) * b / 3.0)
    stalled = expected_losses(p, b, (1 + p.front_fire_support) * b / 2.9)
    assert advance[2] == BREAKTHROUGH and stalled[2] == STALLED
    assert stalled[0] / advance[0] == pytest.approx(3.0 * 3.0 / 2.9)


def test_mean_drawn_losses_rise_with_the_force_ratio_and_match_the_expected_count():
    strengths = np.full(20, 1_000)
    means = []
    for enemy in (2_000, 10_000, 30_000):
        expected = expected_losses(DEFAULTS, strengths.sum(), enemy)[0]
        rng = np.random.default_rng(0)
        draws = [draw_unit_losses(strengths, expected, 4.0, rng).sum() for _ in range(300)]
        means.append(np.mean(draws))
        total = strengths.sum()
        hazard_mean = total * (1 - np.exp(-expected / total))
        assert means[-1] == pytest.approx(hazard_mean, rel=0.06)
    assert means[0] < means[1] < means[2]


@settings(max_examples=100, deadline=None)
@given(
    u=st.integers(0, 200_000),
    b=st.floats(0, 100_000),
    cap=st.floats(0, 200_000),
    kappa=st.floats(0, 3),
    delta=st.floats(0, 1),
)
def test_ukraine_moves_a_share_delta_of_the_gap_toward_kappa_b_capped(u, b, cap, kappa, delta):
    target = min(kappa * b, cap)
    move = ukraine_shift(u, b, cap, kappa, delta)
    assert abs(move - delta * (target - u)) < 1.0
    after = u + move
    assert min(u, target) - 1e-9 <= after <= max(u, target) + 1e-9  # never overshoots
    if u <= cap:
        assert after <= cap


def test_ukraine_closes_the_gap_geometrically_and_stops_at_the_cap():
    u, trace = 5_000, []
    for _ in range(30):
        u += ukraine_shift(u, 20_000, 60_000, 1.0, 0.3)
        trace.append(u)
    assert trace[0] == 5_000 + int(0.3 * 15_000)
    assert abs(20_000 - trace[9]) <= 0.7**10 * 15_000 + 10
    capped = 5_000
    for _ in range(30):
        capped += ukraine_shift(capped, 20_000, 8_000, 1.0, 0.3)
    assert 7_900 <= capped <= 8_000


def test_units_withdraw_past_the_loss_threshold():
    brought = np.array([1_000, 1_000, 1_000, 0])
    now = np.array([1_000, 651, 650, 0])
    assert past_withdrawal(brought, now, 0.35).tolist() == [False, False, True, False]
    # in a week on the front: a unit already near the threshold goes, a fresh one stays
    p = params(ukraine_sector_initial=6_000.0, front_withdraw_loss=0.35)
    front = Front(p)
    losses, withdraw = front.week(
        np.array([660, 1_000]), np.array([1_000, 1_000]), 60_000, np.random.default_rng(1)
    )
    assert losses.sum() > 0
    assert withdraw.tolist() == [True, False]


def test_a_rout_withdraws_the_whole_expedition_and_closes_the_front():
    p = params(ukraine_sector_initial=200_000.0)
    front = Front(p)
    losses, withdraw = front.week(
        np.array([1_000, 1_000]), np.array([1_000, 1_000]), 500_000, np.random.default_rng(2)
    )
    assert front.posture == ROUTED and front.collapsed
    assert withdraw.all()


def test_a_weak_ukraine_inflicts_light_losses_and_loses_more_than_it_inflicts():
    """Ukraine capped at 3,000 against an 18,600 expedition: a breakthrough."""
    front = Front(DEFAULTS)
    strengths = np.full(15, 1_240)
    losses, _ = front.week(strengths, strengths, 3_000, np.random.default_rng(3))
    assert front.posture == BREAKTHROUGH
    assert losses.sum() < 0.01 * strengths.sum()
    assert front.losses > losses.sum()


def test_a_stalled_offensive_is_called_off_at_the_culmination_loss():
    """A stalled assault keeps going until the expedition has lost front_culmination_loss of
    what it brought, counting the units already withdrawn; then every unit withdraws."""
    p = params(ukraine_sector_initial=20_000.0, front_culmination_loss=0.2)
    strengths = np.full(10, 1_000)
    front = Front(p)
    rng = np.random.default_rng(4)
    losses, withdraw = front.week(strengths, strengths, 60_000, rng, committed=20_000)
    assert front.posture == STALLED and not front.collapsed and not withdraw.any()
    front.expedition_losses = 4_000  # a fifth of the 20,000 committed, withdrawn units included
    losses, withdraw = front.week(strengths - losses, strengths, 60_000, rng, committed=20_000)
    assert front.collapsed and front.outcome == "culminated" and withdraw.all()


def test_the_kyiv_check_writes_its_readme_csv_and_figure(tmp_path, experiment):
    check = experiment("front_check")
    check.main(["--seeds", "12", "--out", str(tmp_path)])
    readme = (tmp_path / "README.md").read_text()
    command = f"python experiments/front_check.py --seeds 12 --out {tmp_path}"
    assert readme.splitlines()[2] == f"Command: `{command}`"
    rows = np.genfromtxt(tmp_path / "front_check.csv", delimiter=",", names=True, dtype=None)
    assert len(rows) == 12
    assert (tmp_path / "front_check.png").stat().st_size > 0
    assert (tmp_path / "weekly.csv").read_text().startswith("week,")
