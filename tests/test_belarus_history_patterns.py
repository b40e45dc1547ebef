"""The observed patterns' simulated counterparts on synthetic runs with known answers, the
error models, the fit/holdout split and the comparison table."""

from __future__ import annotations

import csv
import math
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from abm.belarus.history import load_observed, week_of, week_start
from abm.belarus.history.patterns import (
    COLUMNS,
    MASS_MARCH_PEOPLE,
    PATTERNS,
    Run,
    compare,
    compare_one,
    inside,
    observable,
    observations,
    observed_half_life,
    split,
    viasna_factors,
    write_table,
)

WEEKS = 282  # week 0 (9 Aug 2020) to week 281 (28 Dec 2025)


def synthetic(start_week: int = 0, weeks: int = WEEKS, **columns) -> pd.DataFrame:
    """A run's series: constant columns (or arrays), dated from ``start_week``."""
    steps = np.arange(weeks)
    df = pd.DataFrame({"step": steps})
    df["date"] = [week_start(start_week + int(s)).isoformat() for s in steps]
    for name, value in columns.items():
        df[name] = np.broadcast_to(np.asarray(value, dtype=float), steps.shape).copy()
    return df


def obs(pattern: str, start: str, end: str | None = None, **kw):
    """An observation shaped like one of observed.csv's rows."""
    base = next(o for o in observations() if o.pattern == pattern)
    start_d = date.fromisoformat(start)
    return replace(base, start=start_d, end=date.fromisoformat(end) if end else start_d, **kw)


def value(pattern: str, run: Run, start: str, end: str | None = None) -> float:
    return PATTERNS[pattern](run, obs(pattern, start, end))


# ------------------------------------------------------------------ every pattern is wired
def test_every_observed_pattern_has_a_function():
    assert {o.pattern for o in observations()} <= set(PATTERNS)


# ------------------------------------------------------------------------------- protest
def test_the_peak_is_the_largest_week_near_the_date_not_later_ones():
    turnout = np.zeros(WEEKS)
    turnout[2] = 0.03  # 23 Aug: within two weeks of 16 Aug
    turnout[10] = 0.09  # October: too late to be the August peak
    run = Run(synthetic(turnout=turnout))
    assert value("protest_peak_national_share", run, "2020-08-16") == 0.03


def test_the_capital_peak_reads_the_capital_series():
    capital = np.zeros(WEEKS)
    capital[1] = 150_000
    run = Run(synthetic(protesters_capital=capital))
    assert value("protest_peak_minsk", run, "2020-08-16") == 150_000


def test_a_sunday_crowd_is_compared_with_its_week():
    protesters = np.arange(WEEKS) * 1_000.0
    run = Run(synthetic(protesters=protesters, protesters_capital=protesters / 2))
    week = week_of("2020-10-11")  # a Sunday: opens week 9
    assert value("protest_sunday", run, "2020-10-11") == week * 1_000
    assert value("protest_sunday_minsk", run, "2020-09-20") == week_of("2020-09-20") * 500
    assert value("antiwar_protest_2022", run, "2022-02-27") == week_of("2022-02-27") * 500


def test_the_half_life_of_an_exponential_decay_is_recovered():
    steps = np.arange(WEEKS)
    peak = 1  # 16 Aug
    protesters = np.where(steps >= peak, 200_000 * 0.5 ** ((steps - peak) / 3.0), 0.0)
    run = Run(synthetic(protesters=protesters))
    assert value("protest_half_life_autumn_2020", run, "2020-08-16", "2020-11-15") == pytest.approx(
        3.0
    )


def test_protest_that_does_not_fade_has_an_infinite_half_life():
    run = Run(synthetic(protesters=50_000.0))
    assert math.isinf(value("protest_half_life_autumn_2020", run, "2020-08-16", "2020-11-15"))


def test_the_observed_half_life_is_derived_from_the_crowd_rows():
    h = observed_half_life(load_observed())
    weeks = np.array([1, 6, 9, 10, 14])  # 16 Aug, 20 Sep, 11 Oct, 18 Oct, 15 Nov
    sizes = np.log([150_000, 75_000, 100_000, 30_000, 5_000])
    assert h.value == pytest.approx(-math.log(2) / np.polyfit(weeks, sizes, 1)[0])
    assert h.low == pytest.approx(13 * math.log(2) / math.log(200_000 / 2_000))
    assert h.high == pytest.approx(13 * math.log(2) / math.log(100_000 / 9_000))
    assert h.low < h.value < h.high and h.period == "fit"


def test_mass_marches_are_weeks_with_many_protesters():
    protesters = np.full(WEEKS, 500.0)
    protesters[week_of("2025-02-02")] = MASS_MARCH_PEOPLE
    run = Run(synthetic(protesters=protesters))
    assert value("mass_marches_absent", run, "2021-03-01", "2022-09-30") == 1.0
    assert value("election_protest_2025", run, "2025-01-26", "2025-02-28") == 1.0
    assert value("mass_marches_absent", run, "2022-10-01", "2025-12-31") == 0.0


# ---------------------------------------------------------------------------- detentions
def test_a_year_sums_its_weeks_prorated_so_new_year_is_not_counted_twice():
    run = Run(synthetic(detentions=70.0))  # 10 a day
    assert value("detentions_year", run, "2021-01-01", "2021-12-31") == pytest.approx(3650)
    assert value("detentions_year", run, "2022-01-01", "2022-12-31") == pytest.approx(3650)
    assert value("detentions_month", run, "2024-01-01", "2024-01-31") == pytest.approx(310)


def test_cumulative_detentions_count_from_the_election_week_prorating_the_last():
    # the history's layout: step 0 (initial state) is the week before, step 1 the election's
    run = Run(synthetic(start_week=-1, detentions=1_000.0))
    # 15 Nov 2020 opens week 14: weeks 0..13 whole, and 1 of week 14's 7 days
    assert value("detentions_cumulative", run, "2020-11-15") == pytest.approx(14_000 + 1_000 / 7)


def test_the_first_days_are_read_from_the_first_simulated_week():
    detentions = np.zeros(WEEKS)
    detentions[1] = 7_000
    run = Run(synthetic(detentions=detentions))
    # 9-12 Aug lie in week 0 (the initial state): 4 of 7 days of the first simulated week
    assert value("detentions_cumulative", run, "2020-08-09", "2020-08-12") == pytest.approx(4000)


def test_a_days_detentions_are_its_weeks():
    street = np.zeros(WEEKS)
    street[week_of("2020-11-15")] = 1_126
    run = Run(synthetic(street_detentions=street, prosecutions=np.full(WEEKS, 50.0)))
    assert value("detentions_day", run, "2020-11-15") == 1_126  # street only


# ------------------------------------------------------------------ prisoners, quits, cases
def test_political_prisoners_are_a_stock_read_at_the_date_or_averaged_over_a_span():
    stock = np.arange(WEEKS) * 10.0
    run = Run(synthetic(political_prisoners=stock))
    assert value("political_prisoners", run, "2022-01-01") == 10 * week_of("2022-01-01")
    may = [week_of("2024-05-01"), week_of("2024-05-31")]
    assert value("political_prisoners", run, "2024-05-01", "2024-05-31") == pytest.approx(
        10 * np.mean(np.arange(may[0], may[1] + 1))
    )


def test_criminal_cases_cumulate_prosecutions_and_quits_sum_over_2020():
    run = Run(synthetic(start_week=-1, prosecutions=10.0, security_quits=7.0))
    # from the election week to 31 Dec: 20 whole weeks and 5 days of the week of 27 Dec
    assert value("criminal_cases_cumulative", run, "2020-12-31") == pytest.approx(
        10 * (week_of("2020-12-31") + 5 / 7)
    )
    # one quit a day from 9 Aug to 31 Dec: 145 days
    assert value("security_quits", run, "2020-08-09", "2020-12-31") == pytest.approx(145)


# ------------------------------------------------------------------ binary facts from events
def test_defections_substitution_troops_and_the_ruler_from_events_and_series():
    in_power = np.ones(WEEKS)
    in_power[200:] = 0
    deployed = np.zeros(WEEKS)
    deployed[150] = 3_000
    events = [(130, "mutiny", "3rd brigade"), (131, "mutiny", "5th"), (200, "substitution", "")]
    run = Run(synthetic(in_power=in_power, deployed_strength=deployed), events)
    fit = ("2020-08-09", "2022-09-30")
    held = ("2022-10-01", "2025-12-31")
    assert value("army_defections", run, *fit) == 0
    assert value("army_defections", run, *held) == 2
    assert value("substitution", run, *fit) == 0 and value("substitution", run, *held) == 1
    assert value("ruler_in_power", run, *fit) == 1 and value("ruler_in_power", run, *held) == 0
    assert value("troops_in_ukraine", run, *fit) == 0
    assert value("troops_in_ukraine", run, *held) == 3_000


def test_support_for_joining_the_war_has_no_counterpart_yet():
    run = Run(synthetic(support_level=3.0))
    c = compare_one(run, obs("support_joining_war", "2022-03-01", "2022-03-31"))
    assert c.inside is None and math.isnan(c.simulated) and "no model quantity" in c.note


# --------------------------------------------------------------------------- error models
def test_viasna_sees_three_quarters_to_most_of_the_truth():
    o = obs("detentions_year", "2021-01-01", "2021-12-31")
    assert viasna_factors(o.error_model) == (0.75, 0.85)
    assert observable(o, 8_000) == pytest.approx((6_000, 6_800))
    assert inside(o, *observable(o, 8_000))  # 6,443 seen of 8,000 true
    assert not inside(o, *observable(o, 6_443))  # the truth equal to the count is too few
    assert not inside(o, *observable(o, 9_000))  # 6,750-7,650 would be seen


def test_range_lower_bound_and_exact_verdicts():
    crowd = obs("protest_peak_minsk", "2020-08-16")  # 100,000-200,000
    assert inside(crowd, 120_000, 120_000) and not inside(crowd, 90_000, 90_000)
    quits = obs("security_quits", "2020-08-09", "2020-12-31")  # lower_bound > 700
    assert quits.error_kind == "lower_bound"
    assert inside(quits, 701, 701) and not inside(quits, 699, 699)
    defect = obs("army_defections", "2020-08-09", "2022-09-30")
    assert inside(defect, 0, 0) and not inside(defect, 1, 1)


def test_a_run_is_compared_only_over_the_weeks_it_covers():
    late = Run(synthetic(start_week=week_of("2022-10-02"), weeks=104, in_power=1.0))
    c = compare_one(late, obs("ruler_in_power", "2020-08-09", "2022-09-30"))
    assert c.inside is None and c.note == "outside the run's weeks"


# ------------------------------------------------------------------ split and the table
def test_the_split_puts_each_row_in_its_period_and_the_table_has_one_row_each(tmp_path):
    run = Run(synthetic(in_power=1.0, deployed_strength=0.0))
    rows = compare(run)
    parts = split(rows)
    assert len(parts["fit"]) + len(parts["holdout"]) == len(rows) == len(observations())
    assert all(c.observation.end <= date(2022, 9, 30) for c in parts["fit"])
    assert all(c.observation.end > date(2022, 9, 30) for c in parts["holdout"])
    path = tmp_path / "patterns.csv"
    write_table(path, rows)
    with open(path, newline="") as fh:
        table = list(csv.DictReader(fh))
    assert tuple(table[0]) == COLUMNS and len(table) == len(rows)
    ruler = [r for r in table if r["pattern"] == "ruler_in_power"]
    assert [r["inside"] for r in ruler] == ["True", "True"]
    missing = [r for r in table if r["pattern"] == "political_prisoners"]
    assert all(r["inside"] == "" and "political_prisoners" in r["note"] for r in missing)


def test_a_days_detentions_are_a_floor_on_its_weeks():
    """234 detained on Sunday 20 Sep 2020 (Viasna, exact): a week with more street
    detentions is consistent with it, a week with fewer than the day is not."""
    day = next(o for o in observations() if o.pattern == "detentions_day" and o.value == 234)
    assert inside(day, *observable(day, 2_000.0))  # the week held more than its Sunday
    assert not inside(day, *observable(day, 200.0))  # fewer than the Sunday alone
