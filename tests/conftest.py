"""Fixtures shared across the tests: known-answer results folders, small sweep specs, and
the copies and comparisons of sweep folders.

Each builds the smallest thing a test's claim needs, so that a test states only what
differs (its design, its injected failures, the one field it breaks) and not the set-up.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from abm import known_answers
from abm.sweep.read import read_table

#: The scripts users run (``experiments/``), which some tests run on tiny settings.
EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"


@pytest.fixture(scope="session")
def experiment() -> Callable[[str], Any]:
    """``experiment(name)``: the module ``experiments/<name>.py``, imported under its own
    name (spawned sweep workers import it by name to unpickle its functions, and scripts
    import each other as the headline does)."""

    def load(name: str) -> Any:
        spec = importlib.util.spec_from_file_location(name, EXPERIMENTS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        if str(EXPERIMENTS) not in sys.path:
            sys.path.insert(0, str(EXPERIMENTS))
        spec.loader.exec_module(module)
        return module

    return load


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


def _sweep_tables(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    runs = read_table(out, "runs").drop(columns="elapsed_s")  # timing differs run to run
    return runs, read_table(out, "series")


@pytest.fixture(scope="session")
def sweep_tables() -> Callable[[Path], tuple[pd.DataFrame, pd.DataFrame]]:
    """``sweep_tables(out)``: a sweep folder's runs (without the timing column) and series,
    the parts of a sweep that must be identical however it was run."""
    return _sweep_tables


@pytest.fixture(scope="session")
def assert_same_sweep() -> Callable[[Path, Path], None]:
    """``assert_same_sweep(a, b)``: the two folders hold the same runs and series, bit for
    bit (executor, batching, kills and resumes must not change a single value)."""

    def check(a: Path, b: Path) -> None:
        for x, y in zip(_sweep_tables(a), _sweep_tables(b), strict=True):
            pd.testing.assert_frame_equal(x, y, check_exact=True)

    return check


@pytest.fixture(scope="session")
def copy_sweep() -> Callable[[Path, Path], Path]:
    """``copy_sweep(src, dst)``: a copy of a finished sweep folder that a test may damage
    and reopen (without the lock file, which belongs to no driver)."""

    def copy(src: Path, dst: Path) -> Path:
        shutil.copytree(src, dst)
        (dst / ".lock").unlink(missing_ok=True)
        return dst

    return copy


@pytest.fixture(scope="session")
def run2_sweep() -> Callable[..., dict[str, Any]]:
    """``run2_sweep(**fields)``: a 3-step sweep spec of Epstein's run 2 at its full size,
    for the checks made before any run (limits, estimates, refused values)."""

    def make(**fields: Any) -> dict[str, Any]:
        return {"model": "epstein", "scenario": "run2", "steps": 3, **fields}

    return make
