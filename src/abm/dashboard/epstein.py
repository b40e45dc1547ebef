"""The bare civil-violence engine (Epstein 2002) on the dashboard: its presets (the
scenarios of its catalogue entry) and its views."""

from __future__ import annotations

from abm.dashboard.figures import Line, LiveGrid, grid_codes
from abm.dashboard.spec import Control, ModelSpec
from abm.dashboard.views import live_view, series_view
from abm.engine.model import EpsteinModel
from abm.plots.style import COLORS


def grid_state(model: EpsteinModel):
    """(category codes, title) of the grid at the model's current step."""
    w = model.world
    codes = grid_codes(w.grid, w.active, w.n_cit, w.height, w.width)
    _, active, jailed = model.counts
    return codes, f"step {int(model.time)}: {active} active, {jailed} jailed (off the grid)"


SPEC = ModelSpec(
    key="epstein",
    default_scenario="run2",
    controls=(
        Control("legitimacy", "Legitimacy L", 0.0, 1.0, 0.01),
        Control("cop_density", "Police density", 0.0, 0.1, 0.002),
        Control("max_jail_term", "Max jail term (steps)", 0, 100, 1),
        Control("vision", "Citizen vision (cells)", 1.0, 10.0, 0.1),
    ),
    model_class=EpsteinModel,
    views=(
        live_view(
            "grid",
            lambda m: LiveGrid(*grid_state(m)),
            lambda live, m: live.update(*grid_state(m)),
        ),
        series_view(
            "states",
            lambda m: m.series(),
            lines=[
                Line("active", "active", COLORS["active"]),
                Line("jailed", "jailed", COLORS["jailed"]),
            ],
            title="Active and jailed citizens",
            ylabel="citizens",
            xlabel="step",
        ),
    ),
)
