"""What a model and the rest of the package agree on: scenarios and a ``RunSetup`` in,
declared outcomes and a ``RunResult`` out.

A model imports these types to describe itself; the catalogue, the runner, sweeps, analysis
and the dashboard read them. Nothing here imports a model, so a model can depend on this
module without any import circle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from abm.params import Values


@dataclass(frozen=True)
class Scenario:
    """A named starting point: parameter overrides of the model's defaults, a description,
    the default horizon in steps and the sources its values rest on."""

    name: str
    description: str
    steps: int
    params: Mapping[str, Any]
    sources: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Outcome:
    """A declared outcome (EMA Workbench style): ``rank`` orders outcomes by how far the
    regime changed, so a run's final class is the highest-ranked outcome that happened;
    ``colour`` is the one colour every figure and the dashboard give it."""

    name: str
    rank: int
    description: str
    colour: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON form stored in a sweep's manifest, so analysis needs no model import."""
        return asdict(self)


@dataclass(frozen=True)
class RunSetup:
    """One run, resolved and validated once by ``abm.runner.prepare``: the model's name, the
    scenario it starts from (None for the model's defaults), the parameters (read-only
    ``Values`` of the model's ParamSet, so the model need not check them again) and the
    number of steps."""

    model: str
    scenario: str | None
    params: Values
    steps: int


@dataclass
class RunResult:
    """Everything one run produces.

    ``summary`` holds flat scalars only (numbers, bools, strings or None), e.g. each
    outcome's first week (None when it never happened) and the final classification;
    ``series`` has one row per step (step 0 = initial state); ``events`` are
    (step, event, cause) triples in the order they happened.
    """

    model: str
    params: dict[str, Any]
    seed: int
    steps: int
    summary: dict[str, Any]
    series: pd.DataFrame
    events: list[tuple[int, str, str]] = field(default_factory=list)
    elapsed_s: float = 0.0
