"""Does the estimation work? Parameter recovery and prior sensitivity of weighted posteriors
(issue 13, part 4: "show that it works before believing it").

**Recovery.** Draw a parameter vector from the prior, run the model once, treat what an
observer would have reported of that run as the data (``Target.synthetic``) and calibrate
on it. Repeated over K synthetic data sets, a calibrated method's central credible intervals
hold the true value about as often as their level says (50 %, 90 %), and its posterior is
narrower than the prior where the data inform the parameter:

- *coverage*: is the true value inside the weighted central 50 % / 90 % interval?
- *contraction*: ``1 - var_post / var_prior`` (Schaelte & Hasenauer; Betancourt's
  "posterior shrinkage"), var_prior that of the (narrowed) uniform prior, ``(high - low)^2
  / 12``, both in the prior's own units: log10 of the parameter for a log-scale prior;
- *z-score*: ``(posterior mean - true) / posterior sd``, in the same units.

High contraction with poor coverage is an over-confident posterior (a bug, too small a
tolerance or an error model narrower than the truth's noise); low contraction with good
coverage, a parameter the data do not inform (it keeps its prior: say so).

**Prior sensitivity.** Importance-reweight the posterior's particles by the ratio of another
reasonable prior to the one used, ``w' ~ w p_alt(theta) / p(theta)`` (no new runs), and
report how much the posterior means and intervals move and the effective sample size
(Kish) left. Alternatives on the same (narrowed) box: ``flip_scale`` (log-uniform for a
linear prior, uniform for a log one), ``half_width`` (uniform on the central half of the box
in the prior's units: a particle outside gets weight 0), ``centred`` (a Beta(2, 2) density in
the prior's units, favouring the middle of the range).

Pure functions of arrays and DataFrames; priors are ``abm.priors.Prior`` (or anything with
``name``, ``low``, ``high``, ``scale``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from abm.calibration.scoring import quantile

#: The central credible levels whose coverage recovery reports.
LEVELS = (0.5, 0.9)
#: The alternative priors of the sensitivity check.
ALTERNATIVES = ("flip_scale", "half_width", "centred")


def to_prior_units(values, prior) -> np.ndarray:
    """Values in the prior's own units: log10 for a log-scale prior, else unchanged."""
    x = np.asarray(values, dtype=float)
    return np.log10(x) if prior.scale == "log" else x


def prior_bounds(prior) -> tuple[float, float]:
    """The prior's box in its own units."""
    lo, hi = to_prior_units([prior.low, prior.high], prior)
    return float(lo), float(hi)


def prior_variance(prior) -> float:
    """Variance of the uniform prior in its own units: (high - low)^2 / 12."""
    lo, hi = prior_bounds(prior)
    return (hi - lo) ** 2 / 12.0


def narrow(prior, bounds: Mapping[str, Sequence[float]] | None):
    """The prior restricted to ``bounds[name]`` = [low, high] (in the parameter's units), as
    a calibration's ``bounds`` narrows it; a bound outside the prior is refused."""
    from dataclasses import replace

    if not bounds or prior.name not in bounds:
        return prior
    low, high = (float(v) for v in bounds[prior.name])
    if not prior.low <= low < high <= prior.high:
        raise ValueError(
            f"bounds of {prior.name}: [{low}, {high}] is not inside the prior [{prior.low}, "
            f"{prior.high}]"
        )
    return replace(prior, low=low, high=high)


def ess(weights) -> float:
    """Kish's effective sample size, (sum w)^2 / sum w^2."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / np.sum(w**2)) if np.sum(w**2) > 0 else 0.0


def weighted_summary(x, weights=None, levels: Iterable[float] = LEVELS) -> dict[str, float]:
    """Mean, sd, median and the central intervals (``lo50``, ``hi50``, ``lo90``, ...) of a
    weighted sample."""
    x = np.asarray(x, dtype=float)
    w = np.full(x.size, 1.0 / x.size) if weights is None else np.asarray(weights, float)
    w = w / w.sum()
    mean = float(np.sum(w * x))
    out = {
        "mean": mean,
        "sd": float(math.sqrt(max(np.sum(w * (x - mean) ** 2), 0.0))),
        "median": float(quantile(x, 0.5, w)[0]),
    }
    for level in levels:
        lo, hi = quantile(x, [(1 - level) / 2, (1 + level) / 2], w)
        tag = f"{round(100 * level)}"
        out[f"lo{tag}"], out[f"hi{tag}"] = float(lo), float(hi)
    return out


def recover_one(true: float, samples, weights, prior, levels=LEVELS) -> dict[str, float]:
    """One parameter of one synthetic data set: the posterior's summary (prior units), the
    coverage of the true value at each level, the contraction and the z-score."""
    x = to_prior_units(samples, prior)
    t = float(to_prior_units(true, prior))
    s = weighted_summary(x, weights, levels)
    row = {"true": t, **s}
    for level in levels:
        tag = f"{round(100 * level)}"
        row[f"in{tag}"] = bool(s[f"lo{tag}"] <= t <= s[f"hi{tag}"])
    row["contraction"] = 1.0 - s["sd"] ** 2 / prior_variance(prior)
    row["z"] = (s["mean"] - t) / s["sd"] if s["sd"] > 0 else math.copysign(math.inf, s["mean"] - t)
    return row


def recovery_table(
    truths: pd.DataFrame,
    posteriors: Mapping[object, tuple[pd.DataFrame, np.ndarray]],
    priors: Sequence,
    levels=LEVELS,
) -> pd.DataFrame:
    """One row per (data set, estimated parameter). ``truths`` has a ``dataset`` column and
    one column per parameter; ``posteriors[dataset]`` = (particles DataFrame, weights);
    ``priors`` the (narrowed) priors of the estimated parameters. Values in prior units
    (log10 for a log-scale prior: column ``units``)."""
    rows = []
    for _, t in truths.iterrows():
        ds = t["dataset"]
        if ds not in posteriors:
            continue
        params, weights = posteriors[ds]
        for prior in priors:
            r = recover_one(
                float(t[prior.name]), params[prior.name].to_numpy(float), weights, prior
            )
            rows.append(
                {
                    "dataset": ds,
                    "parameter": prior.name,
                    "units": "log10" if prior.scale == "log" else "linear",
                    "prior_low": prior_bounds(prior)[0],
                    "prior_high": prior_bounds(prior)[1],
                    **r,
                    "ess": ess(weights),
                }
            )
    return pd.DataFrame(rows)


def recovery_summary(table: pd.DataFrame, levels=LEVELS) -> pd.DataFrame:
    """Per parameter over the data sets: how often each interval held the truth, the mean
    contraction (and its range) and the z-scores' mean and RMS (1 for a calibrated
    posterior). ``expected`` coverage is the level; with K data sets a single miss moves
    the share by 1/K."""
    if table.empty:
        return pd.DataFrame()
    agg = {
        "datasets": ("dataset", "nunique"),
        **{f"coverage{round(100 * lv)}": (f"in{round(100 * lv)}", "mean") for lv in levels},
        "contraction": ("contraction", "mean"),
        "contraction_min": ("contraction", "min"),
        "contraction_max": ("contraction", "max"),
        "z_mean": ("z", "mean"),
        "z_rms": ("z", lambda z: float(np.sqrt(np.mean(np.square(z))))),
    }
    out = table.groupby("parameter", sort=False).agg(**agg).reset_index()
    return out


# ------------------------------------------------------------------------ prior sensitivity
def log_prior_ratio(params: pd.DataFrame, priors: Sequence, alternative: str) -> np.ndarray:
    """log p_alt(theta) - log p(theta) (up to a constant) per particle, summed over the
    estimated parameters; p is uniform in each prior's units on its (narrowed) box and
    p_alt the ``alternative`` (module docstring). A parameter the alternative cannot
    change (``flip_scale`` of a linear prior reaching 0) contributes 0."""
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative {alternative!r}: one of {', '.join(ALTERNATIVES)}")
    total = np.zeros(len(params))
    for prior in priors:
        theta = params[prior.name].to_numpy(float)
        lo, hi = prior_bounds(prior)
        z = to_prior_units(theta, prior)
        if alternative == "flip_scale":
            if prior.scale == "log":  # uniform in theta: density in z ~ 10^z
                total += z * math.log(10.0)
            elif prior.low > 0:  # log-uniform in theta: density ~ 1 / theta
                total -= np.log(theta)
        elif alternative == "half_width":
            c, h = 0.5 * (lo + hi), 0.25 * (hi - lo)
            total += np.where(np.abs(z - c) <= h, 0.0, -np.inf)
        else:  # centred: Beta(2, 2) on the box, density ~ u (1 - u)
            u = np.clip((z - lo) / (hi - lo), 0.0, 1.0)
            with np.errstate(divide="ignore"):
                total += np.log(u) + np.log1p(-u)
    return total


def reweight(weights, log_ratio) -> np.ndarray:
    """Weights times exp(log_ratio), normalised (all-zero if no particle survives)."""
    w = np.asarray(weights, dtype=float)
    lr = np.asarray(log_ratio, dtype=float)
    if not np.any(np.isfinite(lr) & (w > 0)):
        return np.zeros_like(w)
    a = np.where(np.isfinite(lr), lr - np.max(lr[np.isfinite(lr)]), -np.inf)
    out = w * np.exp(a)
    return out / out.sum()


def sensitivity_table(
    params: pd.DataFrame,
    weights,
    priors: Sequence,
    alternatives: Iterable[str] = ALTERNATIVES,
) -> pd.DataFrame:
    """Per (prior, parameter): the posterior's mean, median and 90 % interval (prior units)
    under the prior used ("base") and each alternative, the shift of the mean in base
    posterior sds, the width of the 90 % interval relative to the base one, and the ESS
    left after reweighting (the base row holds the posterior's own ESS)."""
    w0 = np.asarray(weights, dtype=float)
    w0 = w0 / w0.sum()
    rows = []
    base = {}
    for name, w in [("base", w0)] + [
        (alt, reweight(w0, log_prior_ratio(params, priors, alt))) for alt in alternatives
    ]:
        n_eff = ess(w)
        for prior in priors:
            x = to_prior_units(params[prior.name].to_numpy(float), prior)
            if w.sum() == 0:
                s = {k: math.nan for k in ("mean", "sd", "median", "lo90", "hi90")}
            else:
                s = weighted_summary(x, w, (0.9,))
            if name == "base":
                base[prior.name] = s
            b = base[prior.name]
            rows.append(
                {
                    "prior": name,
                    "parameter": prior.name,
                    "units": "log10" if prior.scale == "log" else "linear",
                    "mean": s["mean"],
                    "median": s["median"],
                    "lo90": s["lo90"],
                    "hi90": s["hi90"],
                    "shift_sd": (s["mean"] - b["mean"]) / b["sd"] if b["sd"] > 0 else math.nan,
                    "width_ratio": (s["hi90"] - s["lo90"]) / (b["hi90"] - b["lo90"])
                    if b["hi90"] > b["lo90"]
                    else math.nan,
                    "ess": n_eff,
                }
            )
    return pd.DataFrame(rows)
