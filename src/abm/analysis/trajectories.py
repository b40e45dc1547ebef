"""How runs unfold: per-step envelopes split by final outcome, and example runs to show.

An envelope summarises many runs' series step by step with quantiles rather than a mean
and standard deviation: the series of a political crisis are skewed and often bimodal
(a regime either holds or falls), and quantile bands show that honestly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from abm.analysis.load import WEEK_PREFIX, Results, ResultsError

#: Quantiles drawn: the median, the central 50 % band and the central 90 % band.
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: A final class with fewer runs than this gets no envelope (its bands would be noise).
MIN_RUNS_PER_CLASS = 5


def envelopes(
    results: Results,
    columns: Sequence[str],
    *,
    by: str = "final_class",
    min_runs: int = MIN_RUNS_PER_CLASS,
) -> pd.DataFrame:
    """Quantiles of each series at each step, per group of runs (default: final class).

    Returns a long table: ``by``, ``series``, ``step``, ``n`` and one column per quantile
    (``q05``, ``q25``, ``q50``, ``q75``, ``q95``). Groups with fewer than ``min_runs`` runs
    are left out.
    """
    if by not in results.runs.columns:
        raise ResultsError(f"runs have no {by!r} column to split the envelopes by")
    sizes = results.runs[by].value_counts()
    keep = sizes.index[sizes >= min_runs]
    ids = results.runs.loc[results.runs[by].isin(keep), ["run_id", by]]
    if ids.empty:
        return pd.DataFrame()
    series = results.series(columns, run_ids=ids["run_id"].tolist())
    series = series.merge(ids, on="run_id", how="inner")
    names = [f"q{round(q * 100):02d}" for q in QUANTILES]
    out = []
    for col in columns:
        grouped = series.groupby([by, "step"], observed=True)[col]
        q = grouped.quantile(list(QUANTILES)).unstack()
        q.columns = names
        q["n"] = grouped.size()
        q = q.reset_index()
        q.insert(1, "series", col)
        out.append(q)
    return pd.concat(out, ignore_index=True)


def example_runs(results: Results, per_class: int = 1, limit: int = 6) -> pd.DataFrame:
    """A few runs to show as event timelines: the first run (by run_id) of each final class,
    most eventful classes first, so the figure shows the range of what happens."""
    runs = results.runs.sort_values("run_id", kind="stable")
    weeks = [WEEK_PREFIX + o for o in results.outcomes]
    runs = runs.assign(_events=runs[weeks].notna().sum(axis=1))
    by = "final_class" if "final_class" in runs.columns else None
    if by is None:
        picked = runs.sort_values("_events", ascending=False, kind="stable").head(limit)
    else:
        picked = runs.groupby(by, sort=False).head(per_class)
        picked = picked.sort_values(["_events", "run_id"], ascending=[False, True])
        picked = picked.head(limit)
    return picked.drop(columns="_events").reset_index(drop=True)


def event_times(results: Results, outcome: str) -> tuple[np.ndarray, np.ndarray]:
    """(time, observed) for survival analysis: the outcome's week, or the horizon if never.

    Refuses when the horizon is unknown: a run without the event is censored at the
    horizon, and guessing it would bias the curve.
    """
    if results.horizon is None:
        raise ResultsError("the manifest gives no horizon (spec 'steps'); cannot censor runs")
    week = results.runs[WEEK_PREFIX + outcome]
    observed = week.notna().to_numpy()
    time = np.where(observed, week.astype("Float64").fillna(0).to_numpy(dtype=float), 0.0)
    time[~observed] = float(results.horizon)
    return time, observed
