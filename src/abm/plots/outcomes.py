"""Figures of outcome probabilities over the varied parameters, uncertainty always shown."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from abm.plots import style


def probability_lines(
    table: pd.DataFrame,
    param: str,
    xlabel: str,
    outcomes: Sequence[str],
    path_stem: str,
    confidence: float = 0.95,
    colours: Mapping[str, str] | None = None,
) -> list[str]:
    """One panel per outcome: P(outcome) against one parameter with its Wilson band.

    ``table`` is ``analysis.probabilities.outcome_table(..., by=[param])``. Levels holding
    too few runs are drawn as hollow markers. ``colours`` maps an outcome to its declared
    colour.
    """
    fig, axes = _outcome_panels(len(outcomes), (1.9, 1.8, 0.6))
    for i, outcome in enumerate(outcomes):
        ax = axes.flat[i]
        t = table[table["outcome"] == outcome].sort_values(param)
        x = _positions(t[param])
        color = style.color_of(outcome, i, colours)
        ax.fill_between(x, t["low"], t["high"], color=color, alpha=0.25, lw=0, label="interval")
        ax.plot(x, t["p"], color=color, lw=1.2, label="share of runs")
        thin = t["thin"].to_numpy()
        ax.scatter(x[~thin], t["p"][~thin], color=color, s=10, zorder=3)
        ax.scatter(x[thin], t["p"][thin], facecolor="white", edgecolor=color, s=12, zorder=3)
        ax.set_title(outcome.replace("_", " "))
        ax.set_ylim(-0.02, 1.02)
        _categorical_ticks(ax, t[param])
    _label_panels(axes, len(outcomes), xlabel)
    n = int(table.groupby("outcome")["n"].sum().iloc[0])
    fig.suptitle(
        f"Outcome probability by {xlabel} ({n} runs; bands: {confidence:.0%} Wilson intervals; "
        "hollow: fewer than 10 runs)",
        fontsize=9,
    )
    fig.tight_layout()
    return style.save(fig, path_stem)


def probability_heatmap(
    table: pd.DataFrame,
    px: str,
    py: str,
    xlabel: str,
    ylabel: str,
    outcome: str,
    path_stem: str,
    confidence: float = 0.95,
) -> list[str]:
    """P(outcome) over two parameters; each cell shows p and its interval (when the grid is
    small enough to read), cells with too few runs are hatched."""
    style.apply()
    t = table[table["outcome"] == outcome]
    xs = np.sort(t[px].unique())
    ys = np.sort(t[py].unique())
    grid = np.full((len(ys), len(xs)), np.nan)
    low = np.full_like(grid, np.nan)
    high = np.full_like(grid, np.nan)
    thin = np.zeros_like(grid, dtype=bool)
    for _, row in t.iterrows():
        i, j = np.searchsorted(ys, row[py]), np.searchsorted(xs, row[px])
        grid[i, j] = row["p"]
        low[i, j], high[i, j] = row["low"], row["high"]
        thin[i, j] = row["thin"]
    fig, ax = plt.subplots(figsize=(4.6, 3.6))
    mesh = ax.pcolormesh(
        np.arange(len(xs) + 1), np.arange(len(ys) + 1), grid, cmap="magma_r", vmin=0, vmax=1
    )
    ax.grid(False)
    small = len(xs) * len(ys) <= 100
    for i in range(len(ys)):
        for j in range(len(xs)):
            if np.isnan(grid[i, j]):
                continue
            if thin[i, j]:
                ax.add_patch(plt.Rectangle((j, i), 1, 1, fill=False, hatch="////", lw=0, ec="0.5"))
            if small:
                ink = "white" if grid[i, j] > 0.55 else "black"
                ax.text(
                    j + 0.5,
                    i + 0.5,
                    f"{grid[i, j]:.2f}\n{low[i, j]:.2f}-{high[i, j]:.2f}",
                    ha="center",
                    va="center",
                    fontsize=5.5,
                    color=ink,
                )
    ax.set_xticks(np.arange(len(xs)) + 0.5, [_fmt(v) for v in xs], rotation=45, ha="right")
    ax.set_yticks(np.arange(len(ys)) + 0.5, [_fmt(v) for v in ys])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    cbar = fig.colorbar(mesh, ax=ax)
    cbar.set_label(f"P({outcome.replace('_', ' ')})")
    ax.set_title(
        f"{outcome.replace('_', ' ')}: share of runs and {confidence:.0%} Wilson interval\n"
        "(hatched: fewer than 10 runs)",
        fontsize=9,
    )
    fig.tight_layout()
    return style.save(fig, path_stem)


def _outcome_panels(n: int, size: tuple[float, float, float]):
    """A grid of up to four panels a row, one per outcome, sharing both axes; ``size`` is
    (width per panel, height per panel, room for the title), in inches."""
    style.apply()
    ncols = min(4, n)
    nrows = math.ceil(n / ncols)
    w, h, top = size
    return plt.subplots(
        nrows,
        ncols,
        figsize=(w * ncols + 0.6, h * nrows + top),
        sharex=True,
        sharey=True,
        squeeze=False,
    )


def _label_panels(axes, n: int, xlabel: str) -> None:
    """Hide the panels past the ``n`` outcomes; probability on the left, ``xlabel`` below."""
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("probability (share of runs)")
    for ax in axes[-1, :]:
        ax.set_xlabel(xlabel)


def _positions(values: pd.Series) -> np.ndarray:
    """Numeric levels plot at their value; categorical ones at 0, 1, 2..."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=float)
    return np.arange(len(values), dtype=float)


def _categorical_ticks(ax, values: pd.Series) -> None:
    if not (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
        ax.set_xticks(np.arange(len(values)), [str(v) for v in values])


def _fmt(v) -> str:
    return f"{v:.3g}" if isinstance(v, (float, np.floating)) else str(v)


def arm_comparison(
    table: pd.DataFrame,
    group: str,
    arm: str,
    arms: Sequence[str],
    xlabel: str,
    outcomes: Sequence[str],
    path_stem: str,
    title: str = "",
    confidence: float = 0.95,
) -> list[str]:
    """One panel per outcome: P(outcome) in each arm (e.g. trunk and branch, lever off and
    on) side by side at each level of ``group``, with Wilson intervals as error bars.

    ``table`` is a long outcome table (``outcome``, ``p``, ``low``, ``high``, ``n``) with
    columns ``group`` and ``arm``; levels of ``group`` keep their order of appearance.
    """
    fig, axes = _outcome_panels(len(outcomes), (2.1, 1.9, 0.9))
    levels = list(dict.fromkeys(table[group]))
    offsets = np.linspace(-0.15, 0.15, len(arms)) if len(arms) > 1 else np.zeros(1)
    for i, outcome in enumerate(outcomes):
        ax = axes.flat[i]
        t = table[table["outcome"] == outcome]
        for j, a in enumerate(arms):
            rows = t[t[arm] == a].set_index(group).reindex(levels)
            x = np.arange(len(levels)) + offsets[j]
            err = np.vstack([rows["p"] - rows["low"], rows["high"] - rows["p"]])
            ax.errorbar(
                x,
                rows["p"],
                yerr=err,
                fmt="o",
                ms=3.5,
                capsize=2,
                lw=1,
                color=style.color_of(a, j),
                label=str(a),
            )
        ax.set_title(outcome.replace("_", " "))
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlim(-0.5, len(levels) - 0.5)
        ax.set_xticks(np.arange(len(levels)), [str(v) for v in levels])
    _label_panels(axes, len(outcomes), xlabel)
    axes.flat[0].legend(fontsize=7, frameon=False)
    n = int(table["n"].sum() // max(1, len(outcomes)))
    fig.suptitle(
        (title + "\n" if title else "") + f"{n} runs; bars: {confidence:.0%} Wilson intervals",
        fontsize=8,
    )
    fig.tight_layout()
    return style.save(fig, path_stem)
