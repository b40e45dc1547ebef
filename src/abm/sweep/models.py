"""Which parameters and scenarios each runnable model accepts, for validating a sweep spec.

``abm.runner`` knows how to *run* a model; a sweep must also check every name and value in
a spec against the model's ``ParamSet`` before the first run starts. This small lookup maps
a model name to that ``ParamSet`` (imported lazily, only when a spec names the model)
and, where known, to its scenario names. Models defined outside the package (and test-only
models) declare theirs with ``register_model_params``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from abm.errors import ParameterError
from abm.params import ParamSet


@dataclass(frozen=True)
class ModelInfo:
    """What a spec is validated against. ``scenarios`` is None when the names are unknown
    here; the sweep's zero-step probe run then validates the scenario instead."""

    params: ParamSet
    scenarios: tuple[str, ...] | None = None


def _epstein() -> ModelInfo:
    from abm.engine.params import EPSTEIN_PARAMS
    from abm.engine.presets import preset_names

    return ModelInfo(EPSTEIN_PARAMS, tuple(preset_names()))


def _belarus() -> ModelInfo:
    from abm.belarus.params import BELARUS_PARAMS
    from abm.belarus.scenarios import scenario_names

    return ModelInfo(BELARUS_PARAMS, tuple(scenario_names()))


_BUILTIN: dict[str, Callable[[], ModelInfo]] = {"epstein": _epstein, "belarus": _belarus}
_EXTRA: dict[str, ModelInfo] = {}


def register_model_params(name: str, params: ParamSet, scenarios: Sequence[str] | None = None):
    """Declare the parameters (and scenario names) of a model registered outside abm."""
    _EXTRA[name] = ModelInfo(params, None if scenarios is None else tuple(scenarios))


def model_info(name: str) -> ModelInfo:
    """The ParamSet and scenarios of ``name``; ParameterError if it is not runnable here."""
    from abm.runner import models

    runnable = models()
    if name not in runnable:
        raise ParameterError("model", name, "one of " + ", ".join(runnable))
    if name in _EXTRA:
        return _EXTRA[name]
    if name in _BUILTIN:
        return _BUILTIN[name]()
    raise ParameterError(
        "model",
        name,
        "a model whose parameters are declared (abm.sweep.register_model_params); "
        "declared: " + ", ".join(sorted(set(_BUILTIN) | set(_EXTRA))),
    )
