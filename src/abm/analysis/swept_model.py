"""What the analysis knows of the model a sweep ran: from the manifest, else its catalogue
entry - never from the model's own modules.

The sweep writes the model's declared outcomes (name, rank, description, colour) and the
units of the swept parameters and kept series into ``manifest.json``; the analysis takes
units from there only (``Results.design`` and ``Results.series_units``), never from the
model's current declarations: a folder describes the code that made it, and reads the
same wherever that model can no longer be imported. The step label and the key series
(presentation, not data) come from the model's catalogue entry, found by the manifest's
model name (after importing the modules the spec's ``imports`` names, as the sweep itself
did). A model that cannot be found gives plain defaults: no preferred series, generic
colours.
"""

from __future__ import annotations

import importlib
from typing import Any

from abm import catalog
from abm.analysis.load import Results
from abm.errors import ParameterError


def entry(results: Results) -> catalog.Entry | None:
    """The swept model's catalogue entry, or None when it cannot be found here."""
    for module in results.manifest.get("spec", {}).get("imports") or []:
        try:
            importlib.import_module(str(module))
        except ImportError:
            return None
    try:
        return catalog.get(results.model)
    except ParameterError:  # an unknown model: no catalogue facts, not a failure
        return None


def step_label(results: Results) -> str:
    """How a step is called on axes (its catalogue entry says, e.g. ``week``)."""
    e = entry(results)
    return e.step_label if e is not None else "step"


def key_series(results: Results) -> tuple[str, ...]:
    """The series the model's entry names as worth a figure, in its order."""
    e = entry(results)
    return e.key_series if e is not None else ()


def outcomes(results: Results) -> list[dict[str, Any]]:
    """The declared outcomes (name, rank, description, colour): the manifest's, else the
    catalogue entry's, else none."""
    stored = results.manifest.get("outcomes")
    if stored is not None:
        return list(stored)
    e = entry(results)
    try:
        return [] if e is None else [o.as_dict() for o in e.outcomes]
    except Exception:  # declared outcomes that cannot load: generic colours
        return []


def colours(results: Results) -> dict[str, str]:
    """Outcome (and final class) name -> its declared colour."""
    return {o["name"]: o["colour"] for o in outcomes(results)}
