"""The dashboard's matplotlib figures as plain functions of model state.

Kept free of Solara so the same code is unit-tested and benchmarked directly. Figures are
built on ``matplotlib.figure.Figure`` (not pyplot): the server renders them from worker
threads, and pyplot's global figure registry is neither thread-safe nor needed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from abm.plots.style import COLORS

#: Grid cell categories: code -> (legend label, colour). Codes index the colour map.
EMPTY, QUIET, ACTIVE, POLICE, QUIET_PR, ACTIVE_PR = range(6)
CATEGORIES = {
    EMPTY: ("empty", "#FFFFFF"),
    QUIET: ("quiet", COLORS["quiet"]),
    ACTIVE: ("active", COLORS["active"]),
    POLICE: ("police", COLORS["police"]),
    QUIET_PR: ("quiet, pro-Russian", "#9FB4D9"),
    ACTIVE_PR: ("active, pro-Russian", "#E8A33D"),
}
WITH_ORIENTATION = {
    QUIET: "quiet, pro-Western",
    ACTIVE: "active, pro-Western",
}


def grid_codes(
    grid: np.ndarray,
    active: np.ndarray,
    n_citizens: int,
    height: int,
    width: int,
    pro_russian: np.ndarray | None = None,
) -> np.ndarray:
    """(height, width) category codes from the engine's flat cell -> agent map.

    ``grid[c]`` is -1 for an empty cell, a citizen index below ``n_citizens`` or a police
    index from ``n_citizens`` on; jailed citizens are off the grid. ``pro_russian`` (bool
    per citizen) splits citizens by orientation.
    """
    codes = np.full(grid.shape, EMPTY, dtype=np.int8)
    occupied = grid >= 0
    who = grid[occupied]
    is_cop = who >= n_citizens
    cit = np.where(is_cop, 0, who)
    act = active[cit] == 1
    cat = np.where(act, ACTIVE, QUIET)
    if pro_russian is not None:
        pr = pro_russian[cit]
        cat = np.where(pr & act, ACTIVE_PR, np.where(pr, QUIET_PR, cat))
    codes[occupied] = np.where(is_cop, POLICE, cat)
    return codes.reshape(height, width)


def region_boundaries(cell_region: np.ndarray) -> np.ndarray:
    """Line segments (n, 2, 2) in image coordinates between cells of different regions."""
    r = cell_region
    segs = []
    ys, xs = np.nonzero(r[:, 1:] != r[:, :-1])  # vertical edges right of column x
    if ys.size:
        x = xs + 0.5
        segs.append(np.stack([np.stack([x, ys - 0.5], 1), np.stack([x, ys + 0.5], 1)], 1))
    ys, xs = np.nonzero(r[1:, :] != r[:-1, :])  # horizontal edges below row y
    if ys.size:
        y = ys + 0.5
        segs.append(np.stack([np.stack([xs - 0.5, y], 1), np.stack([xs + 0.5, y], 1)], 1))
    return np.concatenate(segs) if segs else np.zeros((0, 2, 2))


def grid_figure(
    codes: np.ndarray,
    title: str,
    *,
    cell_region: np.ndarray | None = None,
    capital_region: int | None = None,
    region_names: Sequence[str] | None = None,
    size: float = 4.6,
) -> Figure:
    """The citizen grid: one pixel per cell, region borders, the capital outlined."""
    orientation = bool(np.isin(codes, (QUIET_PR, ACTIVE_PR)).any()) or capital_region is not None
    fig = Figure(figsize=(size, size * 1.08), layout="constrained")
    ax = fig.add_subplot()
    colours = [CATEGORIES[c][1] for c in sorted(CATEGORIES)]
    ax.imshow(
        codes,
        cmap=ListedColormap(colours),
        vmin=-0.5,
        vmax=len(colours) - 0.5,
        interpolation="nearest",
    )
    if cell_region is not None:
        segs = region_boundaries(cell_region)
        ax.add_collection(LineCollection(segs, colors="#555555", linewidths=0.6))
        if capital_region is not None:
            cap = cell_region == capital_region
            edge = np.where(cell_region == capital_region, 1, 0)
            ax.add_collection(
                LineCollection(region_boundaries(edge), colors="#000000", linewidths=1.8)
            )
            ys, xs = np.nonzero(cap)
            label = region_names[capital_region] if region_names else "capital"
            ax.annotate(
                label,
                (xs.mean(), ys.min() - 0.5),
                ha="center",
                va="bottom",
                fontsize=8,
                fontweight="bold",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=9)
    present = [c for c in sorted(CATEGORIES) if c != EMPTY]
    if not orientation:
        present = [QUIET, ACTIVE, POLICE]
    names = {c: CATEGORIES[c][0] for c in present}
    if orientation:
        names.update(WITH_ORIENTATION)
    handles = [Patch(facecolor=CATEGORIES[c][1], label=names[c]) for c in present]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=7, frameon=False)
    return fig


@dataclass(frozen=True)
class Line:
    """One series on a time plot: a DataCollector column, its legend label and style."""

    column: str
    label: str
    color: str
    style: str = "-"


def series_figure(
    df: pd.DataFrame,
    lines: Sequence[Line],
    title: str,
    ylabel: str,
    *,
    xlabel: str = "week",
    ylim: tuple[float, float] | None = None,
    horizon: int | None = None,
    size: tuple[float, float] = (4.6, 2.6),
) -> Figure:
    """Per-step series against the step, x axis fixed to the horizon so runs compare."""
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    steps = df.index.to_numpy() if "step" not in df else df["step"].to_numpy()
    for line in lines:
        if line.column in df:
            ax.plot(
                steps,
                df[line.column].to_numpy(),
                line.style,
                color=line.color,
                label=line.label,
                lw=1.4,
            )
    if horizon:
        ax.set_xlim(0, max(horizon, int(steps.max()) if steps.size else 0))
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    return fig
