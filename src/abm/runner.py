"""One run of a model as a pure function of (model name, parameters, seed, steps).

The one path every run takes - ``abm run``, sweeps (their probe and workers), the EMA
connector and, for the resolving half, the dashboard: ``prepare`` looks the model up in the
catalogue, merges its scenario, the caller's overrides and schedules, and validates every
name and value once, before any work; ``execute`` hands the resulting ``RunSetup`` (read-only
``Values``) to the model's run function, which need not validate again.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from abm import catalog
from abm.contract import RunResult, RunSetup
from abm.errors import ParameterError

__all__ = ["RunResult", "RunSetup", "execute", "models", "prepare", "run"]


def models() -> list[str]:
    """Every runnable model's name (the catalogue's)."""
    return catalog.names()


def prepare(model: str, params: Mapping[str, Any], steps: int | None = None) -> RunSetup:
    """Resolve and validate a run: ParameterError names the first bad field.

    ``params`` may hold ``scenario``, the name of a named scenario whose values are the base
    that the other entries override (default: the model's default scenario, if it has one).
    ``steps`` None takes the scenario's horizon (else the model's default).
    """
    entry = catalog.get(model)
    overrides = dict(params)
    name = overrides.pop("scenario", entry.default_scenario)
    base: Mapping[str, Any] = {}
    horizon = entry.default_steps
    if name is not None:
        name = str(name)
        sc = entry.scenario(name)
        base, horizon = sc.params, sc.steps
    values = entry.params.resolve(base, overrides)
    steps = horizon if steps is None else steps
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ParameterError("steps", steps, "an integer >= 0")
    return RunSetup(model, name, values, steps)


def execute(setup: RunSetup, seed: int) -> RunResult:
    """Run a prepared setup once with ``seed``; ``elapsed_s`` times the model's work."""
    run_function = catalog.get(setup.model).run
    t0 = time.perf_counter()
    result = run_function(setup, seed)
    result.elapsed_s = time.perf_counter() - t0
    return result


def run(model: str, params: Mapping[str, Any], seed: int, steps: int | None = None) -> RunResult:
    """``prepare`` then ``execute``: raises ParameterError on bad input before any work."""
    return execute(prepare(model, params, steps), seed)
