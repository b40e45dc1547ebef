"""A calibration spec as pyabc's pieces: the prior, the model function, the distance, the
epsilon schedule.

- **Prior** (``prior``): a ``pyabc.Distribution`` of independent uniforms, one per estimated
  parameter, on its prior range narrowed to the spec's ``bounds``. A log-scale prior is
  uniform in log10 of the parameter: *the particle then holds log10 of the value* under the
  parameter's own name, and ``theta_of`` converts a particle to parameter units (and rounds
  an integer parameter). Everything written outside ``abc.db`` (posterior.parquet, the
  seeds, the runs) is in parameter units.
- **Model** (``Simulator``): theta -> ``seed_for(theta)`` -> ``params_for(theta, seed)`` ->
  ``abm.runner.run(model, params, seed, steps=target.steps)`` -> ``target.summarise`` plus
  ``"param:<name>"`` for each nuisance draw plus ``"failed"`` (0/1). One seed per particle:
  the distance is that of one run, never an average over seeds (which would target another
  posterior). A run that raises is appended to ``failures.jsonl`` (theta, seed, error) and
  returns ``failed = 1``, whose distance is infinite: recorded, never accepted, not fatal.
- **Distance** (``TargetDistance``): ``statistics.distance(target.discrepancies(x), p)``,
  the p-norm of the discrepancies, each already in units of its observation's error scale
  (fixed scales, no adaptive weighting); infinite when a hard constraint fails.
- **Epsilon** (``FiniteQuantileEpsilon``): pyabc's ``QuantileEpsilon`` (epsilon(t) = the
  weighted ``quantile`` of generation t-1's accepted distances) with two changes so that an
  infinite distance is never accepted: generation 0 accepts every prior draw whose distance
  is finite (epsilon = ``FIRST_EPSILON``, the largest float, instead of a calibration sample
  from the prior whose quantile could be infinite, which would let ``d <= eps`` accept
  inf), and non-finite distances are dropped before a quantile is taken. On resume epsilon
  is recomputed from the last stored generation, as pyabc's own ``from_sample`` does.
"""

from __future__ import annotations

import json
import math
import os
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyabc

from abm.calibration.spec import CalibrationSpec

FAILURES = "failures.jsonl"
#: Generation 0's epsilon: any finite distance is accepted, an infinite one never.
FIRST_EPSILON = sys.float_info.max
#: The summary statistic flagging a run that raised.
FAILED = "failed"
#: Prefix of the summary statistics holding a particle's nuisance draws.
PARAM_PREFIX = "param:"


def prior(spec: CalibrationSpec) -> pyabc.Distribution:
    """The estimated parameters' prior (log-scale priors in log10: module docstring)."""
    rvs = {}
    for p in spec.priors():
        lo, hi = (math.log10(p.low), math.log10(p.high)) if p.scale == "log" else (p.low, p.high)
        rvs[p.name] = pyabc.RV("uniform", lo, hi - lo)
    return pyabc.Distribution(**rvs)


def theta_of(spec: CalibrationSpec, particle: Mapping[str, float]) -> dict[str, float | int]:
    """A particle's parameter values in the parameters' own units (10**x for a log-scale
    prior; clipped into the prior, integer parameters rounded)."""
    from abm.calibration.spec import _value

    out: dict[str, float | int] = {}
    for p in spec.priors():
        x = float(particle[p.name])
        out[p.name] = _value(p, 10.0**x if p.scale == "log" else x)
    return out


def observed(target: Any) -> dict[str, float]:
    """The observed summary statistics pyabc stores as x_0 (the observations' values, for
    the record only: the distance reads the discrepancies, never x_0)."""
    rows = {r["key"]: r.get("observed") for r in target.rows()} if hasattr(target, "rows") else {}
    out = {}
    for key in target.keys:
        v = rows.get(key)
        try:
            out[key] = float(v)
        except (TypeError, ValueError):
            out[key] = math.nan
    out[FAILED] = 0.0
    return out


class Simulator:
    """The model function pyabc calls: a particle -> its summary statistics (module
    docstring). Picklable (a spec, a target and a folder), for the Dask sampler."""

    def __init__(self, spec: CalibrationSpec, target: Any, out_dir: str | Path | None):
        self.spec = spec
        self.target = target
        self.out_dir = None if out_dir is None else str(out_dir)

    def __call__(self, particle: Mapping[str, float]) -> dict[str, float]:
        from abm import runner

        spec, target = self.spec, self.target
        theta = theta_of(spec, particle)
        seed = spec.seed_for(theta)
        stats: dict[str, float] = {}
        try:
            params = spec.params_for(theta, seed)
            result = runner.run(spec.model, params, seed, steps=target.steps)
            stats.update(
                {k: float(v) for k, v in target.summarise(result.series, result.events).items()}
            )
            stats[FAILED] = 0.0
        except Exception as exc:  # noqa: BLE001 - any failure of one run is recorded, not fatal
            self.record_failure(theta, seed, exc)
            stats = {k: math.nan for k in target.keys}
            stats[FAILED] = 1.0
        for name, value in spec.nuisance_for(seed).items():
            stats[PARAM_PREFIX + name] = float(value)
        return stats

    def record_failure(self, theta: Mapping[str, Any], seed: int, exc: BaseException) -> None:
        if self.out_dir is None:
            return
        line = json.dumps(
            {
                "theta": dict(theta),
                "seed": seed,
                "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(limit=8),
            }
        )
        # one short append per failure: O_APPEND keeps lines whole across processes
        fd = os.open(Path(self.out_dir) / FAILURES, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)


class TargetDistance(pyabc.Distance):
    """The p-norm of a run's discrepancies (``statistics.distance``), inf for a failed run
    or a violated hard constraint. Fixed scales: nothing adapts between generations."""

    def __init__(self, target: Any, p: float = 2.0):
        super().__init__()
        self.target = target
        self.p = p

    def __call__(self, x: dict, x_0: dict, t: int | None = None, par: dict | None = None) -> float:
        if float(x.get(FAILED, 0.0)) != 0.0:
            return math.inf
        d = np.asarray(self.target.discrepancies(x), dtype=float)
        return distance(d, self.p)

    def get_config(self) -> dict:
        return {"name": "TargetDistance", "p": self.p}


def distance(d: np.ndarray, p: float = 2.0) -> float:
    """``abm.belarus.history.statistics.distance``'s contract (the p-norm, inf if any
    discrepancy is inf), restated here because the calibration never imports a model."""
    if d.size and not np.all(np.isfinite(d)):
        return math.inf
    return float(np.linalg.norm(d, ord=p)) if d.size else 0.0


class FiniteQuantileEpsilon(pyabc.QuantileEpsilon):
    """QuantileEpsilon that never accepts an infinite distance (module docstring)."""

    def __init__(self, alpha: float = 0.5):
        super().__init__(initial_epsilon=FIRST_EPSILON, alpha=alpha, weighted=True)

    def requires_calibration(self) -> bool:
        return False

    def initialize(
        self, t, get_weighted_distances, get_all_records, max_nr_populations, acceptor_config
    ):
        if t == 0:
            self._look_up = {0: FIRST_EPSILON}
        else:  # a resumed run: epsilon from the last stored generation
            self._look_up = {}
            self._update(t, get_weighted_distances())

    def _update(self, t, weighted_distances):
        finite = weighted_distances[np.isfinite(weighted_distances.distance.values)]
        if len(finite) == 0:
            self._look_up[t] = FIRST_EPSILON
            return
        super()._update(t, finite)
