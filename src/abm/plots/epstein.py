"""Figures of the civil-violence engine: one run, and a preset across seeds and rules."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from abm.plots import style

STATES = ("active", "jailed", "quiet")


def _drivers(ax, steps, legitimacy, cops_share) -> None:
    """Legitimacy and police density on a right-hand axis when either changes over time."""
    varying = [
        (name, vals, ls)
        for name, vals, ls in (
            ("legitimacy L", legitimacy, "--"),
            ("police density", cops_share, ":"),
        )
        if vals is not None and np.ptp(vals) > 0
    ]
    if not varying:
        return
    ax2 = ax.twinx()
    for name, vals, ls in varying:
        ax2.plot(steps, vals, color="k", ls=ls, lw=0.9, label=name)
    ax2.set_ylabel(" / ".join(n for n, _, _ in varying) + " (black)")
    top = max(float(np.max(v)) for _, v, _ in varying)
    ax2.set_ylim(0, 1 if top > 0.1 else 0.1)
    ax2.legend(loc="center right", frameon=False)
    ax2.grid(False)


def series_figure(series: pd.DataFrame, title: str, path_stem: str) -> list[str]:
    """Quiet / active / jailed shares of citizens over one run, with the exogenous drivers."""
    style.apply()
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    total = series[list(STATES)].sum(axis=1).iloc[0]
    for col in STATES:
        ax.plot(series["step"], series[col] / total, label=col, color=style.COLORS[col], lw=1.1)
    ax.set_xlabel("step (one activation of every agent)")
    ax.set_ylabel("share of citizens")
    ax.set_ylim(0, 1)
    ax.set_title(title)
    n_cells = None
    if "cops" in series and "width" in series.attrs:
        n_cells = series.attrs["width"] * series.attrs["height"]
    _drivers(
        ax,
        series["step"],
        series["legitimacy"].to_numpy() if "legitimacy" in series else None,
        series["cops"].to_numpy() / n_cells if n_cells else None,
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=3, frameon=False)
    return style.save(fig, path_stem)


def preset_figure(
    shares: dict[str, dict[str, np.ndarray]],
    drivers: dict[str, np.ndarray],
    title: str,
    path_stem: str,
    band: tuple[float, float] = (0.1, 0.9),
) -> list[str]:
    """One column per arrest rule: share of citizens per state across seeds, with a band.

    ``shares[rule][state]`` is a (seeds, steps + 1) array of shares of citizens;
    ``drivers`` holds the (steps + 1) legitimacy and police-density paths. Top row: all
    three states on a 0-1 scale, median and band. Bottom row: the active share on its own
    scale, because outbursts are small next to the quiet majority; medians hide outbursts
    that come at different times in different seeds, so seed 0 and seed 1 are drawn too.
    """
    style.apply()
    rules = list(shares)
    fig, axes = plt.subplots(
        2,
        len(rules),
        figsize=(3.4 * len(rules), 5.0),
        sharex=True,
        squeeze=False,
        gridspec_kw={"height_ratios": [1.3, 1]},
    )
    lo, hi = band
    top = max(
        max(
            float(np.quantile(shares[r]["active"], hi, axis=0).max()),
            float(shares[r]["active"][:2].max()),
        )
        for r in rules
    )
    top = max(top * 1.1, 0.01)
    for col, rule in enumerate(rules):
        ax, zoom = axes[0][col], axes[1][col]
        by_state = shares[rule]
        n_seeds, n_steps = by_state["active"].shape
        steps = np.arange(n_steps)
        for state in STATES:
            x = by_state[state]
            colour = style.COLORS[state]
            ax.fill_between(
                steps,
                np.quantile(x, lo, axis=0),
                np.quantile(x, hi, axis=0),
                color=colour,
                alpha=0.25,
                lw=0,
            )
            ax.plot(steps, np.median(x, axis=0), color=colour, lw=1.2, label=f"{state} (median)")
        ax.set_title(f"{rule} rule ({n_seeds} seeds)")
        ax.set_ylim(0, 1)
        _drivers(ax, steps, drivers.get("legitimacy"), drivers.get("police_density"))
        act = by_state["active"]
        zoom.fill_between(
            steps,
            np.quantile(act, lo, axis=0),
            np.quantile(act, hi, axis=0),
            color=style.COLORS["active"],
            alpha=0.25,
            lw=0,
            label=f"active, {lo:.0%}-{hi:.0%} band",
        )
        for seed, ls in ((0, "-"), (1, ":")):
            if seed < n_seeds:
                zoom.plot(steps, act[seed], color="k", lw=0.6, ls=ls, label=f"active, seed {seed}")
        zoom.set_ylim(0, top)
        zoom.set_xlabel("step")
    axes[0][0].set_ylabel("share of citizens\n(median and band)")
    axes[1][0].set_ylabel("active share\n(own scale)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    h2, l2 = axes[1][0].get_legend_handles_labels()
    fig.legend(
        handles + h2,
        labels + l2,
        loc="lower center",
        ncols=6,
        frameon=False,
        bbox_to_anchor=(0.5, -0.04),
    )
    fig.suptitle(textwrap.fill(title, 150), fontsize=9)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return style.save(fig, path_stem)
