"""Time to an event: Kaplan-Meier survival with pointwise confidence bands.

A run that never saw an outcome by its horizon is right-censored there: we know only that
the event had not happened by then. The Kaplan-Meier estimator uses exactly that knowledge;
the share of runs with the event by week t (``1 - S(t)``) is what the figures show. When
every run has the same horizon this equals the empirical share, but runs with different
horizons (a sweep that varies the horizon, or merged sweeps) need the estimator.

The band is the log-minus-log ("exponential Greenwood") interval of Kalbfleisch & Prentice
(2002, eq. 1.10): unlike Greenwood's plain interval it stays within [0, 1].
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm


def kaplan_meier(time: np.ndarray, observed: np.ndarray, confidence: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier estimate of S(t) = P(event after t).

    ``time``: the event's week when ``observed``, else the week the run was censored at.
    Returns one row per distinct event time, plus a first row at t = 0: ``time``,
    ``at_risk``, ``events``, ``survival``, ``se`` (Greenwood), ``low``, ``high``.
    """
    time = np.asarray(time, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    if time.shape != observed.shape:
        raise ValueError("time and observed must have the same length")
    if np.any(np.isnan(time)):
        raise ValueError("time holds NaN: give the censoring week for runs without the event")
    z = norm.ppf(0.5 + confidence / 2.0)
    event_times = np.unique(time[observed])
    rows = [(0.0, len(time), 0, 1.0, 0.0, 1.0, 1.0)]
    surv, greenwood = 1.0, 0.0
    for t in event_times:
        n = int(np.sum(time >= t))
        d = int(np.sum((time == t) & observed))
        surv *= 1.0 - d / n
        greenwood += d / (n * (n - d)) if n > d else np.inf
        se = surv * np.sqrt(greenwood) if np.isfinite(greenwood) else np.nan
        low, high = _loglog_band(surv, greenwood, z)
        rows.append((float(t), n, d, surv, se, low, high))
    return pd.DataFrame(
        rows, columns=["time", "at_risk", "events", "survival", "se", "low", "high"]
    )


def _loglog_band(surv: float, greenwood: float, z: float) -> tuple[float, float]:
    """Interval for S from the delta-method variance of log(-log S)."""
    if surv <= 0.0 or surv >= 1.0 or not np.isfinite(greenwood):
        return (0.0, 0.0) if surv <= 0.0 else (1.0, 1.0)
    log_s = np.log(surv)
    sigma = np.sqrt(greenwood) / abs(log_s)
    return float(surv ** np.exp(z * sigma)), float(surv ** np.exp(-z * sigma))


def step_value(curve: pd.DataFrame, column: str, at: np.ndarray) -> np.ndarray:
    """Read a right-continuous step curve (from ``kaplan_meier``) at the given times."""
    idx = np.searchsorted(curve["time"].to_numpy(), np.asarray(at, dtype=float), side="right") - 1
    return curve[column].to_numpy()[np.clip(idx, 0, None)]
