"""Fixtures shared across the tests: known-answer results folders and small sweep specs.

Each builds the smallest thing a test's claim needs, so that a test states only what
differs (its design, its injected failures, the one field it breaks) and not the set-up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from abm import known_answers

#: The toy model's three parameters over their whole range (abm.known_answers).
ABC = {"a": (0.0, 1.0), "b": (0.0, 1.0), "c": (0.0, 1.0)}

#: An Epstein grid small enough for sweeps of dozens of runs in seconds (vision 3 stays
#: below half the side, as the engine requires).
SMALL_EPSTEIN = {"width": 12, "height": 12, "vision": 3, "cop_vision": 3}


@pytest.fixture(scope="session")
def known_results(tmp_path_factory) -> Callable[..., Path]:
    """``known_results(kind, n, bounds=ABC, probabilities=TOY_PROBABILITIES, seed=0,
    second_order=False, levels=4, **write_options)``: a results folder of the toy model with known
    answers (``abm.known_answers``), written into a fresh temporary folder."""

    def make(
        kind: str,
        n: int,
        *,
        bounds: Mapping[str, tuple[float, float]] = ABC,
        probabilities: Mapping[str, Any] | None = None,
        seed: int = 0,
        second_order: bool = False,
        levels: int = 4,
        **write_options: Any,
    ) -> Path:
        design = known_answers.make_design(
            kind, bounds, n, seed=seed, second_order=second_order, levels=levels
        )
        return known_answers.write_results(
            tmp_path_factory.mktemp(kind) / "r",
            design,
            known_answers.TOY_PROBABILITIES if probabilities is None else probabilities,
            **write_options,
        )

    return make


@pytest.fixture(scope="session")
def epstein_sweep() -> Callable[..., dict[str, Any]]:
    """``epstein_sweep(**fields)``: a small Epstein sweep spec as data (two legitimacy
    values on the small grid, 5 steps), with ``fields`` replacing its fields."""

    def make(**fields: Any) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "model": "epstein",
            "steps": 5,
            "fixed": dict(SMALL_EPSTEIN),
            "vary": {"legitimacy": {"values": [0.7, 0.8]}},
        }
        spec.update(fields)
        return spec

    return make
