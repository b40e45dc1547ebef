"""Figures of global sensitivity: Sobol indices with intervals, Morris mu* against sigma."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from abm.plots import style


def sobol_bars(table: pd.DataFrame, path_stem: str, conf_level: float = 0.95) -> list[str]:
    """One panel per output: first-order (S1) and total (ST) indices per parameter as
    horizontal bars (parameter names stay readable), with bootstrap confidence intervals as
    error bars. ``table`` is ``analysis.sensitivity.sobol``."""
    style.apply()
    table = table.dropna(subset=["ST"])
    outputs = list(dict.fromkeys(table["output"]))
    ncols = min(4, len(outputs))
    nrows = math.ceil(len(outputs) / ncols)
    params = list(dict.fromkeys(table["param"]))
    height = 0.28 * len(params) + 0.9
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(1.9 * ncols + 1.6, height * nrows + 0.6),
        sharey=True,
        sharex=True,
        squeeze=False,
    )
    y = np.arange(len(params))[::-1]
    for k, out in enumerate(outputs):
        ax = axes.flat[k]
        t = table[table["output"] == out].set_index("param").reindex(params)
        ax.barh(y + 0.2, t["S1"], 0.4, xerr=t["S1_conf"], color="#4C72B0", capsize=2, label="S1")
        ax.barh(y - 0.2, t["ST"], 0.4, xerr=t["ST_conf"], color="#C44E52", capsize=2, label="ST")
        ax.axvline(0, color="k", lw=0.6)
        ax.set_yticks(y, params)
        ax.set_title(out.replace("_", " "))
        ax.grid(axis="y", visible=False)
    for ax in axes.flat[len(outputs) :]:
        ax.set_visible(False)
    fig.supxlabel("Sobol index (share of the output's variance)", fontsize=9)
    axes.flat[0].legend(frameon=False, loc="lower right")
    fig.suptitle(
        f"Sobol indices: first order S1 and total ST ({conf_level:.0%} bootstrap intervals)",
        fontsize=9,
    )
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.3 / fig.get_figheight()))
    return style.save(fig, path_stem)


def morris_scatter(table: pd.DataFrame, path_stem: str, conf_level: float = 0.95) -> list[str]:
    """One panel per output: mean absolute elementary effect mu* (with its interval) against
    their spread sigma; a parameter high on sigma acts non-linearly or through interactions."""
    style.apply()
    outputs = list(dict.fromkeys(table["output"]))
    ncols = min(3, len(outputs))
    nrows = math.ceil(len(outputs) / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(2.8 * ncols + 0.4, 2.6 * nrows + 0.5), squeeze=False
    )
    for k, out in enumerate(outputs):
        ax = axes.flat[k]
        t = table[table["output"] == out]
        ax.errorbar(
            t["mu_star"],
            t["sigma"],
            xerr=t["mu_star_conf"],
            fmt="o",
            ms=4,
            color="#4C72B0",
            ecolor="0.6",
            capsize=2,
        )
        for _, r in t.iterrows():
            ax.annotate(
                r["param"],
                (r["mu_star"], r["sigma"]),
                fontsize=7,
                xytext=(3, 3),
                textcoords="offset points",
            )
        reach = (t["mu_star"] + t["mu_star_conf"].fillna(0)).max()
        top = float(np.nanmax([reach, t["sigma"].max(), 1e-9])) * 1.1
        ax.plot([0, top], [0, top], color="0.7", lw=0.6, ls="--")
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_title(out.replace("_", " "))
        ax.set_xlabel("μ* (output change per full range)")
        ax.set_ylabel("σ of elementary effects")
    for ax in axes.flat[len(outputs) :]:
        ax.set_visible(False)
    fig.suptitle(
        f"Morris screening (error bars: {conf_level:.0%} bootstrap interval of μ*; dashed: σ = μ*)",
        fontsize=9,
    )
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.3 / fig.get_figheight()))
    return style.save(fig, path_stem)
