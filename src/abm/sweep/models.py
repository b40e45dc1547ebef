"""What a sweep spec is validated against: the swept model's catalogue entry.

A sweep knows models only through ``abm.catalog``; this is its one door to it. ``model_info``
gives a model's parameters and scenario names, raising ParameterError naming the
catalogued models otherwise. Models defined outside the package register a
catalogue entry in a module the spec's ``imports`` names.
"""

from __future__ import annotations

from dataclasses import dataclass

from abm import catalog
from abm.params import ParamSet


@dataclass(frozen=True)
class ModelInfo:
    """The swept model's parameters and scenario names (None when it has no named
    scenarios: the sweep's probe run then refuses any scenario a spec names)."""

    params: ParamSet
    scenarios: tuple[str, ...] | None


def model_info(name: str) -> ModelInfo:
    """The ParamSet and scenario names of ``name``; ParameterError if it is not catalogued."""
    entry = catalog.get(name)
    scenarios = tuple(entry.scenarios()) if entry.scenarios_ref is not None else None
    return ModelInfo(entry.params, scenarios)


def declared_outcomes(name: str) -> list[dict]:
    """The model's declared outcomes in JSON form, for the sweep's manifest: analysis reads
    their rank, description and colour there, without importing the model."""
    return [o.as_dict() for o in catalog.get(name).outcomes]
