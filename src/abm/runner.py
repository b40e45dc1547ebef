"""One run of a model as a pure function of (model name, parameters, seed, steps).

Sweeps, the EMA connector and the CLI all call ``run``; they never reach into a model's
internals. A model registers a runner under a name; the runner validates parameters before
building anything and returns a ``RunResult``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from abm.errors import ParameterError


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


Runner = Callable[[Mapping[str, Any], int, int | None], RunResult]
_RUNNERS: dict[str, Runner] = {}


def register(name: str) -> Callable[[Runner], Runner]:
    def deco(fn: Runner) -> Runner:
        _RUNNERS[name] = fn
        return fn

    return deco


def models() -> list[str]:
    _load_builtin()
    return sorted(_RUNNERS)


def run(model: str, params: Mapping[str, Any], seed: int, steps: int | None = None) -> RunResult:
    """Run ``model`` once; raises ParameterError on bad input before any work starts.

    ``params`` may hold ``scenario``: the name of a scenario (Belarus) or preset (Epstein)
    whose values are the base that the other entries override.
    """
    _load_builtin()
    if model not in _RUNNERS:
        raise ParameterError("model", model, "one of " + ", ".join(sorted(_RUNNERS)))
    t0 = time.perf_counter()
    result = _RUNNERS[model](params, seed, steps)
    result.elapsed_s = time.perf_counter() - t0
    return result


def _load_builtin() -> None:
    # Importing a model module registers its runner.
    import abm.belarus.runner  # noqa: F401
    import abm.engine.runner  # noqa: F401
