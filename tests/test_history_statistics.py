"""The observed patterns as estimation statistics (abm.belarus.history.statistics)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from abm import catalog
from abm.belarus.history.data import Observation
from abm.belarus.history.patterns import Comparison
from abm.belarus.history.statistics import (
    BINARY_SCALE,
    MIN_SCALE,
    UNDEFINED,
    Statistic,
    discrepancy,
    distance,
    scale_of,
    statistics,
    target,
)


def obs(value, low, high, error="range", unit="people", pattern="protest_sunday"):
    from datetime import date

    d = date(2020, 10, 11)
    return Observation(pattern, d, d, value, low, high, unit, error, "fit", "test", "")


def test_scales_come_from_the_error_model():
    assert scale_of(obs(150_000, 100_000, 200_000)) == pytest.approx(0.5 * math.log(2))
    assert scale_of(obs(100, 100, 100)) == MIN_SCALE
    viasna = obs(6443, 6443, 6443, "viasna_undercount: observed = true × U(0.75, 0.85)")
    assert scale_of(viasna) == pytest.approx(max(MIN_SCALE, 0.5 * math.log(0.85 / 0.75)))
    assert scale_of(obs(0, 0, 0, "exact", "bool", "substitution")) == BINARY_SCALE


def test_a_miss_by_a_factor_costs_its_log_over_the_scale():
    o = obs(100_000, 90_000, 110_000)
    s = Statistic(o, scale_of(o))
    assert s.scale == pytest.approx(0.5 * math.log(110 / 90))
    twice = Comparison(o, 220_000, 220_000, 220_000, False)
    assert discrepancy(s, twice) == pytest.approx(math.log(2) / s.scale)
    half = Comparison(o, 45_000, 45_000, 45_000, False)
    assert discrepancy(s, half) == pytest.approx(math.log(2) / s.scale)
    assert discrepancy(s, Comparison(o, 95_000, 95_000, 95_000, True)) == 0.0
    assert discrepancy(s, Comparison(o, math.nan, math.nan, math.nan, None)) == UNDEFINED


def test_a_floor_is_one_sided_and_a_hard_fact_is_infinite():
    floor = obs(33_000, 33_000, math.inf)
    s = Statistic(floor, scale_of(floor))
    assert discrepancy(s, Comparison(floor, 1e6, 1e6, 1e6, True)) == 0.0
    assert discrepancy(s, Comparison(floor, 16_500, 16_500, 16_500, False)) > 0
    fact = obs(0, 0, 0, "exact", "bool", "substitution")
    hard = Statistic(fact, scale_of(fact), hard=True)
    assert discrepancy(hard, Comparison(fact, 1, 1, 1, False)) == math.inf
    assert distance(np.array([0.0, math.inf])) == math.inf
    soft = Statistic(fact, scale_of(fact))
    assert discrepancy(soft, Comparison(fact, 1, 1, 1, False)) == 1 / BINARY_SCALE


def test_only_facts_can_be_hard_and_periods_split():
    fit, holdout = statistics("fit"), statistics("holdout")
    assert {s.observation.period for s in fit} == {"fit"}
    assert {s.observation.period for s in holdout} == {"holdout"}
    assert all(s.binary for s in fit if s.hard)
    with pytest.raises(ValueError, match="only 0/1 facts"):
        statistics("fit", hard=("protest_sunday",))


def test_the_catalogue_gives_a_target_that_scores_a_run():
    from abm.runner import run

    t = catalog.get("belarus").targets(period="fit")
    assert t.steps == target("fit").steps == 113
    r = run("belarus", {"scenario": "history", "n_citizens": 2000}, 1, steps=t.steps)
    values = t.summarise(r.series, r.events)
    assert set(values) == set(t.keys)
    d = t.discrepancies(values)
    assert d.shape == (len(t.keys),) and np.all(d >= 0)


def test_an_infinite_value_is_undefined_not_a_hard_miss():
    """A half-life of a crowd that never fell is infinite: a clear miss, not a constraint."""
    o = obs(2.9, 2.0, 3.7, unit="weeks", pattern="protest_half_life_autumn_2020")
    s = Statistic(o, scale_of(o))
    assert discrepancy(s, Comparison(o, math.inf, math.inf, math.inf, False)) == UNDEFINED


def test_a_spec_exclusion_adds_to_the_unmodelled_patterns():
    """Excluding one more pattern must not bring back those the model cannot compute."""
    base = statistics("fit")
    fewer = statistics("fit", exclude=("protest_peak_minsk",))
    assert len(fewer) == len(base) - 1
    assert not any(s.observation.pattern == "support_joining_war" for s in fewer)
