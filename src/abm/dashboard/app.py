"""The page ``solara run abm.dashboard.app`` serves: Mesa's SolaraViz plus our views.

SolaraViz provides the sidebar - step / play / reset, play speed, the model's time - and
rebuilds the run on Reset. The "Scenario" card (``controls.py``) sits above it; the views
(``ModelSpec.views``) fill the main area in a responsive grid.

The views are laid out here rather than handed to SolaraViz's ``components``: with
ipyvue/ipyvuetify 3 (what Mesa 3.5.1 gets today) SolaraViz's draggable grid stays blank
(Mesa issue #3806), while everything else in SolaraViz works. The views re-render on the
same signal SolaraViz's own components use (``update_counter``).

``ABM_DASHBOARD_MODEL`` (set by ``abm dashboard --model``) picks the model.
"""

from __future__ import annotations

import os

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update, update_counter

from abm.dashboard import MODELS, spec_for
from abm.dashboard.controls import ScenarioPanel
from abm.dashboard.spec import ModelSpec, RunSettings, run_class

SPEC = spec_for(os.environ.get("ABM_DASHBOARD_MODEL", MODELS[0]))
RUN = run_class(SPEC)

GRID_STYLE = {
    "display": "grid",
    "grid-template-columns": "repeat(auto-fill, minmax(440px, 1fr))",
    "gap": "12px",
    "width": "100%",
}


@solara.component
def Views(spec: ModelSpec, model):
    """The header (e.g. the outcome so far) and every view, refreshed after each step."""
    update_counter.get()
    with solara.Column(style={"width": "100%", "padding": "8px"}):
        if spec.header is not None:
            spec.header(model)
        with solara.Div(style=GRID_STYLE):
            for view in spec.views:
                with solara.Card(margin=0):
                    view(model)


@solara.component
def Page():
    settings = solara.use_reactive(RunSettings(SPEC.default_scenario))
    first = solara.use_memo(lambda: RUN(settings.value), dependencies=[])
    model = solara.use_reactive(first)

    def new_run(s: RunSettings) -> None:
        model.set(RUN(s))
        force_update()

    # SolaraViz's own "Model Parameters" card stays empty (our controls live in the
    # Scenario card, see controls.py): hide a card whose content is empty.
    solara.Style(".v-card:has(> .v-card-text > .v-sheet:empty) { display: none; }")
    with solara.Sidebar():
        ScenarioPanel(SPEC, settings, model, new_run)
    SolaraViz(
        model,
        components=[],
        # A fixed (non-widget) parameter: Mesa's Reset calls RUN(settings=<this reactive>),
        # so a reset run takes whatever the Scenario card shows at that moment.
        model_params={"settings": settings},
        name=SPEC.title,
    )
    Views(SPEC, model.value)


page = Page
