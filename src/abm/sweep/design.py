"""Design points of a sweep: full factorial grid, Latin hypercube, Sobol' (Saltelli) and Morris.

The sampled designs come from SALib and keep its row order, so ``point_id`` is the row of
the sampler's matrix and SALib's analysers can be fed the outputs sorted by ``point_id``.
A grid is the Cartesian product of each parameter's levels in spec order, the first
parameter varying slowest.

A posterior design (``kind = "posterior"``) is ``n`` weighted draws from a posterior folder
(``abm.posterior.Posterior.sample``, deterministic in the design's seed), each
crossed with the grid of ``vary`` (if any): point ``i * G + g`` is draw ``i`` at grid
combination ``g`` (with ``cross = false``, point ``i`` is draw ``i`` at combination
``i % G``). Its points carry the posterior's parameters less those the scenario,
``fixed`` or ``vary`` set.

Integer parameters sampled over a range are rounded to the nearest integer; a value list in
a sampled design is a categorical factor whose SALib bounds are [0, number of values] and
whose value is ``values[min(floor(x), len - 1)]``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from abm.sweep.spec import SweepSpec, Vary, posterior_names


@dataclass(frozen=True)
class DesignTable:
    """The points of a design, row ``i`` = point_id ``i``.

    ``points`` hold the values handed to the model; ``x`` is the sampler's raw matrix in
    the SALib ``problem``'s units (log10 of the value for a log-scale range; None for a
    grid), which SALib's analysers need.
    """

    names: tuple[str, ...]
    points: list[dict[str, Any]]
    x: np.ndarray | None = None
    problem: dict[str, Any] | None = None

    def __len__(self) -> int:
        return len(self.points)


def build_design(spec: SweepSpec) -> DesignTable:
    """All design points of a validated spec, in the sampler's row order."""
    names = tuple(spec.vary)
    varies: list[Vary] = [spec.vary[n] for n in names]
    ints = [_is_int(spec, n) for n in names]
    if spec.design.kind == "posterior":
        return _posterior_design(spec, names, varies, ints)
    if spec.design.kind == "grid":
        levels = [_grid_levels(v, i) for v, i in zip(varies, ints, strict=True)]
        points = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*levels)]
        return DesignTable(names, points)
    problem = {
        "num_vars": len(names),
        "names": list(names),
        "bounds": [_bounds(v) for v in varies],
    }
    x = _sample(spec, problem)
    points = [{n: _decode(varies[j], ints[j], row[j]) for j, n in enumerate(names)} for row in x]
    return DesignTable(names, points, x, problem)


def _posterior_design(
    spec: SweepSpec, names: tuple[str, ...], varies: list[Vary], ints: list[bool]
) -> DesignTable:
    post, drawn = _posterior(spec)
    levels = [_grid_levels(v, i) for v, i in zip(varies, ints, strict=True)]
    combos = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*levels)]
    draws = post.sample(spec.design.n, spec.design.seed)
    if spec.design.cross:
        points = [{**{k: d[k] for k in drawn}, **c} for d in draws for c in combos]
    else:  # dealt out: draw i at combination i % G
        points = [
            {**{k: d[k] for k in drawn}, **combos[i % len(combos)]} for i, d in enumerate(draws)
        ]
    return DesignTable((*drawn, *names), points)


def _posterior(spec: SweepSpec):
    return posterior_names(spec.model, spec.scenario, spec.fixed, spec.vary, spec.design)


def _bounds(v: Vary) -> list[float]:
    """The SALib bounds of one factor: categories, the range, or the range's log10."""
    if v.values is not None:
        return [0.0, float(len(v.values))]
    if v.scale == "log":
        return [float(np.log10(b)) for b in v.range]
    return [float(b) for b in v.range]


def _sample(spec: SweepSpec, problem: dict[str, Any]) -> np.ndarray:
    d = spec.design
    if d.kind == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, d.n, seed=d.seed)
    if d.kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, d.n, calc_second_order=d.second_order, seed=d.seed)
    from SALib.sample import morris

    return morris.sample(problem, d.n, num_levels=d.levels, seed=d.seed)


def _is_int(spec: SweepSpec, name: str) -> bool:
    from abm.sweep.models import model_info

    return model_info(spec.model).params[name].kind in ("int", "int_or_inf")


def _grid_levels(v: Vary, is_int: bool) -> list[Any]:
    if v.values is not None:
        return list(v.values)
    lo, hi = v.range
    grid = np.geomspace(lo, hi, v.num) if v.scale == "log" else np.linspace(lo, hi, v.num)
    return [int(round(g)) for g in grid] if is_int else [float(g) for g in grid]


def _decode(v: Vary, is_int: bool, x: float) -> Any:
    if v.values is not None:
        return v.values[min(int(np.floor(x)), len(v.values) - 1)]
    if v.scale == "log":  # clipped: 10 ** log10(high) may land an ulp above high
        x = min(max(10.0**x, v.range[0]), v.range[1])
    if is_int:
        lo, hi = v.range
        return int(min(max(round(x), lo), hi))
    return float(x)


#: The Parquet type of a drawn parameter by kind (a schedule is drawn as a constant number).
POSTERIOR_TYPES = {
    "float": pa.float64(),
    "schedule": pa.float64(),
    "int": pa.int64(),
    "int_or_inf": pa.int64(),
    "bool": pa.bool_(),
    "choice": pa.string(),
}


def param_types(spec: SweepSpec) -> dict[str, pa.DataType]:
    """The Parquet type of each ``param_<name>`` column, fixed by the spec alone so that
    every part file of a sweep has the same schema (a posterior design's drawn parameters
    first, typed by their kind)."""
    out: dict[str, pa.DataType] = {}
    if spec.design.kind == "posterior":
        from abm.sweep.models import model_info

        params = model_info(spec.model).params
        for name in _posterior(spec)[1]:
            out[name] = POSTERIOR_TYPES.get(params[name].kind, pa.float64())
    for name, v in spec.vary.items():
        if v.values is None:
            out[name] = pa.int64() if _is_int(spec, name) else pa.float64()
            continue
        vals = v.values
        if all(isinstance(x, bool) for x in vals):
            out[name] = pa.bool_()
        elif any(isinstance(x, str) for x in vals):
            out[name] = pa.string()
        elif all(isinstance(x, int) for x in vals):
            out[name] = pa.int64()
        else:
            out[name] = pa.float64()
    return out


def column_value(value: Any, typ: pa.DataType) -> Any:
    """A point's value as stored in a column of type ``typ`` (text for mixed columns)."""
    if pa.types.is_string(typ):
        return value if isinstance(value, str) else repr(value)
    if pa.types.is_floating(typ):
        return float(value)
    return value
