"""Kaplan-Meier time to event against a textbook example, and censoring at the horizon."""

import numpy as np
import pytest

from abm.analysis.load import load
from abm.analysis.survival import kaplan_meier, step_value
from abm.analysis.trajectories import event_times

# Freireich et al. (1963), 6-MP arm (weeks of remission; 0 = censored), the classic
# Kaplan-Meier example, e.g. Klein & Moeschberger (2003) section 4.2.
TIMES = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
EVENT = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
# (time, at risk, S(t), Greenwood standard error)
EXPECTED = [
    (6, 21, 0.8571, 0.0764),
    (7, 17, 0.8067, 0.0869),
    (10, 15, 0.7529, 0.0963),
    (13, 12, 0.6902, 0.1068),
    (16, 11, 0.6275, 0.1141),
    (22, 7, 0.5378, 0.1282),
    (23, 6, 0.4482, 0.1346),
]


def test_kaplan_meier_matches_the_6mp_table():
    km = kaplan_meier(np.array(TIMES), np.array(EVENT, dtype=bool))
    rows = km.iloc[1:]  # row 0 is t = 0, S = 1
    assert rows["time"].tolist() == [e[0] for e in EXPECTED]
    assert rows["at_risk"].tolist() == [e[1] for e in EXPECTED]
    assert rows["survival"].to_numpy() == pytest.approx([e[2] for e in EXPECTED], abs=5e-5)
    assert rows["se"].to_numpy() == pytest.approx([e[3] for e in EXPECTED], abs=5e-5)


def test_loglog_band_formula_and_bounds():
    km = kaplan_meier(np.array(TIMES), np.array(EVENT, dtype=bool))
    # By hand at t = 6: S = 18/21, Greenwood sum 3/(21*18).
    s, g = 18 / 21, 3 / (21 * 18)
    sigma = np.sqrt(g) / abs(np.log(s))
    z = 1.959963984540054
    assert km.loc[1, "low"] == pytest.approx(s ** np.exp(z * sigma), rel=1e-9)
    assert km.loc[1, "high"] == pytest.approx(s ** np.exp(-z * sigma), rel=1e-9)
    assert ((km["low"] <= km["survival"]) & (km["survival"] <= km["high"])).all()
    assert km["low"].between(0, 1).all() and km["high"].between(0, 1).all()


def test_without_censoring_before_the_horizon_it_is_the_empirical_share():
    rng = np.random.default_rng(3)
    weeks = rng.integers(1, 30, 200).astype(float)
    observed = rng.random(200) < 0.4
    time = np.where(observed, weeks, 52.0)
    km = kaplan_meier(time, observed)
    for t in (5, 12, 29, 51):
        share = np.mean(observed & (weeks <= t))
        assert 1 - step_value(km, "survival", [t])[0] == pytest.approx(share, abs=1e-12)


def test_nan_times_are_refused():
    with pytest.raises(ValueError, match="censoring week"):
        kaplan_meier(np.array([1.0, np.nan]), np.array([True, False]))


def test_event_times_censor_runs_without_the_event_at_the_horizon(known_results):
    a = {"a": (0.0, 1.0)}
    res = load(known_results("grid", 3, bounds=a, replicates=20, steps=40, keep_series=False))
    time, observed = event_times(res, "uprising")
    weeks = res.runs["week_uprising"]
    assert np.array_equal(observed, weeks.notna().to_numpy())
    assert (time[~observed] == 40).all()
    assert np.array_equal(time[observed], weeks.dropna().to_numpy(dtype=float))
