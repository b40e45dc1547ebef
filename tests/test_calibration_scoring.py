"""Predictive scores with known answers (abm.calibration.scoring)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from abm.calibration.scoring import (
    brier,
    covered,
    crps,
    crps_range,
    interval,
    kind_of,
    quantile,
    score_one,
    skill,
)


def crps_normal(mu: float, sigma: float, y: float) -> float:
    """Gneiting & Raftery (2007): the closed form for a normal forecast."""
    z = (y - mu) / sigma
    return sigma * (
        z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / math.sqrt(math.pi)
    )


def test_crps_of_a_point_mass_is_the_absolute_error():
    assert crps([3.0], 3.0) == 0.0
    assert crps([3.0, 3.0, 3.0], 5.0) == pytest.approx(2.0)
    assert crps_range([3.0], 3.0, 3.0) == 0.0


def test_crps_of_a_normal_sample_matches_the_closed_form():
    rng = np.random.default_rng(1)
    x = rng.normal(1.0, 2.0, 200_000)
    for y in (1.0, -2.5, 6.0):
        assert crps(x, y) == pytest.approx(crps_normal(1.0, 2.0, y), rel=0.01)


def test_weighted_crps_equals_the_repeated_sample():
    x = np.array([0.0, 1.0, 4.0])
    w = np.array([1.0, 2.0, 1.0])
    assert crps(x, 2.0, w) == pytest.approx(crps([0.0, 1.0, 1.0, 4.0], 2.0))


def test_crps_over_a_range_is_the_average_point_crps():
    rng = np.random.default_rng(2)
    x = rng.normal(0.0, 1.0, 400)
    ys = np.linspace(-1.0, 3.0, 2001)
    averaged = np.mean([crps(x, y) for y in ys])
    assert crps_range(x, -1.0, 3.0) == pytest.approx(averaged, rel=1e-3)
    # a sharp forecast inside the range beats a wide one
    assert crps_range([1.0] * 10, 0.0, 2.0) < crps_range(rng.normal(1.0, 3.0, 500), 0.0, 2.0)


def test_brier_skill_and_coverage():
    assert brier(1.0) == 0.0 and brier(0.0) == 1.0 and brier(0.7, 0) == pytest.approx(0.49)
    assert skill(0.5, 1.0) == 0.5 and skill(2.0, 1.0) == -1.0 and skill(0.0, 0.0) == 0.0
    assert covered("exact", 0, 0, 0, 0, 0) and not covered("exact", 1, 3, 0, 0, 0)
    assert covered("floor", 0, 40_000, 33_000, 33_000, math.inf)
    assert not covered("floor", 0, 30_000, 33_000, 33_000, math.inf)
    assert covered("range", 80, 95, 100, 90, 110) and not covered("range", 80, 85, 100, 90, 110)
    assert kind_of("viasna_undercount", False, math.inf) == "floor"
    assert kind_of("lower_bound", False, 234) == "floor"
    assert kind_of("exact", True, 0) == "exact"
    assert kind_of("range", False, 2e5) == "range"


def test_quantile_and_interval_are_weighted_and_keep_infinities():
    x = np.array([1.0, 2.0, 3.0, math.inf])
    assert quantile(x, 1.0)[0] == math.inf
    assert quantile(x, 0.5, [0.0, 0.0, 1.0, 0.0])[0] == 3.0
    lo, hi = interval(np.arange(1, 101, dtype=float), 0.9)
    assert (lo, hi) == (5.0, 95.0)


def test_score_one_per_kind():
    # a fact that every draw produced: Brier 0; half of them: 0.25
    s = score_one(np.zeros(10), "exact", 0.0, 0.0, 0.0)
    assert s["brier"] == 0.0 and s["covered"] and s["score_kind"] == "brier"
    half = np.array([0.0, 1.0] * 5)
    assert score_one(half, "exact", 0.0, 0, 0)["brier"] == pytest.approx(0.25)
    # a draw without a value did not produce the fact; it is out of the interval
    nan = np.array([0.0, math.nan, 0.0, 0.0])
    s = score_one(nan, "exact", 0.0, 0, 0)
    assert s["p_event"] == pytest.approx(0.75) and s["defined"] == pytest.approx(0.75)
    # a floor: Brier of reaching it, no CRPS
    f = score_one(np.array([1e3, 5e4, 6e4, 7e4]), "floor", 33e3, 33e3, math.inf)
    assert f["p_event"] == pytest.approx(0.75) and math.isnan(f["crps"]) and f["covered"]
    # a range on the log scale: a forecast at the range's values costs about nothing
    r = score_one(np.full(50, 1e5), "range", 1e5, 1e5, 1e5)
    assert r["crps"] == pytest.approx(0.0, abs=1e-12) and r["covered"]
    far = score_one(np.full(50, 1e6), "range", 1e5, 1e5, 1e5)
    assert far["crps"] == pytest.approx(math.log(10.0))
    # an infinite half-life is a miss by INF_FACTOR, not a NaN
    inf = score_one(np.array([3.0, math.inf]), "range", 2.9, 2.0, 3.7)
    assert math.isfinite(inf["crps"]) and inf["crps"] > 1.0
