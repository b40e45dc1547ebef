"""Lukashenko's beliefs (``actors/ruler_beliefs.py``): each Bayes step on constructed
observations moves his posterior the way the evidence points."""

from __future__ import annotations

import numpy as np
import pytest

from abm.belarus.actors import ruler_beliefs as rb

TYPES = rb.type_grid(0.2, 0.9, 3)


def beliefs(**kw) -> rb.Beliefs:
    b = rb.initial_beliefs(TYPES, np.array([0.3, 0.3, 0.3]), 10.0, 0.02, 10.0)
    return rb.replace(b, **kw) if kw else b


def step(b: rb.Beliefs, **kw) -> rb.Beliefs:
    args = dict(
        demand=0.0, war=0.5, squeeze=None, plot_hazard=None, quiet_hazard=None,
        drift=0.0, signal_sd=0.25,
    )  # fmt: skip
    args.update(kw)
    return rb.update_resolve(b, **args)


def hazard(gap: float = 1.0, odds: float = 0.4) -> np.ndarray:
    return rb.type_hazard(TYPES, gap, odds, -10.0, 4.0, 1.6, 4.0)


def test_a_high_demand_points_to_a_resolute_moscow_and_a_low_one_to_a_meek_one():
    b = beliefs()
    assert step(b, demand=4.5).resolve_mean > b.resolve_mean
    assert step(b, demand=1.0).resolve_mean < b.resolve_mean
    # the same demand says less about resolve when the war goes badly (everyone presses)
    assert step(b, demand=4.5, war=1.0).resolve_mean < step(b, demand=4.5, war=0.3).resolve_mean


def test_no_demand_before_the_war_teaches_him_nothing():
    b = beliefs()
    assert np.allclose(step(b, demand=0.0).resolve, b.resolve)


def test_a_full_squeeze_points_to_resolve():
    b = beliefs()
    assert step(b, squeeze=1.0).resolve_mean > b.resolve_mean > step(b, squeeze=0.1).resolve_mean


def test_a_failed_plot_is_strong_evidence_for_resolute_types_and_silence_weak_evidence_against():
    b = beliefs()
    plotted = step(b, plot_hazard=hazard())
    quiet = step(b, quiet_hazard=hazard())
    assert plotted.resolve[-1] > 0.6 > b.resolve[-1]
    assert quiet.resolve_mean < b.resolve_mean
    assert b.resolve_mean - quiet.resolve_mean < 0.05  # one quiet week says little


def test_he_allows_moscow_to_change_its_mind():
    b = beliefs(resolve=np.array([0.0, 0.0, 1.0]))
    relaxed = step(b, drift=0.1)
    assert 0.0 < relaxed.resolve[0] < relaxed.resolve[-1] < 1.0
    assert relaxed.resolve.sum() == pytest.approx(1.0)


def test_resolute_types_attempt_more_and_more_so_at_a_wider_gap():
    h = hazard(gap=1.0)
    assert np.all(np.diff(h) > 0)
    assert np.all(hazard(gap=3.0) > h)


def test_a_purge_reveals_the_unit_and_the_new_chiefs_cut_it():
    b = beliefs()
    seen = rb.reveal_unit(b, 1, alignment=0.9, weight=20.0, cut=0.0)
    assert seen.penetration[1] > 0.65 and seen.penetration_var[1] < b.penetration_var[1]
    assert np.allclose(seen.penetration[[0, 2]], b.penetration[[0, 2]])
    cut = rb.reveal_unit(b, 1, alignment=0.9, weight=20.0, cut=0.5)
    assert cut.penetration[1] == pytest.approx(0.5 * seen.penetration[1])


def test_a_failed_plot_shows_who_sided_with_moscow():
    b = beliefs()
    after = rb.plot_evidence(b, np.array([True, False, False]), weight=5.0)
    assert after.penetration[0] > b.penetration[0]
    assert after.penetration[1] < b.penetration[1] and after.penetration[2] < b.penetration[2]


def test_penetration_drifts_up_while_moscow_keeps_trying():
    b = beliefs()
    later = rb.drift_penetration(b, 0.01)
    assert np.all(later.penetration > b.penetration)
    assert np.allclose(later.pen_a + later.pen_b, b.pen_a + b.pen_b)


def test_a_war_going_badly_and_his_own_losses_raise_the_expected_loss_rate():
    b = beliefs()
    kw = dict(base=0.02, memory=10.0, own_share=None, own_weight=4.0)
    assert rb.update_losses(b, war=1.0, **kw).loss_mean > b.loss_mean
    assert rb.update_losses(b, war=0.0, **kw).loss_mean < b.loss_mean
    kw["own_share"] = 0.10
    assert rb.update_losses(b, war=0.5, **kw).loss_mean > 2 * b.loss_mean


def test_expected_loss_share_is_the_gamma_mixture_of_exponential_survival():
    b = beliefs(loss_shape=3.0, loss_rate=100.0)
    rng = np.random.default_rng(1)
    lam = rng.gamma(b.loss_shape, 1.0 / b.loss_rate, 200_000)
    assert rb.expected_loss_share(b, 26) == pytest.approx(np.mean(1 - np.exp(-lam * 26)), abs=3e-3)


def test_coup_odds_rise_with_penetration_and_with_russian_troops_hosted():
    cap, w = np.array([10_000.0, 20_000.0]), np.array([1.0, 1.0])
    var = np.array([0.001, 0.001])
    low = rb.coup_odds(np.array([0.2, 0.2]), var, cap, w, 0.0, 0.5, 0.1)
    high = rb.coup_odds(np.array([0.6, 0.5]), var, cap, w, 0.0, 0.5, 0.1)
    hosted = rb.coup_odds(np.array([0.2, 0.2]), var, cap, w, 9_000.0, 0.5, 0.1)
    assert low < hosted and low < high
    assert low >= 0.0 and high <= 1.0
