"""Solara components that show a model: the grid, time plots, the event log and outcome.

Each view is a function ``model -> element`` as SolaraViz's ``components`` expect; SolaraViz
re-renders them after every step. A figure is rebuilt only when the run or its week changed
(memoised on both), so toggling other parts of the page costs nothing.

Every view sits in a column with a ``abm-view-<name>`` CSS class: the browser test finds
views by it, and users styling the page can too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mesa
import solara
from matplotlib.figure import Figure
from mesa.visualization.utils import update_counter

from abm.dashboard.figures import Line, series_figure

PNG_DPI = 90


def _png(fig: Figure) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=PNG_DPI)
    return buf.getvalue()


def _run_key(model: mesa.Model) -> tuple[int, float]:
    """Identifies what a figure shows: this run object at this time."""
    return id(model), float(model.time)


@solara.component
def FigureView(name: str, model: mesa.Model, make: Callable[[mesa.Model], Figure]):
    """A matplotlib figure of the model as a PNG, rebuilt only when the run or week changes."""
    update_counter.get()  # SolaraViz bumps it after each step: re-render then
    key = _run_key(model)
    png = solara.use_memo(lambda: _png(make(model)), dependencies=[key])
    with solara.Column(classes=[f"abm-view-{name}"], style={"width": "100%"}) as col:
        solara.Image(png, width="100%")
    return col


def series_view(
    name: str,
    lines: Sequence[Line],
    title: str,
    ylabel: str,
    *,
    ylim: tuple[float, float] | None = None,
    horizon: Callable[[mesa.Model], int | None] = lambda m: None,
) -> Callable[[mesa.Model], Any]:
    """A view plotting DataCollector columns against the week."""

    def make(model: mesa.Model) -> Figure:
        df = model.datacollector.get_model_vars_dataframe()
        return series_figure(df, lines, title, ylabel, ylim=ylim, horizon=horizon(model))

    def view(model: mesa.Model):
        return FigureView(name, model, make)

    view.__name__ = f"{name}_view"
    return view


def figure_view(name: str, make: Callable[[mesa.Model], Figure]) -> Callable[[mesa.Model], Any]:
    """A view of any figure-making function of the model (the grid, for one)."""

    def view(model: mesa.Model):
        return FigureView(name, model, make)

    view.__name__ = f"{name}_view"
    return view
