"""The bare civil-violence engine (Epstein 2002) on the dashboard: its presets as scenarios."""

from __future__ import annotations

from functools import cache

from abm.dashboard.figures import Line, grid_codes, grid_figure
from abm.dashboard.spec import Control, ModelSpec
from abm.dashboard.views import figure_view, series_view
from abm.engine.model import EpsteinModel
from abm.engine.params import EPSTEIN_PARAMS
from abm.engine.presets import preset, preset_names
from abm.plots.style import COLORS


@cache
def _scenarios():
    out = {}
    for name in preset_names():
        overrides, _steps, description = preset(name)
        out[name] = (overrides, description)
    return out


def _grid(model):
    w = model.world
    codes = grid_codes(w.grid, w.active, w.n_cit, w.height, w.width)
    quiet, active, jailed = model.counts
    title = f"step {int(model.time)}: {active} active, {jailed} jailed (off the grid)"
    return grid_figure(codes, title)


SPEC = ModelSpec(
    key="epstein",
    title="Civil violence (Epstein 2002)",
    params=EPSTEIN_PARAMS,
    scenarios=_scenarios,
    default_scenario="run2",
    controls=(
        Control("legitimacy", "Legitimacy L", 0.0, 1.0, 0.01),
        Control("cop_density", "Police density", 0.0, 0.1, 0.002),
        Control("max_jail_term", "Max jail term (steps)", 0, 100, 1),
        Control("vision", "Citizen vision (cells)", 1.0, 10.0, 0.1),
    ),
    model_class=EpsteinModel,
    views=(
        figure_view("grid", _grid),
        series_view(
            "states",
            [
                Line("active", "active", COLORS["active"]),
                Line("jailed", "jailed", COLORS["jailed"]),
            ],
            "Active and jailed citizens",
            "citizens",
        ),
    ),
)
