"""Figures of an estimation (issue 13): prior vs posterior marginals and pairs, parameter
recovery and contraction, posterior predictive vs observed, held-out scores, prior
sensitivity.

Every function takes plain tables (particles and weights, the tables of
``abm.calibration.recovery`` and ``abm.calibration.scoring``) and priors (anything with
``name``, ``low``, ``high``, ``scale``), writes PNG + SVG through ``style.save`` and returns
the paths. Parameters are shown in their prior's units: log10 of the value for a log-scale
prior (the axis says so), so that a flat prior is a flat band.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from abm.plots import style

#: Colours of the checks and of the prior.
COLOURS = {
    "posterior": "#3A6FB0",
    "prior": "#8C8C8C",
    "observed": "#000000",
    "miss": "#C44E52",
    "hit": "#3A6FB0",
    "crps": "#3A6FB0",
    "brier": "#DD8452",
}
#: Line styles/colours of the prior-sensitivity alternatives.
ALT_COLOURS = {
    "base": "#000000",
    "flip_scale": "#DD8452",
    "half_width": "#55A868",
    "centred": "#8172B3",
}


def _units(prior) -> tuple[float, float]:
    lo, hi = prior.low, prior.high
    return (math.log10(lo), math.log10(hi)) if prior.scale == "log" else (lo, hi)


def _values(x, prior) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return np.log10(x) if prior.scale == "log" else x


def axis_label(prior, units: Mapping[str, str] | None = None) -> str:
    """``name [unit]``, or ``log10 name [unit]`` for a log-scale prior."""
    unit = (units or {}).get(prior.name, "")
    tail = f" ({unit})" if unit else ""
    return f"log10 {prior.name}{tail}" if prior.scale == "log" else f"{prior.name}{tail}"


def _grid(n: int, ncols: int = 4, size: tuple[float, float] = (2.0, 1.8)):
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size[0] * ncols + 0.6, size[1] * nrows + 0.8), squeeze=False
    )
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat[:n]


def _wq(x: np.ndarray, w: np.ndarray, q: Sequence[float]) -> np.ndarray:
    order = np.argsort(x)
    cw = np.cumsum(w[order]) / w.sum()
    return x[order][np.clip(np.searchsorted(cw, np.asarray(q) - 1e-12), 0, x.size - 1)]


def marginals(
    particles: pd.DataFrame,
    weights,
    priors: Sequence,
    path_stem: str,
    units: Mapping[str, str] | None = None,
    truths: Mapping[str, float] | None = None,
    title: str = "",
    bins: int = 20,
) -> list[str]:
    """Per estimated parameter: the posterior's weighted histogram (density) over the prior's
    box, the (narrowed) uniform prior as a flat grey band, the posterior median and its 90 %
    credible interval as a bar under the histogram, and a true value if given (recovery)."""
    style.apply()
    w = np.asarray(weights, dtype=float)
    fig, axes = _grid(len(priors))
    for ax, prior in zip(axes, priors, strict=True):
        lo, hi = _units(prior)
        x = _values(particles[prior.name], prior)
        ax.fill_between([lo, hi], 0, 1 / (hi - lo), color=COLOURS["prior"], alpha=0.25, lw=0)
        ax.hist(
            x,
            bins=np.linspace(lo, hi, bins + 1),
            weights=w,
            density=True,
            color=COLOURS["posterior"],
            alpha=0.75,
        )
        q05, q50, q95 = _wq(x, w, [0.05, 0.5, 0.95])
        top = ax.get_ylim()[1]
        ax.plot([q05, q95], [-0.04 * top] * 2, color=COLOURS["posterior"], lw=3, clip_on=False)
        ax.plot([q50], [-0.04 * top], "o", color="white", mec=COLOURS["posterior"], ms=4)
        if truths and prior.name in truths:
            ax.axvline(float(_values(truths[prior.name], prior)), color=COLOURS["miss"], lw=1.2)
        ax.set_xlim(lo, hi)
        ax.set_ylim(-0.08 * top, top)
        ax.set_xlabel(axis_label(prior, units))
        ax.set_ylabel("density")
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=COLOURS["prior"], alpha=0.25, label="prior (uniform)"),
        plt.Rectangle((0, 0), 1, 1, color=COLOURS["posterior"], alpha=0.75, label="posterior"),
        plt.Line2D([], [], color=COLOURS["posterior"], lw=3, label="90 % credible interval"),
    ]
    if truths:
        handles.append(plt.Line2D([], [], color=COLOURS["miss"], lw=1.2, label="true value"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False)
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontsize=9)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return style.save(fig, path_stem)


def pairs(
    particles: pd.DataFrame,
    weights,
    priors: Sequence,
    path_stem: str,
    units: Mapping[str, str] | None = None,
    title: str = "",
) -> list[str]:
    """The posterior's pairs: weighted histograms (densities) on the diagonal over the flat
    prior band, particles below it (area proportional to weight), each axis spanning the
    parameter's prior box."""
    style.apply()
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    n = len(priors)
    fig, axes = plt.subplots(n, n, figsize=(1.55 * n + 0.8, 1.55 * n + 0.6), squeeze=False)
    sizes = 4 + 60 * w / w.max()
    for i, pi in enumerate(priors):
        xi = _values(particles[pi.name], pi)
        for j, pj in enumerate(priors):
            ax = axes[i, j]
            if j > i:
                ax.set_visible(False)
                continue
            if i == j:
                lo, hi = _units(pi)
                ax.fill_between(
                    [lo, hi], 0, 1 / (hi - lo), color=COLOURS["prior"], alpha=0.25, lw=0
                )
                ax.hist(
                    xi,
                    bins=np.linspace(lo, hi, 16),
                    weights=w,
                    density=True,
                    color=COLOURS["posterior"],
                    alpha=0.75,
                )
                ax.set_xlim(lo, hi)
                ax.set_yticks([])
            else:
                xj = _values(particles[pj.name], pj)
                ax.scatter(xj, xi, s=sizes, color=COLOURS["posterior"], alpha=0.35, lw=0)
                ax.set_xlim(*_units(pj))
                ax.set_ylim(*_units(pi))
            if i == n - 1:
                ax.set_xlabel(axis_label(pj, units), fontsize=7)
            else:
                ax.set_xticklabels([])
            if j == 0 and i > 0:
                ax.set_ylabel(axis_label(pi, units), fontsize=7)
            elif j > 0:
                ax.set_yticklabels([])
            ax.tick_params(labelsize=6)
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontsize=9)
    fig.tight_layout()
    return style.save(fig, path_stem)


def recovery(table: pd.DataFrame, path_stem: str, units: Mapping[str, str] | None = None):
    """One panel per parameter: each synthetic data set's true value (x) against its
    posterior median (y) with the 90 % credible interval, blue when the interval holds the
    truth and red when it misses; the diagonal is perfect recovery; axes span the prior box
    (``recovery.recovery_table``'s columns, prior units)."""
    style.apply()
    params = list(dict.fromkeys(table["parameter"]))
    fig, axes = _grid(len(params), size=(2.1, 2.0))
    for ax, name in zip(axes, params, strict=True):
        t = table[table["parameter"] == name]
        lo, hi = float(t["prior_low"].iloc[0]), float(t["prior_high"].iloc[0])
        ax.plot([lo, hi], [lo, hi], color="grey", lw=0.8, ls=":")
        for _, r in t.iterrows():
            c = COLOURS["hit"] if r["in90"] else COLOURS["miss"]
            ax.errorbar(
                [r["true"]],
                [r["median"]],
                yerr=[[r["median"] - r["lo90"]], [r["hi90"] - r["median"]]],
                fmt="o",
                color=c,
                ms=3.5,
                capsize=2,
                lw=1.0,
            )
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        log = t["units"].iloc[0] == "log10"
        unit = (units or {}).get(name, "")
        label = ("log10 " if log else "") + name + (f" ({unit})" if unit else "")
        ax.set_xlabel(f"true {label}", fontsize=7)
        ax.set_ylabel("posterior median, 90 % CI", fontsize=7)
        k, hits = len(t), int(t["in90"].sum())
        ax.set_title(f"{name}: {hits}/{k} covered", fontsize=8, loc="left")
    handles = [
        plt.Line2D([], [], color=COLOURS["hit"], marker="o", label="90 % interval holds the truth"),
        plt.Line2D([], [], color=COLOURS["miss"], marker="o", label="misses"),
        plt.Line2D([], [], color="grey", ls=":", label="perfect recovery"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=3, frameon=False)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return style.save(fig, path_stem)


def contraction(table: pd.DataFrame, path_stem: str) -> list[str]:
    """Per parameter, the contraction 1 - var_post / var_prior of each synthetic data set
    (dots) and their mean (bar): 0 = the data taught nothing, 1 = the parameter pinned; the
    share of 90 % intervals holding the truth is written beside each bar."""
    style.apply()
    params = list(dict.fromkeys(table["parameter"]))
    fig, ax = plt.subplots(figsize=(6.0, 0.38 * len(params) + 1.0))
    y = np.arange(len(params))[::-1]
    for yi, name in zip(y, params, strict=True):
        t = table[table["parameter"] == name]
        c = t["contraction"].to_numpy(float)
        ax.barh(yi, np.mean(c), color=COLOURS["posterior"], alpha=0.6, height=0.6)
        ax.plot(c, np.full(c.size, yi), "o", color="black", ms=3)
        ax.annotate(
            f"90 % CI covers {int(t['in90'].sum())}/{len(t)}",
            (1.02, yi),
            xycoords=("axes fraction", "data"),
            va="center",
            fontsize=7,
        )
    ax.set_yticks(y, params)
    ax.set_xlim(min(-0.1, float(np.nanmin(table["contraction"])) - 0.05), 1.0)
    ax.axvline(0.0, color="grey", lw=0.8)
    ax.set_xlabel("contraction 1 - var(posterior) / var(prior)  (prior units)")
    fig.tight_layout()
    return style.save(fig, path_stem)


def predictive(
    table: pd.DataFrame,
    path_stem: str,
    title: str = "",
    checks: Sequence[str] = ("prior", "posterior"),
) -> list[str]:
    """Predictive checks per statistic: on the left each numeric observation's reported range
    (black; a floor runs off to the right) beside each check's 90 % predictive interval of
    what the observer would report, both as a ratio to the observed value on a log axis;
    on the right each 0/1 fact's predictive probability of what happened.

    ``table``: long form, one row per (check, key) with ``label``, ``kind`` (exact, floor,
    range), ``observed``, ``observed_low``, ``observed_high``, ``pi_low``, ``median``,
    ``pi_high``, ``p_event``, ``covered``."""
    style.apply()
    keys = list(dict.fromkeys(table["key"]))
    first = table.drop_duplicates("key").set_index("key")
    numeric = [k for k in keys if first.loc[k, "kind"] != "exact" and first.loc[k, "observed"] > 0]
    facts = [k for k in keys if first.loc[k, "kind"] == "exact"]
    n = max(len(numeric), len(facts), 1)
    fig, (ax, bx) = plt.subplots(
        1,
        2,
        figsize=(10.0, 0.3 * n + 1.5),
        gridspec_kw={"width_ratios": (3, 1.3)},
        squeeze=True,
        layout="constrained",
    )
    offsets = np.linspace(-0.2, 0.2, len(checks) + 1)
    y = np.arange(len(numeric))[::-1]
    for yi, key in zip(y, numeric, strict=True):
        o = first.loc[key]
        obs = o["observed"]
        hi = o["observed_high"] / obs if math.isfinite(o["observed_high"]) else 1e3
        ax.plot([o["observed_low"] / obs, hi], [yi + offsets[0]] * 2, color="black", lw=2.2)
        if o["observed_high"] == o["observed_low"]:  # a point: a line of no length
            ax.plot([1.0], [yi + offsets[0]], "D", color="black", ms=3)
        for off, check in zip(offsets[1:], checks, strict=True):
            r = table[(table["key"] == key) & (table["check"] == check)]
            if r.empty or not np.isfinite(r["pi_high"].iloc[0]):
                continue
            r = r.iloc[0]
            c = COLOURS.get(check, "#4C72B0")
            lo_b, hi_b = (max(v / obs, 1e-4) for v in (r["pi_low"], r["pi_high"]))
            ax.plot([lo_b, min(hi_b, 1e4)], [yi + off] * 2, color=c, lw=3.5, alpha=0.7)
            ax.plot([max(r["median"] / obs, 1e-4)], [yi + off], "o", color=c, ms=2.5)
    ax.set_yticks(y, [first.loc[k, "label"] for k in numeric], fontsize=7)
    ax.set_xscale("log")
    ax.set_xlim(1e-3, 1e3)
    ax.axvline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("reported / observed (log scale)")
    handles = [
        plt.Line2D([], [], color="black", lw=2.2, marker="D", ms=3, label="observed (range, floor)")
    ] + [
        plt.Line2D(
            [],
            [],
            color=COLOURS.get(c, "#4C72B0"),
            lw=3.5,
            alpha=0.7,
            label=f"{c} predictive: 90 % interval, median",
        )
        for c in checks
    ]
    fig.legend(
        handles=handles, loc="outside lower left", ncol=len(handles), frameon=False, fontsize=7
    )
    yf = np.arange(len(facts))[::-1]
    width = 0.8 / max(len(checks), 1)
    for i, check in enumerate(checks):
        ps = [
            float(table[(table["key"] == k) & (table["check"] == check)]["p_event"].iloc[0])
            if not table[(table["key"] == k) & (table["check"] == check)].empty
            else math.nan
            for k in facts
        ]
        bx.barh(
            yf + (i - (len(checks) - 1) / 2) * width,
            ps,
            height=width,
            color=COLOURS.get(check, "#4C72B0"),
            alpha=0.7,
            label=check,
        )
    bx.set_yticks(yf, [first.loc[k, "label"] for k in facts], fontsize=7)
    bx.yaxis.tick_right()
    bx.set_xlim(0, 1)
    bx.set_xlabel("P(what happened)")
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontsize=9)
    return style.save(fig, path_stem)


def scores(table: pd.DataFrame, path_stem: str, title: str = "") -> list[str]:
    """Skill of the posterior predictive against the prior predictive per statistic,
    ``1 - score / score_prior`` (CRPS on the log scale for counts and ranges, Brier for
    0/1 facts and floors); right of 0 the fit helped. Bars beyond -2 are drawn to -2 with
    their value written. Beside each bar: whether each check's 90 % interval covered it.

    ``table``: one row per key with ``label``, ``score_kind``, ``skill``,
    ``covered_posterior``, ``covered_prior``."""
    style.apply()
    t = table.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7.0, 0.3 * len(t) + 1.3))
    y = np.arange(len(t))[::-1]
    for yi, (_, r) in zip(y, t.iterrows(), strict=True):
        kind = "brier" if str(r["score_kind"]).startswith("brier") else "crps"
        s = float(r["skill"]) if np.isfinite(r["skill"]) else -2.0
        ax.barh(yi, max(s, -2.0), color=COLOURS[kind], alpha=0.75, height=0.65)
        if s < -2.0 or not np.isfinite(r["skill"]):
            ax.annotate(
                f"{r['skill']:.1f}",
                (-2.0, yi),
                xytext=(2, 0),
                textcoords="offset points",
                va="center",
                fontsize=6,
            )
        cov = "".join("Y" if bool(r[f"covered_{c}"]) else "n" for c in ("posterior", "prior"))
        ax.annotate(cov, (1.02, yi), xycoords=("axes fraction", "data"), va="center", fontsize=7)
    ax.set_yticks(y, t["label"], fontsize=7)
    ax.set_xlim(-2.0, 1.0)
    ax.axvline(0.0, color="grey", lw=0.8)
    ax.set_xlabel("skill vs prior predictive, 1 - score / score(prior)")
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=COLOURS["crps"], alpha=0.75, label="CRPS (log scale)"),
        plt.Rectangle((0, 0), 1, 1, color=COLOURS["brier"], alpha=0.75, label="Brier"),
    ]
    ax.legend(handles=handles, loc="lower left", frameon=False, fontsize=7)
    ax.set_title(
        (title + "\n" if title else "")
        + "right margin: does the 90 % interval cover the observation? Y/n for (posterior, prior)",
        loc="left",
        fontsize=8,
    )
    fig.tight_layout()
    return style.save(fig, path_stem)


def sensitivity(table: pd.DataFrame, path_stem: str, units: Mapping[str, str] | None = None):
    """Per parameter, the posterior's 90 % credible interval and median under the prior used
    (black) and each alternative prior (colours), from importance reweighting
    (``recovery.sensitivity_table``); the ESS left is in the legend."""
    style.apply()
    params = list(dict.fromkeys(table["parameter"]))
    alts = list(dict.fromkeys(table["prior"]))
    fig, axes = _grid(len(params), ncols=4, size=(2.1, 1.4))
    for ax, name in zip(axes, params, strict=True):
        t = table[table["parameter"] == name]
        for i, alt in enumerate(alts):
            r = t[t["prior"] == alt]
            if r.empty or not np.isfinite(r["lo90"].iloc[0]):
                continue
            r = r.iloc[0]
            c = ALT_COLOURS.get(alt, "#4C72B0")
            ax.plot([r["lo90"], r["hi90"]], [-i, -i], color=c, lw=2.5)
            ax.plot([r["median"]], [-i], "o", color=c, ms=3)
        ax.set_yticks([])
        log = t["units"].iloc[0] == "log10"
        unit = (units or {}).get(name, "")
        ax.set_xlabel(("log10 " if log else "") + name + (f" ({unit})" if unit else ""), fontsize=7)
    ess = table.drop_duplicates("prior").set_index("prior")["ess"]
    handles = [
        plt.Line2D(
            [], [], color=ALT_COLOURS.get(a, "#4C72B0"), lw=2.5, label=f"{a} (ESS {ess[a]:.0f})"
        )
        for a in alts
    ]
    fig.legend(handles=handles, loc="lower center", ncol=len(alts), frameon=False, fontsize=7)
    fig.suptitle("posterior 90 % interval and median under other priors", x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0.08, 1, 0.95))
    return style.save(fig, path_stem)
