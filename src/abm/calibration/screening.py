"""Screening before estimation: Morris elementary effects of every prior parameter on the
fit-period statistics, which parameters to estimate, and which the data cannot inform
(issue 13, step 2).

An estimation of ~70 parameters from ~25 observations is hopeless; most parameters move
none of the observed statistics over their prior range. Morris's one-at-a-time design
(Morris 1991; Campolongo, Cariboni & Saltelli 2007) finds the few that do, at (D + 1) r runs
for D parameters and r trajectories, and ranks them by mu*, the mean absolute elementary
effect

    EE_i = (y(x + Delta e_i) - y(x)) / Delta,     mu*_i = mean over trajectories of |EE_i|,

with x in the unit hypercube of the priors (a log-scale prior in log10 of its value) and
Delta = levels / (2 (levels - 1)) (2/3 at four levels); sigma_i, the spread of the EE_i,
says whether the effect is non-linear or interacts.

**Outputs.** Each statistic's *discrepancy* (``Target.discrepancies``: the gap between
what the run gives and the observed range, in units of the observation's own error scale;
0 = consistent) is already on a common scale, so mu* of the discrepancy is comparable across
statistics without further normalisation: it is "how many error scales a move across 2/3 of
the prior shifts the fit of this statistic". Two guards keep one statistic from dominating:

- the hard facts enter as soft 0/1 misses (a miss costs 1 / BINARY_SCALE = 2 units, as any
  soft fact) instead of an infinite discrepancy, and each hard fact's 0/1 failure is a
  separate output (``output = "hard_fails"``), reported but not aggregated;
- every discrepancy is capped at ``CAP`` (10) units: beyond about a factor of e^(10 x 0.1-0.35)
  (3 - 30 depending on the scale) a run is simply far off, and differences between far-off
  runs are not what the estimation needs to learn.

**Seed noise.** Each design point runs once, with its own seed, so every EE holds seed
noise: an inert parameter's EE is (y(x, seed b) - y(x, seed a)) / Delta, so its mu* is not
0 but the *noise floor* ``m = E|y(x, seed a) - y(x, seed b)| / Delta`` over the design's
points x. It is estimated where the design is: ``noise_points`` Morris points drawn at random
are run once more with a second seed (the one the sweep would give their replicate 1), and
paired with their stored run. Not at the defaults, nor over the prior's interior: a
discrepancy saturated at the cap, or 0, has no seed spread there, and half the coordinates of
a Morris point sit on a prior's bound, where runs saturate more often than inside. A
parameter's *signal* on a statistic is ``max(mu* - m, 0)``;
it is *negligible* there when ``mu* <= m + NOISE_Z x s / sqrt(r) + ABS_FLOOR``, with s the
sd of the pair differences over Delta and r the trajectories: within NOISE_Z = 3 standard
errors of what seed noise alone gives (3 is about the one-sided Bonferroni bound for a 5 %
family-wise level over the ~30 outputs of one parameter), plus 0.05 units.

**Selection rule.** A parameter's aggregated score is the mean of its signal over the
statistics (in error-scale units). Parameters are ranked by it; those with a score of at
least ``SHARE`` (10 %) of the largest are selected, at most ``MAX_SELECTED`` (8), the issue's
limit. A parameter negligible on every statistic and every hard fact is one the fit-period
data cannot inform: it keeps its prior (every result must say so), and a block (``Param.group``)
all of whose priored parameters are such is a block the fit period cannot inform.

This module knows the model only through the catalogue (``priors``, ``targets``) and runs
it only through ``abm.sweep``.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: Discrepancies are capped at this many error scales (and an infinite one is set to it).
CAP = 10.0
#: A parameter is negligible on a statistic when mu* <= noise + NOISE_Z x its standard
#: error + ABS_FLOOR (module docstring).
NOISE_Z = 3.0
ABS_FLOOR = 0.05
#: Selected: aggregated score >= SHARE x the largest, at most MAX_SELECTED.
SHARE = 0.10
MAX_SELECTED = 8
#: Morris grid levels (SALib; even); design points rerun with a second seed (noise floor).
LEVELS = 4
NOISE_POINTS = 40
#: Seconds one fit-period run of the history scenario takes at 10,000 agents on one core
#: (measured: the default sizes are chosen from it).
RUN_S = 0.9


def delta(levels: int = LEVELS) -> float:
    """Morris's step in the unit hypercube (SALib: levels / (2 (levels - 1)))."""
    return levels / (2.0 * (levels - 1))


# -- the sweeps ------------------------------------------------------------------------------


def screen_target(model: str, period: str = "fit", statistics: Sequence[str] | None = None):
    """The model's target of ``period`` with its default hard facts (for the 0/1 failures),
    and the same target with no hard facts (discrepancies all finite); ``statistics``, if
    given, keeps only the statistics whose key contains one of these strings."""
    from abm import catalog

    entry = catalog.get(model)
    hard = entry.targets(period=period)
    soft = entry.targets(period=period, hard=())
    if statistics:
        keep = tuple(s for s in hard.stats if any(p in s.key for p in statistics))
        if not keep:
            raise ValueError(f"no statistic of the {period} period matches {list(statistics)}")
        hard = replace(hard, stats=keep)
        soft = replace(soft, stats=tuple(s for s in soft.stats if s.key in hard.keys))
    return hard, soft


def screened_priors(model: str, names: Sequence[str] | None = None, fixed: Mapping = ()):
    """The model's priors to screen: all (or those in ``names``), none that is ``fixed``."""
    from abm import catalog

    priors = catalog.get(model).priors()
    if priors is None:
        raise ValueError(f"model {model!r} declares no priors")
    fixed = dict(fixed)
    if names:
        unknown = [n for n in names if n not in priors.names]
        if unknown:
            raise ValueError(f"not a prior of {model}: {', '.join(unknown)}")
    keep = [p for p in priors if (not names or p.name in names) and p.name not in fixed]
    return type(priors)(tuple(keep), priors.origin)


def vary_of(priors) -> dict[str, dict[str, Any]]:
    """A sweep's ``vary`` table spanning each prior (a log prior sampled in log10)."""
    return {p.name: {"range": [p.low, p.high], "scale": p.scale} for p in priors}


def history_sweep_fields(
    model: str, scenario: str | None, target, fixed: Mapping[str, Any]
) -> dict[str, Any]:
    """What every estimation sweep of the history shares: the model, the scenario, the
    target's run length and the series its statistics read, the fixed values."""
    return {
        "model": model,
        "scenario": scenario,
        "steps": target.steps,
        "keep_series": list(target.series),
        "fixed": dict(fixed),
    }


def screen_specs(
    model: str,
    scenario: str | None,
    target,
    priors,
    *,
    trajectories: int,
    fixed: Mapping[str, Any],
    levels: int = LEVELS,
    seed: int = 2022,
) -> dict[str, Any]:
    """The screen's sweep: the Morris design over ``priors``, one seed per point. Validated
    before any run."""
    from abm.sweep import SweepSpec

    common = history_sweep_fields(model, scenario, target, fixed)
    return {
        "morris": SweepSpec.from_dict(
            {
                **common,
                "name": "calibration_screen",
                "description": f"Morris screening of {len(priors)} priors, {trajectories} "
                "trajectories, one seed a point",
                "vary": vary_of(priors),
                "design": {"kind": "morris", "n": trajectories, "levels": levels, "seed": seed},
                "replicates": 1,
                "seed": seed,
            }
        ),
    }


def stored_values(folder: Path, target) -> pd.DataFrame:
    """Each stored run's simulated statistics (columns ``target.keys``) with its
    ``point_id`` and ``replicate``; failed runs are absent."""
    from abm.sweep.read import SweepFolder

    sf = SweepFolder(folder)
    runs = sf.table("runs")
    if runs.empty:
        return pd.DataFrame(columns=["run_id", "point_id", "replicate", *target.keys])
    series = sf.table("series", columns=["step", *target.series])
    values = target.summarise_sweep(series, runs)
    rows = runs.set_index("run_id")
    out = pd.DataFrame.from_dict(values, orient="index")
    out = out.reindex(columns=list(target.keys))
    out.insert(0, "replicate", rows.loc[out.index, "replicate"].to_numpy())
    out.insert(0, "point_id", rows.loc[out.index, "point_id"].to_numpy())
    out.index.name = "run_id"
    return out.reset_index()


def noise_points(n_design: int, k: int = NOISE_POINTS, seed: int = 0) -> list[int]:
    """The design points rerun with a second seed: ``k`` drawn at random, sorted."""
    rng = np.random.default_rng(seed)
    return sorted(int(p) for p in rng.choice(n_design, size=min(k, n_design), replace=False))


def noise_reruns(spec, target, points: Sequence[int], path: Path) -> pd.DataFrame:
    """Run each of ``points`` of ``spec``'s design once more with the seed the sweep would
    give its replicate 1, score it as a stored run, and cache the values in ``path`` (CSV;
    a rerun of the screen only runs the points not there yet). Rows: ``point_id``,
    ``replicate`` (1) and the target's keys."""
    from abm.runner import run
    from abm.sweep import build_design, run_seed

    path = Path(path)
    done = pd.read_csv(path) if path.is_file() else pd.DataFrame(columns=["point_id"])
    design = build_design(spec)
    wanted = set(points)
    rows = [r for _, r in done.iterrows() if int(r["point_id"]) in wanted]
    have = {int(r["point_id"]) for r in rows}
    for p in points:
        if p in have:
            continue
        params = spec.run_params(design.points[p])
        seed = run_seed(spec.seed, p, 1, spec.common_random_numbers)
        r = run(spec.model, params, seed, spec.steps)
        kept = r.series[["step", *[c for c in target.series if c in r.series.columns]]]
        values = target.summarise_stored(kept, dict(r.summary))
        rows.append(pd.Series({"point_id": p, "replicate": 1, **values}))
        path.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(rows).to_csv(path, index=False)
    out = pd.DataFrame(rows).reindex(columns=["point_id", "replicate", *target.keys])
    return out.sort_values("point_id").reset_index(drop=True)


def outputs(
    values: pd.DataFrame, hard, soft, cap: float = CAP
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The screened outputs of each run: capped soft discrepancies (one column per
    statistic) and each hard fact's failure (0/1, one column per hard key)."""
    disc, fails = [], []
    for _, row in values.iterrows():
        vals = {k: row[k] for k in soft.keys}
        disc.append(np.minimum(np.nan_to_num(soft.discrepancies(vals), posinf=cap), cap))
        d_hard = hard.discrepancies(vals)
        fails.append([float(np.isinf(d_hard[hard.keys.index(k)])) for k in hard.hard])
    idx = values.index
    return (
        pd.DataFrame(disc, columns=list(soft.keys), index=idx),
        pd.DataFrame(fails, columns=list(hard.hard), index=idx),
    )


# -- the analysis ----------------------------------------------------------------------------


def noise_floor(y: pd.DataFrame, levels: int = LEVELS) -> pd.DataFrame:
    """Per output column, the mu* an inert parameter would show through seed noise alone
    (``mean``: the mean absolute difference between two runs at one point, over Delta) and
    the sd of those differences over Delta (``sd``). Runs at one point share ``point_id``
    (every pair of them counts); without that column all rows are one point."""
    groups = y.groupby("point_id") if "point_id" in y.columns else [(0, y)]
    cols = [c for c in y.columns if c not in ("point_id", "replicate")]
    diffs: dict[str, list[float]] = {c: [] for c in cols}
    for _, g in groups:
        for c in cols:
            v = g[c].to_numpy(float)
            v = v[np.isfinite(v)]
            diffs[c] += [abs(a - b) for a, b in itertools.combinations(v, 2)]
    d = delta(levels)
    return pd.DataFrame(
        {
            "mean": [float(np.mean(diffs[c])) / d if diffs[c] else 0.0 for c in cols],
            "sd": [float(np.std(diffs[c])) / d if len(diffs[c]) > 1 else 0.0 for c in cols],
        },
        index=cols,
    )


def morris_indices(
    problem: Mapping[str, Any],
    x: np.ndarray,
    y: pd.DataFrame,
    *,
    levels: int = LEVELS,
    noise: pd.DataFrame | None = None,
    output: str = "discrepancy",
    seed: int = 0,
    num_resamples: int = 200,
) -> pd.DataFrame:
    """Morris mu, mu*, its confidence half-width and sigma (SALib) of every column of ``y``
    (rows in the design's order) on every parameter, one row per (parameter, statistic),
    with the noise floor, the signal above it, mu* relative to the statistic's largest and
    whether the effect is negligible (module docstring). ``noise`` as ``noise_floor`` gives
    it (None: no seed noise)."""
    from SALib.analyze import morris as morris_analyze

    names = list(problem["names"])
    r = max(len(x) // (len(names) + 1), 1)
    rows = []
    for col in y.columns:
        yy = y[col].to_numpy(float)
        if not np.all(np.isfinite(yy)):
            raise ValueError(f"{col}: {int((~np.isfinite(yy)).sum())} non-finite outputs")
        si = morris_analyze.analyze(
            dict(problem),
            x,
            yy,
            num_resamples=num_resamples,
            num_levels=levels,
            seed=seed,
        )
        has = noise is not None and col in noise.index
        floor = float(noise.loc[col, "mean"]) if has else 0.0
        se = float(noise.loc[col, "sd"]) / math.sqrt(r) if has else 0.0
        top = float(np.max(si["mu_star"])) if len(names) else 0.0
        for j, name in enumerate(names):
            ms = float(si["mu_star"][j])
            rows.append(
                {
                    "param": name,
                    "statistic": col,
                    "output": output,
                    "mu": float(si["mu"][j]),
                    "mu_star": ms,
                    "mu_star_conf": float(si["mu_star_conf"][j]),
                    "sigma": float(np.nan_to_num(si["sigma"][j])),
                    "noise": floor,
                    "noise_se": se,
                    "signal": max(ms - floor, 0.0),
                    "relative": ms / top if top > 0 else 0.0,
                    "negligible": bool(ms <= floor + NOISE_Z * se + ABS_FLOOR),
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Selection:
    """The ranking, what is selected and why, and what the data cannot inform."""

    ranking: pd.DataFrame
    selected: tuple[str, ...]
    uninformed: tuple[str, ...]
    uninformed_blocks: tuple[str, ...]
    rule: str
    share: float = SHARE
    max_selected: int = MAX_SELECTED
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "selected": list(self.selected),
            "rule": self.rule,
            "share": self.share,
            "max_selected": self.max_selected,
            "cap": CAP,
            "noise_z": NOISE_Z,
            "abs_floor": ABS_FLOOR,
            "scores": {
                r["param"]: round(float(r["score"]), 6)
                for _, r in self.ranking.iterrows()
                if r["param"] in self.selected
            },
            "uninformed": list(self.uninformed),
            "uninformed_blocks": list(self.uninformed_blocks),
            **self.extra,
        }


RULE = (
    "rank the parameters by their aggregated score (the mean over the fit statistics of "
    "max(mu* - noise floor, 0), mu* of the discrepancy capped at {cap:g} error scales); "
    "select those scoring at least {share:.0%} of the largest, at most {most}"
)


def select(
    table: pd.DataFrame,
    groups: Mapping[str, str] | None = None,
    share: float = SHARE,
    most: int = MAX_SELECTED,
) -> Selection:
    """Rank parameters by their aggregated signal over the discrepancy outputs and apply the
    rule (module docstring); ``table`` as ``morris_indices`` gives it (hard-fact outputs too)."""
    groups = dict(groups or {})
    disc = table[table["output"] == "discrepancy"]
    agg = disc.groupby("param", sort=False).agg(
        score=("signal", "mean"),
        mu_star=("mu_star", "mean"),
        sigma=("sigma", "mean"),
        informs=("negligible", lambda s: int((~s.astype(bool)).sum())),
    )
    informs_all = table.groupby("param", sort=False)["negligible"].apply(
        lambda s: int((~s.astype(bool)).sum())
    )
    agg["informs_any"] = informs_all.reindex(agg.index).fillna(0).astype(int)
    agg["group"] = [groups.get(p, "") for p in agg.index]
    agg = agg.sort_values(["score", "mu_star"], ascending=False, kind="stable")
    top = float(agg["score"].iloc[0]) if len(agg) else 0.0
    agg["share_of_top"] = agg["score"] / top if top > 0 else 0.0
    agg["rank"] = np.arange(1, len(agg) + 1)
    chosen = [p for p, r in agg.iterrows() if top > 0 and r["score"] >= share * top][:most]
    agg["selected"] = [p in chosen for p in agg.index]
    agg["informed"] = agg["informs_any"] > 0
    uninformed = tuple(p for p, r in agg.iterrows() if not r["informed"])
    blocks = []
    for g in dict.fromkeys(agg["group"]):
        members = agg.index[agg["group"] == g]
        if g and len(members) and all(p in uninformed for p in members):
            blocks.append(g)
    ranking = agg.reset_index().rename(columns={"index": "param"})
    return Selection(
        ranking,
        tuple(chosen),
        uninformed,
        tuple(blocks),
        RULE.format(cap=CAP, share=share, most=most),
        share,
        most,
    )


@dataclass(frozen=True)
class Screen:
    """A finished screen: the indices table and the selection."""

    table: pd.DataFrame
    selection: Selection
    runs: int
    failed: int


def analyse(
    model: str,
    morris_folder: Path,
    noise_csv: Path,
    spec,
    hard,
    soft,
    *,
    share: float = SHARE,
    most: int = MAX_SELECTED,
    n_noise: int = NOISE_POINTS,
) -> Screen:
    """Score the stored runs of both sweeps and compute the indices and the selection.
    A failed run (one that raised) is scored as a miss of ``CAP`` on every statistic and a
    failure of every hard fact (counted in ``Screen.failed``). The noise floor pairs the
    stored runs of ``noise_points`` random design points with reruns (``noise_reruns``,
    cached in ``noise_csv``)."""
    from abm import catalog
    from abm.sweep import build_design

    design = build_design(spec)
    n = len(design)
    values = stored_values(morris_folder, hard).set_index("point_id").sort_index()
    disc, fails = outputs(values, hard, soft)
    disc = disc.reindex(range(n)).fillna(CAP)
    fails = fails.reindex(range(n)).fillna(1.0)
    chosen = [p for p in noise_points(n, n_noise, spec.seed) if p in values.index]
    again = noise_reruns(spec, hard, chosen, noise_csv)
    first = values.loc[chosen].reset_index()
    rep = pd.concat([first, again], ignore_index=True)
    rep_disc, rep_fails = outputs(rep, hard, soft)
    rep_disc.insert(0, "point_id", rep["point_id"].to_numpy())
    rep_fails.insert(0, "point_id", rep["point_id"].to_numpy())
    levels = spec.design.levels
    table = pd.concat(
        [
            morris_indices(
                design.problem, design.x, disc, levels=levels, noise=noise_floor(rep_disc, levels)
            ),
            morris_indices(
                design.problem,
                design.x,
                fails,
                levels=levels,
                noise=noise_floor(rep_fails, levels),
                output="hard_fails",
            ),
        ],
        ignore_index=True,
    )
    params = catalog.get(model).params
    groups = {name: params[name].group for name in design.names}
    table.insert(1, "group", table["param"].map(groups))
    return Screen(table, select(table, groups, share, most), len(values), n - len(values))


def write(out: Path, screen: Screen, extra: Mapping[str, Any] | None = None) -> list[Path]:
    """screening.csv (every index), ranking.csv (per parameter) and selected.json."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "screening.csv", out / "ranking.csv", out / "selected.json"]
    screen.table.to_csv(paths[0], index=False, float_format="%.6g")
    screen.selection.ranking.to_csv(paths[1], index=False, float_format="%.6g")
    data = screen.selection.to_dict()
    data.update({"runs": screen.runs, "failed_runs": screen.failed, **dict(extra or {})})
    paths[2].write_text(json.dumps(data, indent=2, default=_json) + "\n", encoding="utf-8")
    return paths


def read_selected(path: str | Path) -> list[str]:
    """The parameters a screen selected (its selected.json, or a folder holding it)."""
    p = Path(path)
    if p.is_dir():
        p = p / "selected.json"
    return list(json.loads(p.read_text(encoding="utf-8"))["selected"])


def _json(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, float) and math.isnan(x):
        return None
    return str(x)
