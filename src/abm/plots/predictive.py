"""Figures of predictive checks: run bands over time beside dated observations, and each
observation's observed range beside the spread the runs can produce."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from abm.plots import style


@dataclass(frozen=True)
class Band:
    """Quantiles of many runs' series over ``x`` (dates or steps)."""

    label: str
    x: Sequence
    low: Sequence[float]
    median: Sequence[float]
    high: Sequence[float]
    color: str = "#4C72B0"


@dataclass(frozen=True)
class Point:
    """One observation: a value with its range at ``x`` (``high`` = inf for a floor)."""

    x: object
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Panel:
    title: str
    ylabel: str
    bands: Sequence[Band]
    observed: Sequence[Point] = field(default_factory=tuple)
    observed_label: str = "observed (range)"
    log: bool = False
    #: Vertical marks (x, label), e.g. the end of a fit period.
    marks: Sequence[tuple[object, str]] = field(default_factory=tuple)


def band_panels(panels: Sequence[Panel], path_stem: str, suptitle: str = "") -> list[str]:
    """One panel per quantity, stacked: each band as a shaded interval around its median,
    the observations as points with their ranges (an upward arrow marks a floor)."""
    style.apply()
    fig, axes = plt.subplots(len(panels), 1, figsize=(7.0, 2.3 * len(panels) + 0.4), squeeze=False)
    for ax, panel in zip(axes[:, 0], panels, strict=True):
        for band in panel.bands:
            ax.fill_between(band.x, band.low, band.high, color=band.color, alpha=0.22, lw=0)
            ax.plot(band.x, band.median, color=band.color, lw=1.2, label=band.label)
        _observed(ax, panel)
        for x, label in panel.marks:
            ax.axvline(x, color="grey", lw=0.9, ls="--")
            ax.annotate(
                label,
                (x, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(3, -3),
                textcoords="offset points",
                va="top",
                fontsize=7,
                color="grey",
            )
        ax.set_title(panel.title, loc="left")
        ax.set_ylabel(panel.ylabel)
        if panel.log:  # zeros (no protest that week) fall below the axis
            ax.set_yscale("log", nonpositive="clip")
            ax.set_ylim(bottom=1.0)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    if suptitle:
        fig.suptitle(suptitle, x=0.01, ha="left", fontsize=9)
    fig.tight_layout()
    return style.save(fig, path_stem)


def _observed(ax, panel: Panel) -> None:
    if not panel.observed:
        return
    for i, p in enumerate(panel.observed):
        label = panel.observed_label if i == 0 else None
        if math.isinf(p.high):
            ax.annotate(
                "",
                xy=(p.x, p.low * 1.6 if p.low > 0 else 1.0),
                xytext=(p.x, p.low),
                arrowprops={"arrowstyle": "->", "color": "black", "lw": 1.0},
            )
            ax.plot([p.x], [p.low], marker="_", color="black", ms=8, mew=1.5, label=label)
        else:
            ax.errorbar(
                [p.x],
                [p.value],
                yerr=[[p.value - p.low], [p.high - p.value]],
                fmt="o",
                color="black",
                ms=3,
                capsize=2,
                lw=1.0,
                label=label,
            )


def coverage_chart(
    summary: pd.DataFrame,
    labels: Mapping[str, str],
    path_stem: str,
    band_label: str = "runs' 90 % band",
    colors: Mapping[str, str] | None = None,
) -> list[str]:
    """Each numeric observation on its own row, as a ratio to the observed value (log x):
    the observed range in black, the runs' observable band in the period's colour, its
    median as a dot. Rows whose observed value is 0 (facts such as 'no mutiny') are left
    to a table: a ratio cannot show them.

    ``summary`` is ``abm.analysis.predictive.summarise``'s table; ``labels`` maps its key to
    the row's label."""
    style.apply()
    colors = dict(colors or {"fit": "#3A6FB0", "holdout": "#DD8452"})
    rows = summary[(summary["observed"] > 0) & summary["runs"].gt(0)].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7.0, 0.28 * len(rows) + 1.2))
    y = np.arange(len(rows))[::-1]
    for yi, (_, r) in zip(y, rows.iterrows(), strict=True):
        obs = r["observed"]
        hi = r["observed_high"] if math.isfinite(r["observed_high"]) else 1e3 * obs
        ax.plot([r["observed_low"] / obs, hi / obs], [yi + 0.15] * 2, color="black", lw=2.2)
        c = colors.get(r["period"], "#4C72B0")
        lo_b, hi_b = max(r["band_low"] / obs, 1e-4), max(r["band_high"] / obs, 1e-4)
        ax.plot([lo_b, hi_b], [yi - 0.15] * 2, color=c, lw=4, alpha=0.6, solid_capstyle="butt")
        ax.plot([max(r["median"] / obs, 1e-4)], [yi - 0.15], "o", color=c, ms=3)
    ax.set_yticks(y, [labels.get(k, k) for k in rows["key"]])
    ax.set_xscale("log")
    ax.set_xlim(1e-3, 1e3)
    ax.axvline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("value / observed value (log scale; a floor runs off to the right)")
    handles = [
        plt.Line2D([], [], color="black", lw=2.2, label="observed range"),
        *(
            plt.Line2D([], [], color=c, lw=4, alpha=0.6, label=f"{band_label}, {period}")
            for period, c in colors.items()
            if period in set(rows["period"])
        ),
    ]
    ax.legend(handles=handles, loc="lower right", frameon=False)
    fig.tight_layout()
    return style.save(fig, path_stem)
