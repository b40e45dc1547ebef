"""Scores of a predictive distribution against what was observed (issue 13: held-out checks).

The predictive distribution of one statistic is a sample of what an observer would have
reported: runs' simulated true values (one run per posterior or prior draw, one seed each)
passed through the observation's error model (e.g. Viasna's undercount). Everything here is
a pure function of such samples and of the observation, so that it can be tested against
known answers and reused for any model.

- **Coverage** (``covered``): the central 90 % predictive interval meets the observation -
  contains a point or a 0/1 fact, overlaps a reported range, reaches a floor ("more than").
- **CRPS** for counts and shares, on the natural-log scale (a miss by a factor costs the same
  for 300 detentions as for 30,000, as in the estimation's discrepancies), in the sample
  (energy) form ``CRPS(F, y) = E|X - y| - E|X - X'| / 2`` (Gneiting & Raftery 2007, eq. 21).
  A *reported range* [L, H] is scored as an uncertain observation uniform on [log L, log H]:
  the CRPS averaged over that range (Ferro 2017, QJRMS 143:2665), which has a closed form
  and equals the point score when L = H. A *floor* says only "more than L": it is left out
  of the CRPS (a censored score would need the unobserved upper tail) and scored instead by
  the Brier score of the event "the report reaches L" (which happened), beside its coverage.
- **Brier** for the 0/1 facts: ``(1 - p)^2`` with ``p`` the predictive probability of what
  happened (the run's fact equals the observed one).
- **Skill** against a baseline (the prior predictive): ``1 - score / score_baseline``
  (1 = perfect, 0 = no better than the prior, negative = worse).

A draw whose run gives no value (NaN: it collapsed before the observation opened) is left
out of that statistic's sample; ``defined`` reports the share kept. A collapse is itself
scored once, by the "ruler in power" fact. An infinite value (a half-life of a crowd that
never halves) enters the CRPS as ``INF_FACTOR`` times the observation's upper end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

#: Counts below one are read as one on the log scale (as ``statistics.FLOOR_COUNT``).
FLOOR_COUNT = 1.0
#: Shares below this are read as this on the log scale (as ``statistics.FLOOR_SHARE``).
FLOOR_SHARE = 1e-4
#: An infinite sample value is scored as this many times the observation's upper end.
INF_FACTOR = 1000.0
#: The central predictive interval's level.
LEVEL = 0.9


def _weights(n: int, weights: Sequence[float] | np.ndarray | None) -> np.ndarray:
    if weights is None:
        return np.full(n, 1.0 / n)
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights: one non-negative weight per sample, not all zero")
    return w / w.sum()


def log_scale(x: np.ndarray | float, floor: float = FLOOR_COUNT) -> np.ndarray:
    """Natural log of ``x``, values below ``floor`` read as ``floor``."""
    return np.log(np.maximum(np.asarray(x, dtype=float), floor))


def quantile(x: np.ndarray, q: float | Sequence[float], weights=None) -> np.ndarray:
    """Weighted empirical quantile(s) (inverse of the weighted ECDF; no interpolation, so an
    infinite sample value stays infinite instead of becoming NaN)."""
    x = np.asarray(x, dtype=float)
    w = _weights(x.size, weights)
    order = np.argsort(x, kind="stable")
    xs, cw = x[order], np.cumsum(w[order])
    qs = np.atleast_1d(np.asarray(q, dtype=float))
    idx = np.searchsorted(cw, qs * cw[-1] - 1e-12, side="left")
    return xs[np.clip(idx, 0, xs.size - 1)]


def interval(x: np.ndarray, level: float = LEVEL, weights=None) -> tuple[float, float]:
    """The central ``level`` predictive interval of the sample."""
    if not 0 < level < 1:
        raise ValueError(f"level={level}: a share in (0, 1)")
    lo, hi = quantile(x, [(1 - level) / 2, (1 + level) / 2], weights)
    return float(lo), float(hi)


def covered(kind: str, lo: float, hi: float, observed: float, low: float, high: float) -> bool:
    """Does the interval [lo, hi] meet the observation? ``kind`` "exact" (a point fact must
    lie inside), "floor" (the interval must reach ``low``) or "range" (it must overlap
    [low, high]; a point is a range with low = high)."""
    if kind == "exact":
        return bool(lo - 1e-9 <= observed <= hi + 1e-9)
    if kind == "floor":
        return bool(hi >= low)
    if kind == "range":
        return bool(hi >= low and lo <= high)
    raise ValueError(f"kind {kind!r}: exact, floor or range")


def _mean_abs_diff(x: np.ndarray, w: np.ndarray) -> float:
    """E|X - X'| for X, X' independent from the weighted sample (O(n log n))."""
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    c = np.cumsum(ws)
    return float(2.0 * np.sum(ws * xs * (2.0 * c - ws - 1.0)))


def _expected_abs_to_uniform(x: np.ndarray, low: float, high: float) -> np.ndarray:
    """E|x - Y| for Y uniform on [low, high] (|x - low| when low == high)."""
    if high <= low:
        return np.abs(x - low)
    mid, width = 0.5 * (low + high), high - low
    inside = ((x - low) ** 2 + (high - x) ** 2) / (2.0 * width)
    return np.where(x < low, mid - x, np.where(x > high, x - mid, inside))


def crps(samples, observed: float, weights=None) -> float:
    """CRPS of the (weighted) sample against a point ``observed``: E|X - y| - E|X - X'|/2.
    Lower is better; 0 only for a point mass on the observation."""
    return crps_range(samples, observed, observed, weights)


def crps_range(samples, low: float, high: float, weights=None) -> float:
    """CRPS averaged over an observation uniform on [low, high] (the point CRPS when
    low == high): E|X - Y| - E|X - X'|/2 with Y ~ U(low, high) independent of X."""
    x = np.asarray(samples, dtype=float)
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError("crps: a non-empty sample of finite values")
    if not (math.isfinite(low) and math.isfinite(high)) or high < low:
        raise ValueError(f"crps: a finite observation range, got [{low}, {high}]")
    w = _weights(x.size, weights)
    return float(np.sum(w * _expected_abs_to_uniform(x, low, high)) - 0.5 * _mean_abs_diff(x, w))


def brier(p: float, outcome: float = 1.0) -> float:
    """The Brier score of the probability ``p`` of an event whose outcome was ``outcome``."""
    if not 0 <= p <= 1 or outcome not in (0, 1):
        raise ValueError("brier: p in [0, 1], outcome 0 or 1")
    return float((p - outcome) ** 2)


def probability(event: np.ndarray, weights=None) -> float:
    """The (weighted) share of samples in which the event holds."""
    e = np.asarray(event, dtype=bool)
    return float(min(1.0, np.sum(_weights(e.size, weights) * e)))


def skill(score: float, baseline: float) -> float:
    """``1 - score / baseline`` (NaN when the baseline is 0 and so is the score)."""
    if baseline == 0:
        return 0.0 if score == 0 else -math.inf
    return 1.0 - score / baseline


def kind_of(error_kind: str, binary: bool, high: float) -> str:
    """The scoring kind of an observation: "exact" (0/1 facts, exact counts), "floor"
    (``high`` infinite, or a comparison against a floor: ``error_kind`` "lower_bound"),
    else "range"."""
    if binary or error_kind == "exact":
        return "exact"
    if math.isinf(high) or error_kind == "lower_bound":
        return "floor"
    return "range"


def score_one(
    samples,
    kind: str,
    observed: float,
    low: float,
    high: float,
    log_floor: float = FLOOR_COUNT,
    weights=None,
    level: float = LEVEL,
) -> dict[str, float | bool | str]:
    """Every score of one statistic. ``samples`` are what an observer would have reported
    (error model applied), NaN for a draw without a value; ``kind`` as ``kind_of``.

    Returns ``defined`` (share of draws with a value), ``pi_low``/``pi_high`` (the central
    predictive interval, reported units), ``covered``, ``crps`` (log scale; NaN unless a
    point or a range), ``brier`` (0/1 facts: probability of the fact; floors: of reaching
    it; NaN otherwise), ``p_event`` (that probability) and ``score`` (the statistic's proper
    score: its CRPS or its Brier) with ``score_kind``."""
    x = np.asarray(samples, dtype=float)
    w = _weights(x.size, weights)
    ok = ~np.isnan(x)
    out: dict[str, float | bool | str] = {
        "defined": float(ok.mean()) if x.size else 0.0,
        "pi_low": math.nan,
        "pi_high": math.nan,
        "covered": False,
        "crps": math.nan,
        "brier": math.nan,
        "p_event": math.nan,
        "score": math.nan,
        "score_kind": "",
    }
    if kind == "exact":
        # every draw counts: one without a value did not produce the fact
        p = probability(ok & np.isclose(np.nan_to_num(x, nan=-1e300), observed), w)
        out.update(p_event=p, brier=brier(p), score=brier(p), score_kind="brier")
    if not ok.any():
        return out
    xs, ws = x[ok], w[ok] / w[ok].sum()
    lo, hi = interval(xs, level, ws)
    out.update(pi_low=lo, pi_high=hi, covered=covered(kind, lo, hi, observed, low, high))
    if kind == "floor":
        p = probability(ok & (np.nan_to_num(x, nan=-np.inf) >= low), w)
        out.update(p_event=p, brier=brier(p), score=brier(p), score_kind="brier (floor reached)")
    elif kind == "range":
        # an infinite value (a crowd that never halves) reads as a miss by INF_FACTOR
        xs = np.where(np.isposinf(xs), INF_FACTOR * max(high, observed, log_floor), xs)
        lx = log_scale(xs, log_floor)
        c = crps_range(lx, float(log_scale(low, log_floor)), float(log_scale(high, log_floor)), ws)
        out.update(crps=c, score=c, score_kind="crps (log)")
    return out
