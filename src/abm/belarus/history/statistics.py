"""The observed patterns as estimation statistics: one discrepancy per observation, on a log
scale, in units of the observation's own error (issue 13).

ABC and history matching both need a number per observation that says how far a run is
from what was observed. ``patterns.compare`` already says *whether* a run is consistent
(its observable range, through the error model, meets the observed range); here the same
comparison gives *how far*: the gap between the two ranges in natural-log units (0 when
they meet), divided by the observation's error scale. Working on logs makes a miss by a
factor of two cost the same for 300 detentions as for 30,000, which is how the sources'
uncertainty behaves (reported counts are good to a share, not to a number of people).

Error scales (``scale_of``), in log units, from the observation model, never from the fit:

- a reported range: half its log width (150,000 read as 100,000-200,000: 0.35);
- Viasna's counts: half the log width of the undercount U(0.75, 0.85) (0.063) added to the
  range's; then, for every kind, at least ``MIN_SCALE`` (0.1: no count is known better
  than to 10 %, the precision the sources' rounded figures imply);
- polls: at least ``POLL_SCALE`` (0.3), because the online urban samples (Chatham House)
  differ from the population the model's opinion stands for by an unknown frame bias;
- a floor ("more than 33,000"): one-sided, scale as above;
- the 0/1 facts (no substitution, no troops in Ukraine, ...): a miss is 1 / ``BINARY_SCALE``
  (2 units) unless the fact is a hard constraint of the estimation, whose miss is infinite.

A run without a verdict for an observation because it collapsed before the observation
opened already fails "Lukashenko in power"; any other undefined value (a half-life of a
crowd that never fell) costs ``UNDEFINED`` units, a clear miss that does not dominate.

Wilkinson (2013, Stat. Appl. Genet. Mol. Biol. 12(2):129) shows that ABC accepting runs
whose discrepancy is within the error model's reach is exact inference under that error
model: a discrepancy of 0 here means "consistent with the observation".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from abm.belarus.history.data import FIT_END, Observation, week_of, week_start
from abm.belarus.history.patterns import (
    Comparison,
    Run,
    compare_one,
    comparison_kind,
    observations,
    viasna_factors,
)

#: The smallest error scale of any count or share, in natural-log units (10 %).
MIN_SCALE = 0.1
#: The smallest error scale of a poll share (frame bias of online urban samples).
POLL_SCALE = 0.3
#: The error scale of a soft 0/1 fact: a miss costs 1 / BINARY_SCALE units.
BINARY_SCALE = 0.5
#: The cost, in units, of an observation the run leaves undefined.
UNDEFINED = 5.0
#: Counts below one person are read as one (the log of zero protesters).
FLOOR_COUNT = 1.0
#: Shares below this are read as this (the log of a zero share).
FLOOR_SHARE = 1e-4
#: The 0/1 facts the estimation holds as hard constraints unless a spec says otherwise:
#: the issue's three (no army defection, no troops in Ukraine, no substitution) and the
#: ruler's survival, which the first three imply in the record.
HARD = ("army_defections", "troops_in_ukraine", "substitution", "ruler_in_power")
#: Observations the model has no quantity for (``patterns.support_joining_war``): left out
#: of the statistics rather than scored as misses, and listed as unused in every report.
UNMODELLED = ("support_joining_war",)


def key_of(o: Observation) -> str:
    """The observation's label in tables and statistics: ``pattern (date)`` or
    ``pattern (start to end)``."""
    span = o.start.isoformat() if o.start == o.end else f"{o.start} to {o.end}"
    return f"{o.pattern} ({span})"


@dataclass(frozen=True)
class Statistic:
    """One observation as an estimation statistic: its key, error scale and whether a miss
    is a hard constraint (an infinite discrepancy)."""

    observation: Observation
    scale: float
    hard: bool = False

    @property
    def key(self) -> str:
        return key_of(self.observation)

    @property
    def binary(self) -> bool:
        return self.observation.unit == "bool" or comparison_kind(self.observation) == "exact"


def _half_log_width(low: float, high: float) -> float:
    if not (math.isfinite(low) and math.isfinite(high)) or low <= 0 or high <= low:
        return 0.0
    return 0.5 * math.log(high / low)


def scale_of(o: Observation) -> float:
    """The observation's error scale in natural-log units (module docstring)."""
    kind = o.error_kind
    if o.unit == "bool" or comparison_kind(o) == "exact":
        return BINARY_SCALE
    scale = _half_log_width(o.low, o.high)
    if kind == "viasna_undercount":
        a, b = viasna_factors(o.error_model)
        scale += _half_log_width(a, b)
    floor = POLL_SCALE if kind == "poll" else MIN_SCALE
    return max(scale, floor)


def statistics(
    period: str = "fit",
    hard: Iterable[str] = HARD,
    rows: Sequence[Observation] | None = None,
    exclude: Iterable[str] = (),
) -> tuple[Statistic, ...]:
    """The observations of ``period`` ("fit", "holdout" or "all") as statistics, without
    the patterns in ``exclude`` and ``UNMODELLED``; those named in ``hard`` are hard
    constraints (they must be 0/1 facts)."""
    if period not in ("fit", "holdout", "all"):
        raise ValueError(f"period {period!r}: one of fit, holdout, all")
    # the unmodelled patterns are always left out: no spec can put back a statistic the
    # model cannot compute (it would only add a constant miss to every distance)
    hard, exclude = set(hard), set(exclude) | set(UNMODELLED)
    rows = observations() if rows is None else rows
    out = []
    for o in rows:
        if (period != "all" and o.period != period) or o.pattern in exclude:
            continue
        out.append(Statistic(o, scale_of(o), o.pattern in hard))
    for s in out:
        if s.hard and not s.binary:
            raise ValueError(f"hard constraint {s.key}: only 0/1 facts can be hard constraints")
    return tuple(out)


def _log(value: float, o: Observation) -> float:
    floor = FLOOR_SHARE if "share" in o.unit else FLOOR_COUNT
    return math.log(max(value, floor))


def gap(c: Comparison) -> float:
    """How far the run's observable range lies outside the observed range, in natural-log
    units (0 when they meet; NaN when the run gives no value). A 0/1 fact's gap is 0 or 1."""
    o = c.observation
    if c.inside is None:
        return math.nan
    if c.inside:
        return 0.0
    if o.unit == "bool" or comparison_kind(o) == "exact":
        return 1.0 if o.unit == "bool" else abs(c.simulated - o.value)
    above = _log(c.observable_low, o) - _log(o.high, o) if math.isfinite(o.high) else 0.0
    below = _log(o.low, o) - _log(c.observable_high, o)
    if comparison_kind(o) == "lower_bound":
        above = 0.0
    return max(above, below, 0.0)


def discrepancy(stat: Statistic, c: Comparison) -> float:
    """The statistic's discrepancy in units of its error scale (0 = consistent; inf for a
    violated hard constraint; ``UNDEFINED`` for a run without a value)."""
    g = gap(c)
    if not math.isfinite(g):  # no value, or an infinite one (a crowd that never fell)
        return UNDEFINED
    if stat.hard and g > 0:
        return math.inf
    if stat.binary:
        return min(g, 1.0) / stat.scale
    return g / stat.scale


def discrepancies(run: Run, stats: Sequence[Statistic]) -> np.ndarray:
    """Every statistic's discrepancy for one run, in ``stats``' order."""
    return np.array([discrepancy(s, compare_one(run, s.observation)) for s in stats])


def simulated(run: Run, stats: Sequence[Statistic]) -> dict[str, float]:
    """Every statistic's simulated true value for one run (NaN where the run gives none):
    what ABC stores as the run's summary statistics."""
    return {s.key: compare_one(run, s.observation).simulated for s in stats}


def distance(d: np.ndarray, p: float = 2.0) -> float:
    """The p-norm of a run's discrepancies (inf when a hard constraint fails)."""
    if not np.all(np.isfinite(d)):
        return math.inf
    return float(np.linalg.norm(d, ord=p))


def comparisons_from(values: Mapping[str, float], stats: Sequence[Statistic]) -> list[Comparison]:
    """Rebuild the comparisons from stored simulated values (a pyabc database holds the
    values, not the runs): NaN becomes 'no verdict'."""
    from abm.belarus.history.patterns import inside, observable

    out = []
    for s in stats:
        v = float(values.get(s.key, math.nan))
        if math.isnan(v):
            out.append(Comparison(s.observation, v, v, v, None, "no value"))
            continue
        low, high = observable(s.observation, v)
        out.append(Comparison(s.observation, v, low, high, inside(s.observation, low, high)))
    return out


def discrepancies_from(values: Mapping[str, float], stats: Sequence[Statistic]) -> np.ndarray:
    """``discrepancies`` from stored simulated values instead of a run."""
    return np.array(
        [discrepancy(s, c) for s, c in zip(stats, comparisons_from(values, stats), strict=True)]
    )


#: The series a sweep must keep for its runs to be scored (``Target.summarise_stored``):
#: every series a pattern reads, ``mutinied_share`` (read back into mutiny events) and
#: ``absorbed`` (a collapse), plus the ones the history figures show.
STORED_SERIES = (
    "date",
    "protesters",
    "protesters_capital",
    "turnout",
    "street_detentions",
    "prosecutions",
    "detentions",
    "political_prisoners",
    "security_quits",
    "deployed_strength",
    "in_power",
    "mutinied_share",
    "support_level",
    "absorbed",
)
#: Outcomes whose first week a sweep's runs table holds (``week_<name>``), turned back into
#: events for the patterns.
EVENT_OUTCOMES = ("intervention", "substitution", "ejection", "uprising", "russian_intervention")


def events_of(series, summary: Mapping[str, object]) -> list[tuple[int, str, str]]:
    """A stored run's events as the patterns read them: a mutiny in every week the mutinied
    share rises (a sweep keeps series, not the event log), and each outcome's first week
    (``summary``: the run's row of the sweep's runs table)."""
    events: list[tuple[int, str, str]] = []
    share = series["mutinied_share"].to_numpy(float)
    for step in np.flatnonzero(np.diff(share) > 0) + 1:
        events.append((int(series["step"].iloc[step]), "mutiny", ""))
    for name in EVENT_OUTCOMES:
        week = summary.get(f"week_{name}")
        if week is not None and not _missing(week):
            events.append((int(week), name, ""))
    return sorted(events)


def _missing(value: object) -> bool:
    try:
        return bool(math.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return value is None


def stored_run(series, summary: Mapping[str, object]) -> Run:
    """A run stored by a sweep (its series rows, sorted by step, and its runs-table row) as
    the patterns read it."""
    series = series.reset_index(drop=True)
    return Run(series, tuple(events_of(series, summary)))


def steps_to(end=FIT_END, first=None) -> int:
    """Steps of the ``history`` scenario that cover history up to ``end`` (its step 0 is the
    week before the election week, ``week_start(-1)``)."""
    first = week_start(-1) if first is None else first
    return week_of(end) - week_of(first) + 1


@dataclass(frozen=True)
class Target:
    """What an estimation fits: the statistics of one period, the run length that covers
    them, and how to read a run. The calibration machinery knows the model's history only
    through this object (the catalogue's ``targets_ref``), so it never imports a model.

    ``summarise`` turns a run into the dict of summary statistics pyabc stores (each
    statistic's simulated true value); ``discrepancies`` turns such a dict back into the
    vector of discrepancies, so that a database of stored runs can be rescored under another
    error model without rerunning."""

    period: str
    stats: tuple[Statistic, ...]
    steps: int

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.stats)

    @property
    def scales(self) -> np.ndarray:
        return np.array([s.scale for s in self.stats])

    @property
    def hard(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.stats if s.hard)

    def summarise(self, series, events) -> dict[str, float]:
        """The run's summary statistics (``series`` a DataFrame with ``step`` and ``date``,
        ``events`` the run's (step, name, detail) log)."""
        return simulated(Run(series, tuple(events)), self.stats)

    def discrepancies(self, values: Mapping[str, float]) -> np.ndarray:
        return discrepancies_from(values, self.stats)

    @property
    def series(self) -> tuple[str, ...]:
        """The series a sweep must keep (``keep_series``) for ``summarise_stored``."""
        return STORED_SERIES

    def summarise_stored(self, series, summary: Mapping[str, object]) -> dict[str, float]:
        """``summarise`` for a run stored by a sweep, which keeps series, not the event log:
        ``series`` its rows of the series table (``step``, ``date`` and ``self.series``),
        ``summary`` its row of the runs table (each outcome's first week, ``week_<name>``)."""
        return simulated(stored_run(series, summary), self.stats)

    def summarise_sweep(self, series, runs) -> dict[str, dict[str, float]]:
        """``summarise_stored`` for every run of a sweep: ``series`` its series table,
        ``runs`` its runs table (with a ``run_id`` column or index); {run_id: values}."""
        if "run_id" in getattr(runs, "columns", ()):
            runs = runs.set_index("run_id")
        return {
            run_id: self.summarise_stored(s.sort_values("step"), runs.loc[run_id])
            for run_id, s in series.groupby("run_id", sort=True)
        }

    def log_values(self, values: Mapping[str, float]) -> np.ndarray:
        """Each statistic's simulated value on the log scale its discrepancy uses (NaN where
        the run gives none; a 0/1 fact as it is): for the spread of seeds around a value."""
        out = []
        for s in self.stats:
            v = float(values.get(s.key, math.nan))
            out.append(v if math.isnan(v) or s.binary else _log(v, s.observation))
        return np.array(out)

    def synthetic(self, values: Mapping[str, float], rng: np.random.Generator) -> Target:
        """The target an observer would have reported had the truth been one run's
        ``values`` (``summarise``'s dict): the data of a parameter-recovery test (issue 13).

        Each statistic keeps its pattern, dates, error model and - so that the synthetic fit
        weighs the statistics as the real one does - its **real** error scale; only what was
        "observed" changes, drawn with ``rng`` (one uniform per statistic, always drawn, so
        the stream does not depend on which kinds occur). With x the run's true value:

        - Viasna's counts: the report is x x U(a, b) (the row's undercount factors); a point
          stays a point, a range keeps its relative width around the report, a floor ("more
          than") becomes a floor at the report;
        - a reported range (crowds, shares, the half-life, the official count): a range of the
          same relative width that holds x, at a uniformly drawn log-position (the observer's
          range contains the truth, where is unknown);
        - any other floor (security quits, the anti-war crowd) becomes a floor at x; any other
          point, a point at x;
        - the 0/1 facts (and the exact counts: mutinies, troops sent) become the run's facts.

        A statistic the run leaves undefined (NaN, e.g. after a collapse) or infinite (a
        crowd that never halves) has no report and is left out of the synthetic target (its
        key is missing from ``keys``). A run that violates a hard fact of this target is
        refused (ValueError naming the facts): recovery draws its synthetic truths among runs
        that satisfy the hard facts, as the real history does, rather than changing the facts.
        """
        d = self.discrepancies(values)
        violated = [s.key for s, di in zip(self.stats, d, strict=True) if s.hard and di == math.inf]
        if violated:
            raise ValueError(
                "the run violates the hard facts " + "; ".join(violated) + ": draw a synthetic "
                "truth whose run satisfies them"
            )
        out = []
        for s in self.stats:
            u = float(rng.uniform())
            x = float(values.get(s.key, math.nan))
            if not math.isfinite(x):
                continue
            out.append(Statistic(_synthetic_observation(s.observation, x, u), s.scale, s.hard))
        return Target(self.period, tuple(out), self.steps)

    def rows(self) -> list[dict[str, object]]:
        """One row per statistic for tables and manifests."""
        return [
            {
                "key": s.key,
                "pattern": s.observation.pattern,
                "unit": s.observation.unit,
                "error_model": s.observation.error_kind,
                "observed": s.observation.value,
                "observed_low": s.observation.low,
                "observed_high": s.observation.high,
                "scale": s.scale,
                "hard": s.hard,
                "source": s.observation.source,
            }
            for s in self.stats
        ]


def _synthetic_observation(o: Observation, x: float, u: float) -> Observation:
    """What ``o``'s observer would report of the true value ``x`` (``Target.synthetic``),
    with ``u`` a uniform draw in [0, 1)."""
    from dataclasses import replace

    kind = comparison_kind(o)
    if o.unit == "bool" or kind == "exact":
        return replace(o, value=x, low=x, high=x, source="synthetic: the run's fact")
    floor = math.isinf(o.high)
    ranged = not floor and o.high > o.low and o.value > 0
    if o.error_kind == "viasna_undercount":
        a, b = viasna_factors(o.error_model)
        v = x * (a + u * (b - a))
    elif ranged:
        # the truth at log-position u inside a range of the real relative width
        lo, hi = math.log(o.low / o.value), math.log(o.high / o.value)
        v = x * math.exp(-(lo + u * (hi - lo))) if o.low > 0 else x
    else:
        v = x
    if floor:
        low, high = v, math.inf
    elif ranged:
        low, high = v * o.low / o.value, v * o.high / o.value
    else:
        low = high = v
    return replace(o, value=v, low=low, high=high, source="synthetic: one run's values")


def target(
    period: str = "fit",
    hard: Iterable[str] = HARD,
    exclude: Iterable[str] = (),
) -> Target:
    """The estimation target of ``period``: "fit" (to 30 September 2022, runs of
    ``steps_to(FIT_END)`` steps) or "holdout"/"all" (runs to the end of the history)."""
    from abm.belarus.history.data import HISTORY_END

    stats = statistics(period, hard=hard, exclude=exclude)
    steps = steps_to(FIT_END if period == "fit" else HISTORY_END)
    return Target(period, stats, steps)
