"""What a sweep will cost before it starts: runs, memory and time, from the spec and a timed run.

``abm sweep`` prints this for large sweeps and asks for ``--yes`` above the thresholds in
``abm.limits``, so a slip such as ``replicates = 100000`` costs a second, not a night.

The counts are exact (``design_size`` needs no design built). Memory adds the driver's
planning (measured: about 200 bytes a design point plus 100 per varied parameter, 150 a
run) to one interpreter per worker (about 250 MB with the model's compiled kernels loaded)
plus the model's own state, measured with ``tracemalloc`` on a zero-step run. Time is one
run timed in this process at the sweep's costliest-looking point (the upper end of each
range, the first of each value list): the full horizon when the spec leaves ``steps`` to the
model, else a few steps scaled to ``steps``.
"""

from __future__ import annotations

import math
import time
import tracemalloc
import warnings
from dataclasses import dataclass
from typing import Any

from abm import limits
from abm.sweep.spec import SweepSpec, design_size

PLAN_BYTES_PER_POINT = 200
PLAN_BYTES_PER_VARIED = 100
PLAN_BYTES_PER_RUN = 150
WORKER_BYTES = 250 * 2**20

#: Steps timed when the spec fixes ``steps`` (scaled up to the full count).
TIMED_STEPS = 5

#: Below these a sweep is small: no estimate is printed.
SHOW_RUNS = 1_000
SHOW_WALL_S = 600.0


@dataclass(frozen=True)
class Estimate:
    """The cost of a sweep; ``run_s`` is None when no run could be timed (``note`` says why)."""

    points: int
    runs: int
    workers: int
    memory_bytes: int
    run_s: float | None
    note: str = ""

    @property
    def wall_s(self) -> float | None:
        if self.run_s is None:
            return None
        return self.run_s * self.runs / self.workers

    def reasons(self) -> list[str]:
        """Why this sweep needs ``--yes`` (empty when it does not)."""
        out = []
        if self.runs > limits.CONFIRM_RUNS:
            out.append(f"{self.runs:,} runs > {limits.CONFIRM_RUNS:,}")
        if self.memory_bytes > limits.CONFIRM_MEMORY_BYTES:
            out.append(
                f"about {_gib(self.memory_bytes)} of memory > {_gib(limits.CONFIRM_MEMORY_BYTES)}"
            )
        wall = self.wall_s
        if wall is not None and wall > limits.CONFIRM_WALL_S:
            out.append(f"about {_duration(wall)} > {_duration(limits.CONFIRM_WALL_S)}")
        return out

    def is_large(self) -> bool:
        wall = self.wall_s
        return bool(
            self.reasons() or self.runs >= SHOW_RUNS or (wall is not None and wall >= SHOW_WALL_S)
        )

    def text(self) -> str:
        time_part = (
            f"about {_duration(self.wall_s)} on {self.workers} workers ({self.run_s:.2g} s a run)"
            if self.wall_s is not None
            else f"time unknown ({self.note})"
        )
        return (
            f"estimate: {self.points:,} points x {self.runs // max(self.points, 1):,} replicates"
            f" = {self.runs:,} runs; memory about {_gib(self.memory_bytes)}; {time_part}"
        )


def estimate(spec: SweepSpec, workers: int) -> Estimate:
    """The cost of running the validated ``spec`` on ``workers`` workers."""
    points = design_size(spec.design, spec.vary)
    runs = points * spec.replicates
    plan = points * (PLAN_BYTES_PER_POINT + PLAN_BYTES_PER_VARIED * len(spec.vary))
    plan += runs * PLAN_BYTES_PER_RUN
    try:
        model_bytes, run_s = _measure(spec)
        note = ""
    except Exception as exc:  # the estimate must never stop a sweep the spec allows
        model_bytes, run_s, note = 0, None, f"no run could be timed: {exc}"
    memory = plan + workers * (WORKER_BYTES + model_bytes)
    return Estimate(points, runs, workers, memory, run_s, note)


def costly_point(spec: SweepSpec) -> dict[str, Any]:
    """The varied values the timing run uses: each range's upper end, each list's first."""
    from abm.sweep.models import model_info

    params = model_info(spec.model).params
    point: dict[str, Any] = {}
    for name, v in spec.vary.items():
        if v.values is not None:
            point[name] = v.values[0]
        else:
            hi = v.range[1]
            point[name] = int(hi) if params[name].kind in ("int", "int_or_inf") else hi
    return point


def _measure(spec: SweepSpec) -> tuple[int, float]:
    """(peak bytes of a zero-step run, seconds of one run) at ``costly_point``."""
    from abm.runner import run

    params = spec.run_params(costly_point(spec))
    seed = spec.seed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run(spec.model, params, seed, 1)  # loads the compiled kernels: not part of a run
        tracemalloc.start()
        try:
            run(spec.model, params, seed, 0)
            model_bytes = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        if spec.steps is None:
            return model_bytes, _timed(run, spec.model, params, seed, None)
        if spec.steps == 0:
            return model_bytes, _timed(run, spec.model, params, seed, 0)
        k = min(spec.steps, TIMED_STEPS)
        t0 = _timed(run, spec.model, params, seed, 0)
        tk = _timed(run, spec.model, params, seed, k)
        return model_bytes, t0 + max(tk - t0, 0.0) * spec.steps / k


def _timed(run, model: str, params: dict[str, Any], seed: int, steps: int | None) -> float:
    t = time.perf_counter()
    run(model, params, seed, steps)
    return time.perf_counter() - t


def _gib(n: float) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{math.ceil(n / 2**20)} MiB"


def _duration(s: float) -> str:
    if s < 90:
        return f"{s:.0f} s"
    if s < 5400:
        return f"{s / 60:.0f} min"
    if s < 2 * 86400:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} days"
