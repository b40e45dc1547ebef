"""Results with known answers: a toy model and a writer of synthetic sweep folders.

The analyses are tested against answers known in advance: an outcome whose probability
depends on one parameter only must rank that parameter first; a probability we set must
fall inside its interval. Two ways to get such results:

- ``write_results`` writes a results folder in the sweep schema (docs/schema.md, the
  manifest ``abm sweep`` writes) directly from chosen outcome probabilities, with failed
  runs or NaN outputs injected where a test wants them, in well under a second;
- importing this module registers the catalogue entry ``toy_outcomes`` (parameters a, b,
  c in [0, 1]), so a real ``abm sweep`` with ``imports = ["abm.analysis.synthetic"]`` produces
  the same kind of results through the real sweep machinery.

In both, each outcome happens in a run with its probability at the run's parameters, at a
uniformly drawn week; the final class is the first outcome to happen (``status_quo`` if
none); the series ``tension`` jumps from about 0.2 to 0.8 at that week, ``calm`` mirrors it.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abm import catalog
from abm.contract import RunResult, RunSetup
from abm.params import Param, ParamSet

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
    steps: int = 52,
    seed: int = 0,
    failed: Sequence[tuple[int, int]] = (),
    nan_score: Sequence[tuple[int, int]] = (),
    keep_series: bool = True,
    parts: int = 3,
) -> Path:
    """Write a results folder as ``abm sweep`` would, from known outcome probabilities.

    ``failed`` lists (point_id, replicate) runs recorded as failures instead of runs;
    ``nan_score`` lists runs whose numeric summary ``score`` is NaN. The runs table is
    split into ``parts`` part files, as a sweep writes them in batches.
    """
    path = Path(path)
    for sub in ("runs", "series", "failures"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    names = list(design.points.columns)
    failed, nan_score = set(failed), set(nan_score)
    runs, series, failures = [], [], []
    for pid, rep in itertools.product(range(len(design.points)), range(replicates)):
        seq = np.random.SeedSequence(seed, spawn_key=(pid, rep))
        row: dict[str, Any] = {
            "run_id": f"p{pid:06d}-r{rep:04d}",
            "point_id": pid,
            "replicate": rep,
            "seed": int(seq.generate_state(1, np.uint64)[0]),
        }
        params = {k: float(design.points.at[pid, k]) for k in names}
        row.update({f"param_{k}": v for k, v in params.items()})
        if (pid, rep) in failed:
            failures.append({**row, "error": "RuntimeError: injected", "traceback": "(synthetic)"})
            continue
        summary, s = simulate(
            {**TOY_PARAMS.defaults(), **params},  # unvaried toy parameters at their defaults
            np.random.default_rng(seq),
            steps,
            probabilities,
            (pid, rep) in nan_score,
        )
        runs.append({**row, "elapsed_s": 0.001, **summary})
        if keep_series:
            series.append(s.assign(run_id=row["run_id"])[["run_id", "step", "tension", "calm"]])
    runs_df = pd.DataFrame(runs)
    for o in probabilities:
        runs_df[f"week_{o}"] = runs_df[f"week_{o}"].astype("Int64")
    for i, part in enumerate(np.array_split(np.arange(len(runs_df)), parts)):
        runs_df.iloc[part].to_parquet(path / "runs" / f"part-{i:05d}.parquet", index=False)
    if series:
        pd.concat(series, ignore_index=True).to_parquet(path / "series" / "part-00000.parquet")
    if failures:
        pd.DataFrame(failures).to_parquet(path / "failures" / "part-00000.parquet", index=False)
    _write_design(path, design)
    _write_manifest(path, design, replicates, steps, seed, len(runs), len(failures), keep_series)
    return path


def _write_design(path: Path, design: SyntheticDesign) -> None:
    table = pd.DataFrame({"point_id": np.arange(len(design.points), dtype=np.int64)})
    for k in design.points.columns:
        table[f"param_{k}"] = design.points[k].to_numpy(dtype=float)
    if design.x is not None:
        for j, k in enumerate(design.points.columns):
            table[f"x_{k}"] = design.x[:, j]
    table.to_parquet(path / "design.parquet", index=False)


def _write_manifest(path, design, replicates, steps, seed, done, failed, keep_series) -> None:
    n = len(design.points)
    if design.kind == "grid":
        vary = {
            k: {"range": list(design.bounds[k]), "num": int(design.points[k].nunique())}
            for k in design.points.columns
        }
    else:
        vary = {k: {"range": list(design.bounds[k])} for k in design.points.columns}
    manifest = {
        "format": 1,
        "spec": {
            "name": path.name,
            "description": "synthetic results with known outcome probabilities",
            "model": "toy_outcomes",
            "scenario": None,
            "steps": steps,
            "replicates": replicates,
            "seed": seed,
            "common_random_numbers": False,
            "keep_series": ["tension", "calm"] if keep_series else [],
            "imports": ["abm.analysis.synthetic"],
            "fixed": {},
            "vary": vary,
            "design": {"kind": design.kind, **design.options},
        },
        "abm_version": "synthetic",
        "planned": n * replicates,
        "design_points": n,
        "problem": design.problem,
        "sessions": [],
        "counts": {
            "planned": n * replicates,
            "done": done,
            "failed": failed,
            "pending": n * replicates - done - failed,
        },
    }
    (path / "manifest.json").write_text(json.dumps(manifest, indent=2))
