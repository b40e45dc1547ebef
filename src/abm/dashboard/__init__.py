"""The interactive dashboard: watch a model run in the browser and turn its knobs.

Built on Mesa's ``SolaraViz`` (served by ``solara run``, see ``server.py``). The parts:

- ``spec``: what a model offers the dashboard - the few parameters exposed as controls and
  the views (its parameters and scenarios come from the model catalogue); one ``ModelSpec``
  per model, named by the model's catalogue entry.
- ``figures``: the matplotlib figures (grid, time series) as plain functions.
- ``views`` and ``controls``: the Solara components around them.
- ``app``: the page ``solara run`` serves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from abm import catalog

if TYPE_CHECKING:
    from abm.dashboard.spec import ModelSpec

#: Models the dashboard can show (those whose catalogue entry names a spec); the first is
#: the default.
MODELS = tuple(catalog.dashboard_models())


def spec_for(key: str) -> ModelSpec:
    """The dashboard description of model ``key``, from its catalogue entry (imported on
    demand: each pulls in its model)."""
    return catalog.get(key).dashboard()
