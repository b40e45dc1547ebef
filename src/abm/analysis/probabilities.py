"""Outcome probabilities with binomial intervals, over one or two varied parameters.

An outcome's probability at a parameter value is estimated by the share of runs in which it
happened. The uncertainty of that share is the Wilson score interval (Wilson 1927), because it
stays inside [0, 1], keeps close to its nominal coverage for small n and for shares near 0 or
1 (Brown, Cai & DasGupta 2001), and gives a non-degenerate interval when k = 0 or k = n, which
is common for rare outcomes such as a successful substitution. The normal ("Wald") interval
fails on all three counts.

Continuous designs (Latin hypercube, Sobol, Morris) hardly ever repeat a value, so a
parameter with more distinct values than ``max_levels`` is cut into ``bins`` equal-width bins
over its design range; the other varied parameters are then averaged over (marginalised), as
they were sampled.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm

#: Cells or bins holding fewer runs than this are marked as too thin to read.
MIN_RUNS = 10


def wilson_interval(
    k: np.ndarray | int, n: np.ndarray | int, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for k successes in n trials (no continuity correction).

    ``centre = (k + z²/2) / (n + z²)``,
    ``half = z / (n + z²) · sqrt(k (n - k) / n + z²/4)``, with z the two-sided normal quantile.
    Vectorised over k and n; n = 0 gives the uninformative interval [0, 1].
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1); got {confidence!r}")
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    if np.any(n < 0) or np.any(k < 0) or np.any(k > n):
        raise ValueError("need 0 <= k <= n for every entry")
    z = norm.ppf(0.5 + confidence / 2.0)
    z2 = z * z
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = (k + z2 / 2.0) / (n + z2)
        half = z / (n + z2) * np.sqrt(np.where(n > 0, k * (n - k) / n, 0.0) + z2 / 4.0)
    low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), 0.0)
    high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), 1.0)
    # At k = 0 (k = n) the bound is exactly 0 (1); rounding must not push it off.
    low = np.where(k == 0, 0.0, low)
    high = np.where((k == n) & (n > 0), 1.0, high)
    return low, high


def levels(
    values: pd.Series,
    *,
    max_levels: int = 12,
    bins: int = 8,
    bounds: tuple[float, float] | None = None,
) -> tuple[pd.Series, np.ndarray | None]:
    """Group a parameter's values into the levels a probability is estimated at.

    Returns (level of each run, bin edges or None). Few distinct values (a grid, a bool, a
    choice) are their own levels; otherwise equal-width bins over ``bounds`` (the design's
    range when known, else the data's) and each run's level is its bin's midpoint.
    """
    distinct = values.dropna().unique()
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if len(distinct) <= max_levels or not numeric:
        return values, None
    lo, hi = bounds if bounds is not None else (float(values.min()), float(values.max()))
    edges = np.linspace(lo, hi, bins + 1)
    idx = np.clip(
        np.searchsorted(edges, values.to_numpy(dtype=float), side="right") - 1, 0, bins - 1
    )
    mids = (edges[:-1] + edges[1:]) / 2.0
    return pd.Series(mids[idx], index=values.index, name=values.name), edges


def outcome_table(
    frame: pd.DataFrame,
    by: Sequence[str],
    outcomes: Sequence[str],
    *,
    bounds: dict[str, tuple[float, float]] | None = None,
    max_levels: int = 12,
    bins: int = 8,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Probability of each outcome at each level (or pair of levels) of ``by``.

    ``frame`` has one row per run: the columns in ``by`` and one boolean column per outcome.
    Returns a long table: the ``by`` columns, ``outcome``, ``n`` (runs), ``k`` (runs with the
    outcome), ``p = k / n``, ``low``/``high`` (Wilson interval) and ``thin`` (n < MIN_RUNS).
    """
    bounds = bounds or {}
    grouped = pd.DataFrame(index=frame.index)
    for name in by:
        grouped[name], _ = levels(
            frame[name], max_levels=max_levels, bins=bins, bounds=bounds.get(name)
        )
    rows = []
    for outcome in outcomes:
        hit = frame[outcome].astype(bool)
        agg = hit.groupby([grouped[b] for b in by], observed=True).agg(["size", "sum"])
        agg = agg.rename(columns={"size": "n", "sum": "k"}).reset_index()
        agg.insert(len(by), "outcome", outcome)
        rows.append(agg)
    table = pd.concat(rows, ignore_index=True)
    table["n"] = table["n"].astype(int)
    table["k"] = table["k"].astype(int)
    table["p"] = table["k"] / table["n"]
    table["low"], table["high"] = wilson_interval(table["k"], table["n"], confidence)
    table["thin"] = table["n"] < MIN_RUNS
    return table
