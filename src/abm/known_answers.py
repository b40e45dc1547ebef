"""Known answers for the analyses: a toy model whose outcome probabilities we choose, and
sweep folders of it written in seconds.

Not an analysis and not part of a model: the analyses' tests (and anyone checking an
analysis) use it the way SALib ships its test functions (Ishigami, Sobol G), in the open.

The analyses are tested against answers known in advance: an outcome whose probability
depends on one parameter only must rank that parameter first; a probability we set must
fall inside its interval. Two ways to get such results:

- ``write_results`` writes a results folder through the sweep store (docs/schema.md: the
  manifest, design and checksummed parts ``abm sweep`` writes) directly from chosen
  outcome probabilities, with failed runs or NaN outputs injected where a test wants
  them, in well under a second;
- importing this module registers the catalogue entry ``toy_outcomes`` (parameters a, b,
  c in [0, 1]), so a real ``abm sweep`` with ``imports = ["abm.known_answers"]`` produces
  the same kind of results through the real sweep machinery.

In both, each outcome happens in a run with its probability at the run's parameters, at a
uniformly drawn week; the final class is the first outcome to happen (``status_quo`` if
none); the series ``tension`` jumps from about 0.2 to 0.8 at that week, ``calm`` mirrors it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from abm import catalog
from abm.contract import RunResult, RunSetup
from abm.params import Param, ParamSet

if TYPE_CHECKING:
    from abm.sweep.design import DesignTable

Probability = Callable[[Mapping[str, Any]], Any]

#: The toy model's outcomes: uprising depends on ``a`` only (a step at 0.6), mutiny on ``b``
#: only (linear), ejection on nothing (rare, constant); ``c`` does nothing at all.
TOY_PROBABILITIES: dict[str, Probability] = {
    "uprising": lambda x: np.where(np.asarray(x["a"]) > 0.6, 0.9, 0.05),
    "mutiny": lambda x: 0.6 * np.asarray(x["b"]),
    "ejection": lambda x: np.full(np.shape(x["a"]), 0.02),
}
TOY_PARAMS = ParamSet(
    [
        Param("a", 0.5, "float", "drives uprising (P = 0.9 above 0.6, else 0.05)", "share", 0, 1),
        Param("b", 0.5, "float", "drives mutiny (P = 0.6 b)", "share", 0, 1),
        Param("c", 0.5, "float", "drives nothing", "share", 0, 1),
    ]
)
TOY_STEPS = 52


def simulate(
    params: Mapping[str, float],
    rng: np.random.Generator,
    steps: int,
    probabilities: Mapping[str, Probability],
    nan_score: bool = False,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """One synthetic run: the summary (final_class, week_<outcome>, score) and its series."""
    weeks: dict[str, int | None] = {}
    for outcome, prob in probabilities.items():
        p = float(prob({k: np.float64(v) for k, v in params.items()}))
        hit = rng.random() < p and steps >= 1  # nothing can happen in zero weeks
        weeks[outcome] = int(rng.integers(1, steps + 1)) if hit else None
    happened = [(w, o) for o, w in weeks.items() if w is not None]
    first = min(happened) if happened else None
    summary: dict[str, Any] = {"final_class": first[1] if first else "status_quo"}
    summary.update({f"week_{o}": w for o, w in weeks.items()})
    score = float(rng.normal())
    summary["score"] = math.nan if nan_score else score
    step = np.arange(steps + 1)
    onset = first[0] if first else steps + 1
    tension = 0.2 + 0.6 * (step >= onset) + rng.normal(0.0, 0.05, steps + 1)
    series = pd.DataFrame({"step": step, "tension": tension, "calm": 1.0 - tension})
    return summary, series


def run_toy(setup: RunSetup, seed: int) -> RunResult:
    """The toy model's run function (see the module docstring)."""
    summary, series = simulate(
        setup.params, np.random.default_rng(seed), setup.steps, TOY_PROBABILITIES
    )
    return RunResult("toy_outcomes", dict(setup.params), seed, setup.steps, summary, series)


catalog.register(
    catalog.Entry(
        name="toy_outcomes",
        title="Toy model with known outcome probabilities",
        params_ref=TOY_PARAMS,
        run_ref=run_toy,
        default_steps=TOY_STEPS,
        step_label="week",
    )
)


@dataclass(frozen=True)
class SyntheticDesign:
    """Design points in the sampler's row order, with what the manifest records of them."""

    kind: str
    bounds: dict[str, tuple[float, float]]
    points: pd.DataFrame
    x: np.ndarray | None
    problem: dict[str, Any] | None
    options: dict[str, Any]


def make_design(
    kind: str,
    bounds: Mapping[str, tuple[float, float]],
    n: int,
    *,
    seed: int = 0,
    second_order: bool = False,
    levels: int = 4,
) -> SyntheticDesign:
    """A design drawn by SALib's samplers (or a grid of ``n`` levels per parameter)."""
    names = list(bounds)
    problem = {"num_vars": len(names), "names": names, "bounds": [list(bounds[k]) for k in names]}
    if kind == "grid":
        levels_ = [np.linspace(*bounds[k], n) for k in names]
        x = np.array(list(itertools.product(*levels_)), dtype=float)
        return SyntheticDesign(kind, dict(bounds), pd.DataFrame(x, columns=names), None, None, {})
    if kind == "sobol":
        from SALib.sample import sobol

        x = sobol.sample(problem, n, calc_second_order=second_order, seed=seed)
        options = {"n": n, "seed": seed, "second_order": second_order}
    elif kind == "morris":
        from SALib.sample import morris

        x = morris.sample(problem, n, num_levels=levels, seed=seed)
        options = {"n": n, "seed": seed, "levels": levels}
    elif kind == "lhs":
        from SALib.sample import latin

        x = latin.sample(problem, n, seed=seed)
        options = {"n": n, "seed": seed}
    else:
        raise ValueError(f"unknown design kind {kind!r}")
    return SyntheticDesign(kind, dict(bounds), pd.DataFrame(x, columns=names), x, problem, options)


def write_results(
    path: str | Path,
    design: SyntheticDesign,
    probabilities: Mapping[str, Probability],
    *,
    replicates: int = 4,
    steps: int = TOY_STEPS,
    seed: int = 0,
    failed: Sequence[tuple[int, int]] = (),
    nan_score: Sequence[tuple[int, int]] = (),
    keep_series: bool = True,
    parts: int = 3,
) -> Path:
    """Write a results folder through the sweep store, from known outcome probabilities.

    The folder is what ``abm sweep`` writes (manifest, design, checksummed parts): the
    store's own writer makes it, so the analyses read the one format there is. Runs get the
    seeds a sweep would give them. ``failed`` lists (point_id, replicate) runs recorded as
    failures instead of runs; ``nan_score`` lists runs whose numeric summary ``score`` is
    NaN. The runs go in ``parts`` batches, as a sweep writes them.
    """
    from abm.sweep.seeds import run_id, run_seed
    from abm.sweep.store import SweepStore
    from abm.sweep.worker import BatchOutput, RunTask

    path = Path(path)
    names = list(design.points.columns)
    table = _design_table(design)
    types = {k: pa.float64() for k in names}
    spec = _spec(path, design, replicates, steps, seed, keep_series)
    units = {"params": {k: TOY_PARAMS[k].unit for k in names if k in TOY_PARAMS}, "series": {}}
    planned = len(table) * replicates
    code = {"abm_version": "known-answers"}
    store = SweepStore.open(path, spec, table, types, planned, code=code, units=units)
    try:
        failed, nan_score = set(failed), set(nan_score)
        keys = list(itertools.product(range(len(table)), range(replicates)))
        for batch in np.array_split(np.arange(len(keys)), parts):
            tasks, out = [], BatchOutput()
            for pid, rep in (keys[i] for i in batch):
                params = table.points[pid]
                task = RunTask(run_id(pid, rep), pid, rep, run_seed(seed, pid, rep), params)
                tasks.append(task)
                if (pid, rep) in failed:
                    out.failures[task.run_id] = ("RuntimeError: injected", "(synthetic)")
                    continue
                summary, series = simulate(
                    {**TOY_PARAMS.defaults(), **params},  # unvaried toy parameters: defaults
                    np.random.default_rng(task.seed),
                    steps,
                    probabilities,
                    (pid, rep) in nan_score,
                )
                out.summaries[task.run_id] = summary
                out.elapsed[task.run_id] = 0.001
                if keep_series:
                    out.series[task.run_id] = pa.Table.from_pandas(series, preserve_index=False)
            if tasks:
                store.write_runs(tasks, out)
        store.manifest["status"] = "complete" if not failed else "failed_runs"
        store.write_manifest()
    finally:
        store.close()
    return path


def _design_table(design: SyntheticDesign) -> DesignTable:
    from abm.sweep.design import DesignTable

    names = tuple(design.points.columns)
    points = [{k: float(v) for k, v in row.items()} for row in design.points.to_dict("records")]
    return DesignTable(names, points, design.x, design.problem)


def _spec(path: Path, design, replicates, steps, seed, keep_series) -> dict[str, Any]:
    """The spec a sweep of the toy model with this design would store."""
    if design.kind == "grid":
        vary = {
            k: {"range": list(design.bounds[k]), "num": int(design.points[k].nunique())}
            for k in design.points.columns
        }
    else:
        vary = {k: {"range": list(design.bounds[k])} for k in design.points.columns}
    return {
        "name": path.name,
        "description": "synthetic results with known outcome probabilities",
        "model": "toy_outcomes",
        "scenario": None,
        "steps": steps,
        "replicates": replicates,
        "seed": seed,
        "common_random_numbers": False,
        "keep_series": ["tension", "calm"] if keep_series else [],
        "imports": [__name__],
        "fixed": {},
        "vary": vary,
        "design": {"kind": design.kind, **design.options},
    }
