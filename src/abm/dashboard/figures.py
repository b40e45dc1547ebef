"""The dashboard's matplotlib figures: built once per run, updated in place every week.

Kept free of Solara so the same code is unit-tested and benchmarked directly. Figures are
built on ``matplotlib.figure.Figure`` with their own Agg canvas (not pyplot): the server
renders them from worker threads, and pyplot's global figure registry is neither
thread-safe nor needed here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import StrMethodFormatter
from PIL import Image

from abm.plots.style import COLORS

#: Resolution of the PNGs sent to the browser (a 4.6 in wide figure is 414 px).
DPI = 90

#: Grid cell categories: code -> (legend label, colour). Codes index the colour map.
EMPTY, QUIET, ACTIVE, POLICE, QUIET_PR, ACTIVE_PR = range(6)
CATEGORIES = {
    EMPTY: ("empty", COLORS["empty"]),
    QUIET: ("quiet", COLORS["quiet"]),
    ACTIVE: ("active", COLORS["active"]),
    POLICE: ("police", COLORS["police"]),
    QUIET_PR: ("quiet, pro-Russian", COLORS["quiet_pro_russian"]),
    ACTIVE_PR: ("active, pro-Russian", COLORS["pro_russian"]),
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


class LiveFigure:
    """A figure built once per run and redrawn in place each week.

    Building axes, ticks and legends, solving the constrained layout and drawing text cost
    far more than drawing a few lines, so a view keeps its figure for the whole run. The
    static part (axes, ticks, labels, legend) is drawn once into a background bitmap; each
    week only the ``animated`` artists (lines, the grid image, a changing title) are drawn
    over a copy of it (matplotlib's blitting). Layout and background are redone only when
    an axis' limits change, since tick labels then change too.
    """

    def __init__(self, fig: Figure):
        self.fig = fig
        FigureCanvasAgg(fig)
        self.animated: list = []
        self._background = None
        self._drawn_for: object = None

    def _limits(self) -> object:
        return tuple((ax.get_xlim(), ax.get_ylim()) for ax in self.fig.axes)

    def _draw_background(self, limits: object) -> None:
        canvas = self.fig.canvas
        self.fig.set_layout_engine("constrained")
        canvas.draw()  # solve the layout with every artist in place, then keep it
        self.fig.set_layout_engine("none")
        for artist in self.animated:
            artist.set_visible(False)
        canvas.draw()
        self._background = canvas.copy_from_bbox(self.fig.bbox)
        for artist in self.animated:
            artist.set_visible(True)
        self._drawn_for = limits

    def png(self) -> bytes:
        limits = self._limits()
        if limits != self._drawn_for:
            self._draw_background(limits)
        canvas = self.fig.canvas
        canvas.restore_region(self._background)
        for artist in self.animated:
            (artist.axes or self.fig).draw_artist(artist)
        buf = io.BytesIO()
        Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buf, format="png")
        return buf.getvalue()


class LiveGrid(LiveFigure):
    """The citizen grid: one pixel per cell, region borders, the capital outlined."""

    def __init__(
        self,
        codes: np.ndarray,
        title: str,
        *,
        orientation: bool = False,
        cell_region: np.ndarray | None = None,
        capital_region: int | None = None,
        capital_name: str = "capital",
        size: float = 4.6,
    ):
        super().__init__(Figure(figsize=(size, size * 1.08), dpi=DPI))
        ax = self.fig.add_subplot()
        colours = [CATEGORIES[c][1] for c in sorted(CATEGORIES)]
        self.image = ax.imshow(
            codes,
            cmap=ListedColormap(colours),
            vmin=-0.5,
            vmax=len(colours) - 0.5,
            interpolation="nearest",
        )
        # Borders and the capital's name lie over the image, so they are redrawn after it.
        overlays = []
        if cell_region is not None:
            segs = region_boundaries(cell_region)
            overlays.append(
                ax.add_collection(LineCollection(segs, colors="#555555", linewidths=0.6))
            )
        if cell_region is not None and capital_region is not None:
            cap = cell_region == capital_region
            edge = LineCollection(region_boundaries(cap.astype(int)), colors="#000", linewidths=1.8)
            overlays.append(ax.add_collection(edge))
            ys, xs = np.nonzero(cap)
            label = ax.annotate(
                capital_name,
                (xs.mean(), ys.min() - 0.5),
                ha="center",
                va="top",
                fontsize=8,
                fontweight="bold",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            )
            overlays.append(label)
        ax.set_xticks([])
        ax.set_yticks([])
        # A figure title keeps its place when redrawn alone (an axes title is re-placed).
        self.title = self.fig.suptitle(title, fontsize=8)
        self.animated = [self.image, *overlays, self.title]
        present = [QUIET, ACTIVE, QUIET_PR, ACTIVE_PR, POLICE] if orientation else [1, 2, 3]
        names = {c: CATEGORIES[c][0] for c in present}
        if orientation:
            names.update(WITH_ORIENTATION)
        handles = [Patch(facecolor=CATEGORIES[c][1], label=names[c]) for c in present]
        self.fig.legend(
            handles=handles, loc="outside lower center", ncol=3, fontsize=7, frameon=False
        )

    def update(self, codes: np.ndarray, title: str) -> None:
        self.image.set_data(codes)
        self.title.set_text(title)


@dataclass(frozen=True)
class Line:
    """One series on a time plot: a DataCollector column, its legend label and style."""

    column: str
    label: str
    color: str
    style: str = "-"
    width: float = 1.4
    drawstyle: str = "default"  # "steps-post" for levels that jump from week to week


class LiveSeries(LiveFigure):
    """Per-step series against the step; the x axis spans the horizon so runs compare.

    ``ylim`` fixes the y axis (else it follows the data from 0 up); ``yticks`` (value,
    label) pairs name the levels of an ordinal axis; ``yformat`` formats tick values
    (e.g. ``"{x:,.0f}"``). The legend sits below the axes, clear of the data.
    """

    def __init__(
        self,
        lines: Sequence[Line],
        title: str,
        ylabel: str,
        *,
        horizon: int,
        xlabel: str = "week",
        ylim: tuple[float, float] | None = None,
        yticks: Sequence[tuple[float, str]] = (),
        yformat: str | None = None,
        size: tuple[float, float] = (4.6, 3.0),
    ):
        super().__init__(Figure(figsize=size, dpi=DPI))
        ax = self.ax = self.fig.add_subplot()
        self.lines = list(lines)
        self.artists = [
            ax.plot(
                [],
                [],
                ln.style,
                color=ln.color,
                label=ln.label,
                lw=ln.width,
                drawstyle=ln.drawstyle,
            )[0]
            for ln in self.lines
        ]
        self.animated = list(self.artists)
        self.horizon = int(horizon)
        ax.set_xlim(0, max(1, self.horizon))
        self.ylim = ylim
        ax.set_ylim(*(ylim or (0, 1)))
        if yticks:
            ax.set_yticks([v for v, _ in yticks], [t for _, t in yticks], fontsize=7)
        if yformat:
            ax.yaxis.set_major_formatter(StrMethodFormatter(yformat))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        self.fig.suptitle(title, fontsize=9)  # centred on the figure, whatever the tick labels
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        self.fig.legend(
            handles=self.artists, loc="outside lower center", ncol=2, fontsize=7, frameon=False
        )

    def update(self, df: pd.DataFrame) -> None:
        steps = df["step"].to_numpy() if "step" in df else df.index.to_numpy()
        for ln, artist in zip(self.lines, self.artists, strict=True):
            if ln.column in df:
                artist.set_data(steps, df[ln.column].to_numpy())
        if steps.size and steps.max() > self.horizon:
            self.ax.set_xlim(0, int(steps.max()))
        if self.ylim is None:
            top = max(
                (float(np.nanmax(a.get_ydata())) for a in self.artists if len(a.get_ydata())),
                default=0.0,
            )
            self.ax.set_ylim(0, _nice_ceiling(top))


def _nice_ceiling(x: float) -> float:
    """The next 1, 2 or 5 times a power of ten at or above ``x`` (1 for x <= 0): the y axis
    grows in a few visible jumps, not every week (each jump re-solves the layout)."""
    if not x > 0:
        return 1.0
    exp = 10 ** np.floor(np.log10(x))
    for m in (1, 2, 5, 10):
        if m * exp >= x:
            return float(m * exp)
    return float(10 * exp)
