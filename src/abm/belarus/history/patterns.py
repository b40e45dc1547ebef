"""The observed patterns' simulated counterparts, and the comparison of a run with them.

For every pattern in ``observed.csv`` a function computes, from one run (its series with
their ``date`` column and its events), the quantity the observation measures, in the same
unit. ``compare`` then applies the observation's error model and says whether the run is
inside what was observed; ``write_table`` writes that comparison as CSV (``patterns.csv``
beside a history run's ``series.csv``).

The series read (all true counts in people unless said otherwise): ``protesters``,
``protesters_capital``, ``turnout``, ``detentions`` (street detentions plus prosecutions),
``prosecutions``, ``political_prisoners``, ``security_quits``, ``deployed_strength``,
``in_power``; the events ``mutiny`` and ``substitution``. A run without a series a pattern
needs gets NaN for that pattern, with the missing series named in the note: the table is
written for any run, and fills in as the model learns to count.

Time. The model has weeks, not days: step s stands for history week ``start_week + s``,
which opens on ``date``; step 0 is the initial state, so nothing happens in it. Hence:

- a one-day observation (a Sunday march, its detentions) is compared with its week: the
  marches opened their week (week 0 is Sunday 9 August 2020) and made most of its arrests;
- a span (a year, a month, "the first days") sums the weekly counts of the weeks it
  overlaps, each prorated by the share of its seven days inside the span, so that a week
  straddling New Year is not counted in both years; a span lying wholly in the initial
  state's week is read from the first simulated week (step 1), since the initial state has
  no dynamics;
- a stock at a date (political prisoners) is its value in that date's week; over a span,
  its mean;
- cumulative counts ("since August") start at step 1.

A run that has collapsed (Lukashenko ejected, or Russia occupying Belarus: the model's
absorbing outcome, series ``absorbed``) has left history: an observation whose span opens
after the run's absorption is not compared with it (no verdict, a note naming the week),
while one whose span holds the collapse still is, so that a run losing the ruler in 2021
misses "Lukashenko in power, 2020-2022". ``left_history`` counts, per observation, the runs
that had left by its start.

Protest sizes: the model counts people protesting in a week; a crowd estimate counts one
day. The week's protesters are compared with the largest day's crowd, which they bound from
above when protesters turn out on several days: read a simulated week above a crowd range
with that in mind.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from abm.belarus.history.data import (
    WEEK_ZERO,
    Observation,
    load_observed,
    period_of,
    week_of,
    week_start,
)

#: Weeks either side of a peak observation's date searched for the simulated peak.
PEAK_WINDOW = 2
#: The autumn decay of the 2020 marches: fitted from the peak week to this day.
DECAY_END = date(2020, 11, 15)
#: A week with at least this many protesters nationwide holds a mass march (assumption:
#: the February 2022 anti-war protest, > 1,000 in Minsk, was not one; Sunday marches in the
#: autumn of 2020 drew tens of thousands).
MASS_MARCH_PEOPLE = 10_000
#: Viasna's undercount when its error model text gives no factors: observed = true x U(a, b).
VIASNA_FACTORS = (0.75, 0.85)
#: The rows the observed half-life is derived from (see ``observed_half_life``).
DECAY_PATTERNS = ("protest_peak_minsk", "protest_sunday_minsk", "protest_sunday")
#: The note of an observation not compared because the run had collapsed before it opened.
LEFT = "the run had left history (collapsed)"

Events = Sequence[tuple[int, str, str]]


class MissingSeries(LookupError):
    """The run has no series a pattern needs (the model does not count it yet)."""


@dataclass(frozen=True)
class Run:
    """What a pattern reads from one run: the series (``step``, ``date``, ...) and events."""

    series: pd.DataFrame
    events: Events = field(default_factory=tuple)

    @property
    def start_week(self) -> int:
        """The history week of step 0 (from the first row's date)."""
        return week_of(str(self.series["date"].iloc[0]))

    @property
    def last_step(self) -> int:
        return int(self.series["step"].iloc[-1])

    @property
    def absorbed_step(self) -> int | None:
        """The step a collapse ended the run's politics: the first with ``absorbed`` = 1, or
        (a run stored without that series) its first ``ejection`` event; None if never."""
        if "absorbed" in self.series.columns:
            hit = np.flatnonzero(self.series["absorbed"].to_numpy(dtype=float) > 0)
            return int(self.series["step"].iloc[hit[0]]) if hit.size else None
        steps = [int(step) for step, event, _ in self.events if event == "ejection"]
        return min(steps) if steps else None

    def left_before(self, day: date) -> bool:
        """Had the run left history (collapsed) before the week holding ``day``?"""
        absorbed = self.absorbed_step
        return absorbed is not None and self.step_of(day) > absorbed

    def column(self, name: str) -> np.ndarray:
        if name not in self.series.columns:
            raise MissingSeries(name)
        return self.series[name].to_numpy(dtype=float)

    def step_of(self, day: date) -> int:
        """The step standing for the week that holds ``day`` (may lie outside the run)."""
        return week_of(day) - self.start_week

    def covers(self, start: date, end: date) -> bool:
        return self.step_of(start) >= 0 and self.step_of(end) <= self.last_step

    def weights(self, start: date, end: date) -> np.ndarray:
        """Per step, the share of its week's seven days inside [start, end]; a span lying
        wholly in the initial state's week is read from step 1 (see the module's note)."""
        w = np.zeros(self.last_step + 1)
        first, last = max(0, self.step_of(start)), min(self.last_step, self.step_of(end))
        for step in range(first, last + 1):
            opens = week_start(self.start_week + step)
            lo, hi = max(opens, start), min(opens + timedelta(days=6), end)
            w[step] = ((hi - lo).days + 1) / 7.0
        if w[1:].sum() == 0 and w[0] > 0 and self.last_step >= 1:
            w[1], w[0] = w[0], 0.0
        w[0] = 0.0  # the initial state has no dynamics
        return w

    def steps_between(self, start: date, end: date) -> range:
        """The steps whose weeks overlap [start, end], within the run."""
        return range(max(0, self.step_of(start)), min(self.last_step, self.step_of(end)) + 1)

    def events_between(self, name: str, start: date, end: date) -> int:
        steps = self.steps_between(start, end)
        return sum(1 for step, event, _ in self.events if event == name and step in steps)


# ------------------------------------------------------------------ building blocks
def at_week(run: Run, name: str, day: date) -> float:
    """The series ``name`` in the week holding ``day``."""
    return float(run.column(name)[run.step_of(day)])


def span_total(run: Run, name: str, start: date, end: date) -> float:
    """Weekly counts of ``name`` over [start, end], each week prorated by its days inside."""
    return float(np.dot(run.weights(start, end), run.column(name)))


def cumulative(run: Run, name: str, end: date) -> float:
    """Counts of ``name`` from the election (9 August 2020) to ``end``, the last week
    prorated by its days like any span (so the year-end total and the next year's do not
    share a week)."""
    return span_total(run, name, WEEK_ZERO, end)


def span_mean(run: Run, name: str, start: date, end: date) -> float:
    steps = run.steps_between(start, end)
    return float(run.column(name)[steps.start : steps.stop].mean())


def peak_near(run: Run, name: str, day: date, window: int = PEAK_WINDOW) -> float:
    """The largest weekly value of ``name`` within ``window`` weeks of ``day``'s week."""
    values = run.column(name)
    centre = run.step_of(day)
    lo, hi = max(1, centre - window), min(run.last_step, centre + window)
    return float(values[lo : hi + 1].max())


def half_life(weeks: np.ndarray, values: np.ndarray) -> float:
    """Half-life in weeks of an exponential decay fitted (least squares on log values) to
    the positive ``values``; inf when they do not fall (a slope above -1e-9 a week: rounding
    makes a flat series' slope a hair from zero), NaN with fewer than two points."""
    keep = values > 0
    if keep.sum() < 2:
        return math.nan
    slope = np.polyfit(weeks[keep].astype(float), np.log(values[keep]), 1)[0]
    return math.inf if slope > -1e-9 else float(-math.log(2.0) / slope)


def decay_half_life(run: Run, peak_day: date, end: date) -> float:
    """The autumn decay: a half-life fitted to ``protesters`` from the simulated peak (within
    PEAK_WINDOW weeks of ``peak_day``) to ``end``'s week."""
    values = run.column("protesters")
    centre = run.step_of(peak_day)
    lo = max(1, centre - PEAK_WINDOW)
    peak = lo + int(np.argmax(values[lo : min(run.last_step, centre + PEAK_WINDOW) + 1]))
    stop = min(run.last_step, run.step_of(end))
    steps = np.arange(peak, stop + 1)
    return half_life(steps, values[steps])


# ------------------------------------------------------------- one function per pattern
def _day(o: Observation) -> date:
    return o.end


def _week_or_span(
    name: str, over_span: Callable[[Run, str, date, date], float]
) -> Callable[[Run, Observation], float]:
    """``name`` in a one-day observation's week, else ``over_span`` of it over the span."""

    def simulate(run: Run, o: Observation) -> float:
        if o.start == o.end:
            return at_week(run, name, o.end)
        return over_span(run, name, o.start, o.end)

    return simulate


def _total_or_week(name: str) -> Callable[[Run, Observation], float]:
    """A count over a span (prorated by days), or over a one-day observation's week."""
    return _week_or_span(name, span_total)


def _stock(name: str) -> Callable[[Run, Observation], float]:
    """A stock in a day's week, or its mean over a span."""
    return _week_or_span(name, span_mean)


def detentions_cumulative(run: Run, o: Observation) -> float:
    """Detained since the election: a span's prorated total ("the first days"), or the
    cumulative count from step 1 to the date's week ("since August")."""
    if o.start != o.end:
        return span_total(run, "detentions", o.start, o.end)
    return cumulative(run, "detentions", o.end)


def protest_peak_share(run: Run, o: Observation) -> float:
    """The largest weekly turnout (protesters / population) near the peak's date."""
    return peak_near(run, "turnout", _day(o))


def protest_peak_capital(run: Run, o: Observation) -> float:
    """The largest weekly number of protesters in the capital near the peak's date."""
    return peak_near(run, "protesters_capital", _day(o))


def protesters_capital(run: Run, o: Observation) -> float:
    return at_week(run, "protesters_capital", _day(o))


def protesters_national(run: Run, o: Observation) -> float:
    return at_week(run, "protesters", _day(o))


def criminal_cases(run: Run, o: Observation) -> float:
    """People charged after the fact, cumulated from step 1 (one case per person)."""
    return cumulative(run, "prosecutions", o.end)


def mass_marches_absent(run: Run, o: Observation) -> float:
    """1 when no week in the span has MASS_MARCH_PEOPLE protesters or more, else 0."""
    steps = run.steps_between(o.start, o.end)
    most = run.column("protesters")[steps.start : steps.stop].max()
    return float(most < MASS_MARCH_PEOPLE)


def mass_protest(run: Run, o: Observation) -> float:
    """1 when some week in the span has MASS_MARCH_PEOPLE protesters or more, else 0."""
    return 1.0 - mass_marches_absent(run, o)


def army_defections(run: Run, o: Observation) -> float:
    """Army units that mutinied (``mutiny`` events) in the span."""
    return float(run.events_between("mutiny", o.start, o.end))


def troops_in_ukraine(run: Run, o: Observation) -> float:
    """The largest Belarusian strength deployed in Ukraine in the span (people)."""
    steps = run.steps_between(o.start, o.end)
    return float(run.column("deployed_strength")[steps.start : steps.stop].max())


def substitution(run: Run, o: Observation) -> float:
    """1 when a substitution (Moscow's replacement of the ruler) succeeded in the span."""
    return float(run.events_between("substitution", o.start, o.end) > 0)


def ruler_in_power(run: Run, o: Observation) -> float:
    """1 when Lukashenko is in power in every week of the span, else 0."""
    steps = run.steps_between(o.start, o.end)
    return float(run.column("in_power")[steps.start : steps.stop].min())


def support_joining_war(run: Run, o: Observation) -> float:
    """No model quantity yet: citizens have legitimacy and grievance, not an opinion on
    sending the army into Ukraine (a share of citizens approving level 5 would be one)."""
    raise MissingSeries("support for joining the war (no model quantity yet)")


#: Pattern name -> the function computing its simulated counterpart.
PATTERNS: dict[str, Callable[[Run, Observation], float]] = {
    "protest_peak_national_share": protest_peak_share,
    "protest_peak_minsk": protest_peak_capital,
    "protest_sunday_minsk": protesters_capital,
    "protest_sunday": protesters_national,
    "antiwar_protest_2022": protesters_capital,
    "detentions_cumulative": detentions_cumulative,
    # one day's street detentions against its week's: the week bounds the day from above
    # (WEEK_BOUNDS_DAY), and prosecutions after the fact are not street detentions
    "detentions_day": _total_or_week("street_detentions"),
    "detentions_year": _total_or_week("detentions"),
    "detentions_month": _total_or_week("detentions"),
    # acts of repression include searches and fines the model lacks; detentions are the
    # part it has, so the comparison is against a floor (the observations are floors too)
    "repression_acts_year": _total_or_week("detentions"),
    "repression_acts_month": _total_or_week("detentions"),
    "political_prisoners": _stock("political_prisoners"),
    "criminal_cases_cumulative": criminal_cases,
    "political_prisoners_recognised_cumulative": criminal_cases,
    "political_convictions_cumulative": criminal_cases,
    "security_quits": _total_or_week("security_quits"),
    "mass_marches_absent": mass_marches_absent,
    "election_protest_2025": mass_protest,
    "army_defections": army_defections,
    "troops_in_ukraine": troops_in_ukraine,
    "substitution": substitution,
    "ruler_in_power": ruler_in_power,
    "support_joining_war": support_joining_war,
    "protest_half_life_autumn_2020": lambda run, o: decay_half_life(run, o.start, o.end),
}


# ------------------------------------------------------------ the derived observation
def observed_half_life(observations: Iterable[Observation]) -> Observation:
    """The autumn 2020 decay's half-life (weeks), derived from the crowd rows.

    The rows of DECAY_PATTERNS from the peak to DECAY_END (16 Aug 150,000; 20 Sep 75,000;
    11 Oct 100,000; 18 Oct >= 30,000; 15 Nov 2,000-9,000) mix Minsk and national counts,
    which is all the sources give. ``value`` is the half-life of the least-squares
    exponential through their values (about 2.9 weeks); ``low`` and ``high`` are the
    fastest and slowest decays the first and last rows' ranges allow (from the peak's high
    to the last row's low, about 2.0 weeks; from the peak's low to the last row's high,
    about 3.7 weeks). Error model: a range.
    """
    rows = sorted(
        (o for o in observations if o.pattern in DECAY_PATTERNS and o.end <= DECAY_END),
        key=lambda o: o.end,
    )
    if len(rows) < 2:
        raise ValueError(f"need at least two of {', '.join(DECAY_PATTERNS)} up to {DECAY_END}")
    weeks = np.array([week_of(o.end) for o in rows])
    fitted = half_life(weeks, np.array([o.value for o in rows]))
    first, last = rows[0], rows[-1]
    span = weeks[-1] - weeks[0]
    fastest = span * math.log(2) / math.log(first.high / last.low)
    slowest = span * math.log(2) / math.log(first.low / last.high)
    return Observation(
        pattern="protest_half_life_autumn_2020",
        start=first.end,
        end=last.end,
        value=fitted,
        low=fastest,
        high=slowest,
        unit="weeks",
        error_model="range",
        period=period_of(last.end),
        source="derived from observed.csv: " + "; ".join(f"{o.pattern} {o.end}" for o in rows),
        note="least-squares exponential through the crowd rows; range from the first and last "
        "rows' ranges (abm.belarus.history.patterns.observed_half_life)",
    )


def observations(path: str | Path | None = None) -> tuple[Observation, ...]:
    """The rows of ``observed.csv`` plus the derived autumn half-life."""
    rows = load_observed(path)
    return (*rows, observed_half_life(rows))


# --------------------------------------------------------------------- error models
@dataclass(frozen=True)
class Comparison:
    """One observation beside the run: what was observed, what the run gives (its true
    value and the range the observation would show under the error model) and the verdict
    (None when the run has no counterpart)."""

    observation: Observation
    simulated: float
    observable_low: float
    observable_high: float
    inside: bool | None
    note: str = ""

    def row(self) -> dict[str, object]:
        o = self.observation
        return {
            "pattern": o.pattern,
            "start": o.start.isoformat(),
            "end": o.end.isoformat(),
            "period": o.period,
            "unit": o.unit,
            "error_model": o.error_kind,
            "observed": o.value,
            "observed_low": o.low,
            "observed_high": o.high,
            "simulated": self.simulated,
            "observable_low": self.observable_low,
            "observable_high": self.observable_high,
            "inside": "" if self.inside is None else self.inside,
            "note": self.note,
        }


def viasna_factors(error_model: str) -> tuple[float, float]:
    """(a, b) of 'observed = true x U(a, b)' in the error model's text (default 0.75, 0.85)."""
    m = re.search(r"U\(\s*([0-9.]+)\s*,\s*([0-9.]+)\s*\)", error_model)
    return (float(m.group(1)), float(m.group(2))) if m else VIASNA_FACTORS


def observable(o: Observation, simulated: float) -> tuple[float, float]:
    """The range the observer would report if the truth were ``simulated``: Viasna's counts
    scale it by U(a, b) (analytically, its support); every other model reports the truth."""
    if o.error_kind == "viasna_undercount":
        a, b = viasna_factors(o.error_model)
        return a * simulated, b * simulated
    return simulated, simulated


#: Patterns observed on one day and simulated over its week, which can only hold more: the
#: week's count is compared with the day's as with a floor (the Sunday's detentions are a
#: floor on the week's). Crowds stay two-sided: the Sunday march was most of its week's
#: protest, and a week far above its Sunday crowd is a miss worth seeing.
WEEK_BOUNDS_DAY = ("detentions_day",)


def comparison_kind(o: Observation) -> str:
    """How a run is judged against ``o``: its error model's kind, or ``lower_bound`` for a
    day compared with its week (``WEEK_BOUNDS_DAY``)."""
    return "lower_bound" if o.pattern in WEEK_BOUNDS_DAY else o.error_kind


def inside(o: Observation, low: float, high: float) -> bool:
    """Is the run's observable range [low, high] consistent with the observation?

    - exact: the observable equals the value (a count or a 0/1 fact);
    - lower_bound (and a day's count against its week's, ``WEEK_BOUNDS_DAY``): the
      observable reaches the reported floor (``low``);
    - range, official_count, poll (frame bias left to the estimation), viasna_undercount:
      the observable range meets [low, high] of the observation.
    """
    kind = comparison_kind(o)
    if kind == "exact":
        return math.isclose(low, o.value, abs_tol=1e-9) and math.isclose(
            high, o.value, abs_tol=1e-9
        )
    if kind == "lower_bound":
        return high >= o.low
    return high >= o.low and low <= o.high


def compare_one(run: Run, o: Observation) -> Comparison:
    """The observation beside the run's counterpart (NaN and no verdict when there is none)."""
    simulate = PATTERNS.get(o.pattern)
    if simulate is None:
        return Comparison(o, math.nan, math.nan, math.nan, None, "no pattern function")
    if not run.covers(o.start, o.end):
        return Comparison(o, math.nan, math.nan, math.nan, None, "outside the run's weeks")
    if run.left_before(o.start):
        week = run.absorbed_step
        when = week_start(run.start_week + int(week or 0)).isoformat()
        return Comparison(o, math.nan, math.nan, math.nan, None, f"{LEFT} in week {week} ({when})")
    try:
        value = simulate(run, o)
    except MissingSeries as missing:
        return Comparison(o, math.nan, math.nan, math.nan, None, f"not simulated: {missing}")
    if math.isnan(value):
        return Comparison(o, value, value, value, None, "undefined for this run")
    low, high = observable(o, value)
    return Comparison(o, value, low, high, inside(o, low, high))


def left_history(runs: Iterable[Run], rows: Iterable[Observation]) -> list[int]:
    """Per observation (in ``rows``' order), how many of ``runs`` had left history (an
    absorbing collapse) before its span opened, and so were not compared with it."""
    rows, runs = list(rows), list(runs)
    return [sum(run.left_before(o.start) for run in runs) for o in rows]


def compare(run: Run, rows: Iterable[Observation] | None = None) -> list[Comparison]:
    """Every observation (default: observed.csv and the derived half-life) beside the run."""
    return [compare_one(run, o) for o in (observations() if rows is None else rows)]


def split(comparisons: Iterable[Comparison]) -> dict[str, list[Comparison]]:
    """The comparisons by period: ``fit`` (to 30 Sep 2022) and ``holdout`` (later)."""
    out: dict[str, list[Comparison]] = {"fit": [], "holdout": []}
    for c in comparisons:
        out[c.observation.period].append(c)
    return out


#: The columns of ``write_table`` (``Comparison.row``'s keys).
COLUMNS = (
    "pattern",
    "start",
    "end",
    "period",
    "unit",
    "error_model",
    "observed",
    "observed_low",
    "observed_high",
    "simulated",
    "observable_low",
    "observable_high",
    "inside",
    "note",
)


def write_table(path: str | Path, comparisons: Iterable[Comparison]) -> None:
    """The comparison as CSV, one row per observation (columns: ``COLUMNS``)."""
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for c in comparisons:
            w.writerow(c.row())
