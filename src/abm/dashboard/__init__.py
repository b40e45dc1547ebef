"""The interactive dashboard: watch a model run in the browser and turn its knobs.

Built on Mesa's ``SolaraViz`` (served by ``solara run``, see ``server.py``). The parts:

- ``spec``: what a model offers the dashboard - its parameters, named scenarios, the few
  parameters exposed as controls, and the views; one ``ModelSpec`` per model.
- ``figures``: the matplotlib figures (grid, time series) as plain functions.
- ``views`` and ``controls``: the Solara components around them.
- ``app``: the page ``solara run`` serves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from abm.dashboard.spec import ModelSpec

#: Models the dashboard can show; the first is the default.
MODELS = ("belarus", "epstein")


def spec_for(key: str) -> ModelSpec:
    """The dashboard description of model ``key`` (imported on demand: each pulls its model)."""
    if key == "belarus":
        from abm.dashboard.belarus import SPEC

        return SPEC
    if key == "epstein":
        from abm.dashboard.epstein import SPEC

        return SPEC
    raise ValueError(f"unknown dashboard model {key!r}; allowed: {', '.join(MODELS)}")
