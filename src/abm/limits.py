"""The documented upper bounds on every size a user can ask for, checked before any work.

A typo (``replicates = 1e12``, ``num = 1e9``, ``--steps 1000000000``, ``--workers 10000``)
must be refused in the first second, naming the field, the value and the limit, instead of
exhausting memory or running for ever after part of the results folder is written. The
limits are generous for real studies (docs/reliability-inputs.md gives the reasoning); the
confirmation thresholds below them mark sweeps big enough that the CLI shows an estimate and
asks for ``--yes``.
"""

from __future__ import annotations

import os
from typing import Any

from abm.errors import ParameterError

#: Steps of one run: 100,000 weeks of the Belarus model is ~1,900 years; Epstein's runs use
#: a few hundred. A 100,000-step run of the default Belarus model takes about 25 minutes.
MAX_STEPS = 100_000

#: Replicates per design point of a sweep.
MAX_REPLICATES = 100_000

#: Levels of one varied parameter (a grid's ``num``, or the length of a ``values`` list).
MAX_LEVELS = 10_000

#: Design points of a sweep (a grid's product of levels, or a sampler's row count).
MAX_POINTS = 1_000_000

#: Runs of a sweep (design points x replicates). The driver keeps one small entry per run
#: pending, about 150 bytes, so the limit holds its planning memory under 1 GiB.
MAX_RUNS = 5_000_000

#: Worker processes per CPU this process may use, and in absolute terms: more only adds
#: memory (each worker holds a Python interpreter and the compiled kernels) and contention.
MAX_WORKERS_PER_CPU = 4
MAX_WORKERS = 256

#: Cells of an Epstein lattice (width x height): 5,000 x 5,000, about 1 GiB of state.
MAX_CELLS = 25_000_000

#: Seeds are non-negative and below 2**63, so they fit the int64 columns of the store and
#: NumPy's seed sequence takes them unchanged.
MAX_SEED = 2**63 - 1

#: A sweep above any of these needs ``abm sweep --yes`` (the estimate is printed first).
CONFIRM_RUNS = 100_000
CONFIRM_MEMORY_BYTES = 4 * 2**30
CONFIRM_WALL_S = 6 * 3600.0


def check_int(field: str, value: Any, low: int, high: int, what: str = "an integer") -> int:
    """``value`` as an int in [low, high], or ParameterError naming field, value and bounds.

    Integral floats (``1e3`` from a TOML file) are accepted; booleans, NaN, infinities and
    fractions are not."""
    n = int(value) if isinstance(value, float) and value.is_integer() else value
    if isinstance(n, bool) or not isinstance(n, int) or not low <= n <= high:
        raise ParameterError(field, value, f"{what} in [{low:,}, {high:,}]")
    return n


def check_steps(field: str, value: Any) -> int:
    return check_int(field, value, 0, MAX_STEPS, "an integer number of steps")


def check_seed(field: str, value: Any) -> int:
    return check_int(field, value, 0, MAX_SEED, "an integer seed")


def check_replicates(field: str, value: Any) -> int:
    return check_int(field, value, 1, MAX_REPLICATES)


def cpus() -> int:
    """CPUs this process may use (respects affinity masks and container CPU sets)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def max_workers() -> int:
    """The most workers a sweep may start on this machine."""
    return min(MAX_WORKERS, MAX_WORKERS_PER_CPU * cpus())


def check_workers(field: str, value: Any, *, on_this_machine: bool = True) -> int | None:
    """None (the default: one per CPU) or an integer in [1, max_workers()] for workers
    started on this machine; a remote cluster brings its own (at most MAX_WORKERS asked)."""
    if value is None:
        return None
    high = max_workers() if on_this_machine else MAX_WORKERS
    return check_int(field, value, 1, high, "an integer number of workers")


def check_runs(points: int, replicates: int) -> None:
    """Refuse a design too large to plan, before it is built."""
    if points > MAX_POINTS:
        raise ParameterError("design", points, f"a design of at most {MAX_POINTS:,} points")
    if points * replicates > MAX_RUNS:
        raise ParameterError(
            "replicates",
            replicates,
            f"at most {MAX_RUNS:,} runs in all ({points:,} points x {replicates:,} replicates"
            f" = {points * replicates:,})",
        )


def check_cells(width: int, height: int) -> None:
    if width * height > MAX_CELLS:
        raise ParameterError(
            "width x height",
            f"{width} x {height}",
            f"at most {MAX_CELLS:,} cells ({width * height:,} asked)",
        )
