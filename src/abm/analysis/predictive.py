"""Predictive checks: many runs' counterparts of each observation, against what was observed.

A model that is to be estimated must first show that its priors can produce what happened
(a prior predictive check), and after estimation that its posterior does (a posterior
predictive check). Both ask the same question of a table with one row per (run,
observation) and return one row per observation. The table's columns (names a model's
pattern code writes; nothing here knows the model):

- ``key``: the observation's identity (e.g. ``pattern|start|end``), ``period`` (fit or
  holdout), ``error_model`` (``exact``, ``lower_bound`` or a kind read as a range),
  ``observed``, ``observed_low``, ``observed_high`` (``inf`` for a floor);
- per run: ``run_id``, ``simulated`` (the run's true value; NaN if it has none) and
  ``observable_low``/``observable_high`` (what an observer with the error model would
  report, e.g. Viasna's undercount scales the truth by 0.75-0.85);
- ``inside``: the run's verdict (True/False), empty where there is no counterpart.

An observation is *covered* when the central ``level`` share of the runs' observable
values meets the observed range: the spread the model can produce reaches what happened.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: Columns the summary reports, in order.
SUMMARY_COLUMNS = (
    "key",
    "period",
    "error_model",
    "observed",
    "observed_low",
    "observed_high",
    "runs",
    "q_low",
    "median",
    "q_high",
    "band_low",
    "band_high",
    "share_inside",
    "covered",
)


def summarise(table: pd.DataFrame, level: float = 0.9) -> pd.DataFrame:
    """One row per observation (in first-seen order): the runs' empirical quantiles of the
    simulated value (``q_low``, ``median``, ``q_high`` at (1 - level)/2, 0.5, (1 + level)/2), the
    observable band (the same quantiles of ``observable_low`` and ``observable_high``), the
    share of runs judged inside, and whether the band covers the observation."""
    if not 0 < level < 1:
        raise ValueError(f"level={level}: allowed a share in (0, 1)")
    lo_q, hi_q = (1 - level) / 2, (1 + level) / 2
    rows = []
    for key, g in table.groupby("key", sort=False):
        first = g.iloc[0]
        sim = g["simulated"].to_numpy(dtype=float)
        ok = ~np.isnan(sim)
        verdicts = g["inside"][g["inside"].isin([True, False])].astype(bool)
        row = {
            "key": key,
            "period": first["period"],
            "error_model": first["error_model"],
            "observed": float(first["observed"]),
            "observed_low": float(first["observed_low"]),
            "observed_high": float(first["observed_high"]),
            "runs": int(ok.sum()),
            "share_inside": float(verdicts.mean()) if len(verdicts) else math.nan,
        }
        if ok.any():
            # empirical quantiles (no interpolation): a run may give inf (a protest that
            # never halves has an infinite half-life), which interpolation turns into NaN
            q = np.quantile(sim[ok], [lo_q, 0.5, hi_q], method="inverted_cdf")
            band_low = float(
                np.quantile(g["observable_low"].to_numpy(float)[ok], lo_q, method="inverted_cdf")
            )
            band_high = float(
                np.quantile(g["observable_high"].to_numpy(float)[ok], hi_q, method="inverted_cdf")
            )
            row.update(
                q_low=float(q[0]),
                median=float(q[1]),
                q_high=float(q[2]),
                band_low=band_low,
                band_high=band_high,
                covered=covers(row, band_low, band_high),
            )
        else:
            row.update(
                q_low=math.nan,
                median=math.nan,
                q_high=math.nan,
                band_low=math.nan,
                band_high=math.nan,
                covered=None,
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def covers(obs: dict, band_low: float, band_high: float) -> bool:
    """Does the band [band_low, band_high] meet the observation? An exact fact must lie in
    the band; a floor must be reached; any other kind's range must overlap the band."""
    kind = obs["error_model"]
    if kind == "exact":
        return bool(band_low - 1e-9 <= obs["observed"] <= band_high + 1e-9)
    if kind == "lower_bound":
        return bool(band_high >= obs["observed_low"])
    return bool(band_high >= obs["observed_low"] and band_low <= obs["observed_high"])


def coverage(summary: pd.DataFrame) -> pd.DataFrame:
    """Per period: observations with a counterpart, how many are covered, the share."""
    have = summary[summary["covered"].isin([True, False])]
    out = (
        have.groupby("period", sort=True)["covered"]
        .agg(observations="size", covered=lambda c: int(c.astype(bool).sum()))
        .reset_index()
    )
    out["share"] = out["covered"] / out["observations"]
    return out


def series_band(series: pd.DataFrame, column: str, level: float = 0.9) -> pd.DataFrame:
    """Per step, the runs' quantiles of one series column: ``step``, ``low``, ``median``,
    ``high`` (``series`` has ``run_id``, ``step`` and the column)."""
    lo_q, hi_q = (1 - level) / 2, (1 + level) / 2
    g = series.groupby("step", sort=True)[column]
    out = pd.DataFrame(
        {"low": g.quantile(lo_q), "median": g.quantile(0.5), "high": g.quantile(hi_q)}
    )
    return out.reset_index()
