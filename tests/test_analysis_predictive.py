"""Predictive checks on synthetic runs whose quantiles and coverage are known."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from abm.analysis.predictive import coverage, series_band, summarise


def rows(key, kind, observed, low, high, values, scale=(1.0, 1.0), period="fit"):
    """One observation's rows for runs whose true values are ``values``."""
    out = []
    for i, v in enumerate(values):
        lo, hi = v * scale[0], v * scale[1]
        if math.isnan(v):
            verdict = ""
        elif kind == "lower_bound":
            verdict = hi >= low
        elif kind == "exact":
            verdict = lo == observed == hi
        else:
            verdict = hi >= low and lo <= high
        out.append(
            {
                "key": key,
                "period": period,
                "error_model": kind,
                "observed": observed,
                "observed_low": low,
                "observed_high": high,
                "run_id": f"r{i}",
                "simulated": v,
                "observable_low": lo,
                "observable_high": hi,
                "inside": verdict,
            }
        )
    return out


def test_quantiles_band_and_coverage_of_a_range_a_floor_and_a_fact():
    values = np.arange(1, 101, dtype=float)  # 1..100: quantiles known
    table = pd.DataFrame(
        rows("crowd", "range", 150, 120, 180, values)  # out of reach: band tops at ~95
        + rows("detained", "lower_bound", 80, 80, math.inf, values, scale=(0.75, 0.85))
        + rows("no_mutiny", "exact", 0, 0, 0, np.zeros(100))
        + rows("prisoners", "range", 50, 40, 60, values, period="holdout")
    )
    s = summarise(table, level=0.9).set_index("key")
    # empirical quantiles: the 5th of 100 ordered values is the 5th smallest
    assert s.loc["crowd", "q_low"] == 5.0 and s.loc["crowd", "median"] == 50.0
    assert not s.loc["crowd", "covered"]
    assert s.loc["crowd", "share_inside"] == 0.0
    # Viasna-like undercount: the band's top is 0.85 x the 95 % quantile (~81) >= 80
    assert s.loc["detained", "band_high"] == pytest.approx(0.85 * 95)
    assert s.loc["detained", "covered"]
    assert s.loc["detained", "share_inside"] == pytest.approx(np.mean(values * 0.85 >= 80))
    assert s.loc["no_mutiny", "covered"] and s.loc["no_mutiny", "share_inside"] == 1.0
    c = coverage(s.reset_index()).set_index("period")
    assert c.loc["fit", "observations"] == 3 and c.loc["fit", "covered"] == 2
    assert c.loc["holdout", "share"] == 1.0


def test_an_infinite_value_keeps_finite_quantiles_finite():
    # a protest that never halves has an infinite half-life: the band's top is inf, its
    # bottom and median stay what the other runs give
    table = pd.DataFrame(rows("half_life", "range", 3, 2, 4, [1.0, 2.0, 3.0, math.inf]))
    s = summarise(table, level=0.9)
    assert s.loc[0, "q_low"] == 1.0 and s.loc[0, "median"] == 2.0
    assert math.isinf(s.loc[0, "band_high"]) and s.loc[0, "covered"]


def test_an_observation_no_run_simulates_has_no_verdict():
    table = pd.DataFrame(rows("polls", "range", 0.3, 0.2, 0.4, [math.nan] * 5))
    s = summarise(table)
    assert s.loc[0, "runs"] == 0 and s.loc[0, "covered"] is None
    assert coverage(s).empty


def test_series_band_per_step():
    runs = pd.DataFrame(
        {
            "run_id": np.repeat(["a", "b", "c"], 2),
            "step": [0, 1] * 3,
            "x": [1.0, 10.0, 2.0, 20.0, 3.0, 30.0],
        }
    )
    b = series_band(runs, "x", level=0.5)
    assert list(b["median"]) == [2.0, 20.0]
    assert list(b["low"]) == [1.5, 15.0] and list(b["high"]) == [2.5, 25.0]


def test_level_must_be_a_share():
    with pytest.raises(ValueError, match="level"):
        summarise(pd.DataFrame(rows("x", "range", 1, 0, 2, [1.0])), level=1.0)
