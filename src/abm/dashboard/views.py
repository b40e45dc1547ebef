"""Solara components that show a model: live figures, refreshed after every step.

A view is a function ``model -> element``. Figure views keep one ``LiveFigure`` per run
(built on the run's first render) and redraw it only when the run's week changed, so a
step costs one in-place update and one PNG per view, and toggling other parts of the page
costs nothing. Views re-render on the signal SolaraViz sends after each step
(``update_counter``).

Every view sits in a column with a ``abm-view-<name>`` CSS class: the browser test finds
views by it, and users styling the page can too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mesa
import pandas as pd
import solara
from mesa.visualization.utils import update_counter

from abm.dashboard.figures import LiveFigure, LiveSeries


def run_token(model: mesa.Model) -> int:
    """Identifies a run for memoisation (``id()`` may be reused once a run is freed)."""
    return getattr(model, "dashboard_run_id", id(model))


@solara.component
def FigureView(
    name: str,
    model: mesa.Model,
    build: Callable[[mesa.Model], LiveFigure],
    update: Callable[[LiveFigure, mesa.Model], None],
):
    """A live figure of the model as a PNG, redrawn only when the run or its week changes."""
    update_counter.get()  # SolaraViz bumps it after each step: re-render then
    run = run_token(model)
    live = solara.use_memo(lambda: build(model), dependencies=[run])

    def render() -> bytes:
        update(live, model)
        return live.png()

    png = solara.use_memo(render, dependencies=[run, float(model.time)])
    with solara.Column(classes=[f"abm-view-{name}"], style={"width": "100%"}) as col:
        solara.Image(png, width="100%")
    return col


def live_view(
    name: str,
    build: Callable[[mesa.Model], LiveFigure],
    update: Callable[[Any, mesa.Model], None],
) -> Callable[[mesa.Model], Any]:
    """A view from a figure builder (once per run) and an updater (once per week)."""

    def view(model: mesa.Model):
        return FigureView(name, model, build, update)

    view.__name__ = f"{name}_view"
    view.build, view.update = build, update  # for benchmarks and tests, without a browser
    return view


def series_view(
    name: str,
    frame: Callable[[mesa.Model], pd.DataFrame],
    **live_kwargs: Any,
) -> Callable[[mesa.Model], Any]:
    """A view plotting columns of ``frame(model)`` (one row per step) against the week,
    over the run's horizon (``model.dashboard_horizon``)."""

    def build(model: mesa.Model) -> LiveSeries:
        return LiveSeries(horizon=model.dashboard_horizon, **live_kwargs)

    def update(live: LiveSeries, model: mesa.Model) -> None:
        live.update(frame(model))

    return live_view(name, build, update)
