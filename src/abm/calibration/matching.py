"""History matching: one wave that rules out the parameter space no run could fit, before
ABC-SMC refines what remains (issue 13, step 3; Vernon, Goldstein & Bower 2010, Bayesian
Analysis 5(4):619; McCulloch et al. 2022, JASSS 25(2)1).

**Design.** A Latin hypercube over the priors of the selected parameters (the screen's
choice); the other priored parameters are either drawn from their priors in the same
hypercube (``nuisance = "prior"``, what the calibration spec does per particle) or held at
their defaults (``"default"``). One seed per point: the wave asks where *any* run fits, and
the seed noise enters the implausibility through the model scale below.

**Implausibility** of a point on statistic j (Vernon et al. 2010, eq. 6 with the emulator
variance replaced by the simulator's own seed variance, as the wave runs the model itself):

    I_j(x) = gap_j(x) / sqrt(obs_scale_j^2 + model_scale_j^2)

- ``gap_j``: how far the run's observable range lies outside the observed range, in natural
  log units (0 when they meet): the target's discrepancy times its error scale, so the
  observation model (Viasna's undercount, a poll's frame bias) is inside it;
- ``obs_scale_j``: the observation's error scale (``Target.scales``);
- ``model_scale_j``: the sd, over ``replicates`` seeds at the defaults, of the statistic's
  simulated value on its log scale (a 0/1 fact: of the 0/1 itself), floored at
  ``MODEL_SCALE_FLOOR`` (0.05): the stochastic model's own spread around its mean.

A point is implausible when its **second-largest** I_j exceeds ``THRESHOLD`` = 3
(Pukelsheim's three-sigma rule: any unimodal distribution puts at least 95 % of its mass
within 3 sd). The second maximum, not the maximum (Vernon et al. 2010 use the second and
third for many outputs): a single statistic that no prior run meets (a structural miss of the
model, which the wave does not model) would otherwise rule out the whole space, and with ~25
statistics one of them exceeds 3 by seed noise alone in a few per cent of good points.
``rule = "max"`` gives the stricter form.

**Structural misses.** A statistic over the threshold at ``MISSED_SHARE`` (90 %) or more of
the wave's points is one the model misses wherever the priors put it: it cannot tell points
apart, and with two such statistics the second-max rule would rule out the whole space. As
in Vernon et al. (2010), who match a subset of the outputs at the first wave, such a
statistic is set aside from this wave's rule (listed as set aside: a finding about the model
or the observation's error model, for the calibration to face), and the rule applies to the
others. ``missed_share = 1`` disables this.

**Hard facts** (no army defection, no troops in Ukraine, no substitution, the ruler in
power) are stochastic in the model: at a good point a rare run may still breach one. One
failing run therefore does not rule its point out. Instead the failure probability near a
point is estimated by its ``HARD_NEIGHBOURS`` (10) nearest design points (itself included,
in the unit cube of the selected parameters), and a point is implausible on the hard facts
when that local failure share is at least ``HARD_RATE`` (0.9): nearly every run there
breaks a fact, so ABC, which rejects every such run, would accept almost none.

**Narrowed box.** Per selected parameter, the min and max of the non-implausible points,
padded by one design cell (1/n of the prior's range, on its own linear or log10 scale) and
kept inside the prior: the ``bounds`` of the calibration spec. With no non-implausible point
the prior is kept whole and the wave says so.

This module knows the model only through the catalogue and runs it only through ``abm.sweep``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: Pukelsheim's three-sigma rule.
THRESHOLD = 3.0
#: The smallest model (seed) scale of a statistic, in its log units.
MODEL_SCALE_FLOOR = 0.05
#: Which implausibility of a point is compared with THRESHOLD.
RULES = ("second", "max")
#: A statistic over the threshold at this share of the points or more is set aside.
MISSED_SHARE = 0.9
#: Hard facts: a point is ruled out when this share of its nearest design points fail one.
HARD_NEIGHBOURS = 10
HARD_RATE = 0.9
#: Seed replicates at the defaults for the model scales.
REPLICATES = 20
#: Default design size (~5 min on 2 workers at 10,000 agents) and the fuller one.
POINTS = 600
FULL_POINTS = 2400
NUISANCE = ("prior", "default")


# -- the sweeps ------------------------------------------------------------------------------


def wave_specs(
    model: str,
    scenario: str | None,
    target,
    priors,
    selected: Sequence[str],
    *,
    points: int,
    nuisance: str = "prior",
    fixed: Mapping[str, Any],
    replicates: int = REPLICATES,
    seed: int = 2023,
) -> dict[str, Any]:
    """The wave's Latin hypercube (one seed a point) and the replicates at the defaults."""
    from abm.calibration.screening import history_sweep_fields, vary_of
    from abm.sweep import SweepSpec

    if nuisance not in NUISANCE:
        raise ValueError(f"nuisance {nuisance!r}: one of {', '.join(NUISANCE)}")
    missing = [n for n in selected if n not in priors.names]
    if missing or not selected:
        raise ValueError(f"selected parameters without a prior: {missing or '(none selected)'}")
    varied = [p for p in priors if p.name in selected or nuisance == "prior"]
    common = history_sweep_fields(model, scenario, target, fixed)
    return {
        "lhs": SweepSpec.from_dict(
            {
                **common,
                "name": "calibration_wave",
                "description": f"history-matching wave: Latin hypercube of {points} points over "
                f"{len(selected)} selected parameters, nuisance {nuisance}, one seed a point",
                "vary": vary_of(varied),
                "design": {"kind": "lhs", "n": points, "seed": seed},
                "replicates": 1,
                "seed": seed,
            }
        ),
        "defaults": SweepSpec.from_dict(
            {
                **common,
                "name": "calibration_wave_defaults",
                "description": f"{replicates} seeds at the defaults: the model (seed) scales",
                "replicates": replicates,
                "seed": seed + 1,
            }
        ),
    }


# -- the rule --------------------------------------------------------------------------------


def model_scales(log_values: np.ndarray, floor: float = MODEL_SCALE_FLOOR) -> np.ndarray:
    """Per statistic (column), the sd over seeds (rows) of its log value, at least ``floor``
    (NaN values ignored; a statistic with fewer than two values gets the floor)."""
    v = np.asarray(log_values, dtype=float)
    out = []
    for col in v.T:
        col = col[np.isfinite(col)]
        out.append(float(np.std(col, ddof=1)) if col.size >= 2 else 0.0)
    return np.maximum(np.array(out), floor)


def implausibility(gaps: np.ndarray, obs_scales: np.ndarray, model_scales_: np.ndarray):
    """I_j = gap_j / sqrt(obs_scale_j^2 + model_scale_j^2), row per point."""
    gaps = np.atleast_2d(np.asarray(gaps, dtype=float))
    denom = np.sqrt(np.asarray(obs_scales, float) ** 2 + np.asarray(model_scales_, float) ** 2)
    return gaps / denom


def point_implausibility(imp: np.ndarray, rule: str = "second") -> np.ndarray:
    """Each point's implausibility under ``rule``: its largest or second-largest I_j."""
    if rule not in RULES:
        raise ValueError(f"rule {rule!r}: one of {', '.join(RULES)}")
    imp = np.atleast_2d(np.asarray(imp, dtype=float))
    s = np.sort(np.nan_to_num(imp, nan=0.0), axis=1)[:, ::-1]
    if rule == "max" or s.shape[1] < 2:
        return s[:, 0]
    return s[:, 1]


def local_rate(unit_x: np.ndarray, fails: np.ndarray, k: int = HARD_NEIGHBOURS) -> np.ndarray:
    """Per point, the share of failures among its ``k`` nearest design points (itself
    included; Euclidean distance in the unit cube): a local failure probability."""
    u = np.atleast_2d(np.asarray(unit_x, dtype=float))
    f = np.asarray(fails, dtype=float)
    n = len(u)
    if n == 0:
        return np.zeros(0)
    k = max(1, min(k, n))
    out = np.empty(n)
    for i in range(n):
        d = np.sum((u - u[i]) ** 2, axis=1)
        near = np.argpartition(d, k - 1)[:k]
        out[i] = f[near].mean()
    return out


def usable(imp: np.ndarray, threshold: float = THRESHOLD, missed_share: float = MISSED_SHARE):
    """Per statistic (column), the share of points (rows) over ``threshold``, and whether
    the statistic is used by the rule (False: a structural miss, over the threshold at
    ``missed_share`` of the points or more; see the module docstring)."""
    imp = np.atleast_2d(np.asarray(imp, dtype=float))
    if not len(imp):
        return np.zeros(imp.shape[1]), np.ones(imp.shape[1], dtype=bool)
    over = (imp > threshold).mean(axis=0)
    return over, over < missed_share


def rule_out(
    point_imp: np.ndarray,
    hard_rate: np.ndarray | None = None,
    threshold: float = THRESHOLD,
    max_hard_rate: float = HARD_RATE,
) -> np.ndarray:
    """True where a point is implausible: its implausibility exceeds ``threshold``, or the
    local failure share of the hard facts reaches ``max_hard_rate``."""
    out = np.asarray(point_imp, dtype=float) > threshold
    if hard_rate is not None:
        out |= np.asarray(hard_rate, dtype=float) >= max_hard_rate
    return out


def unit_of(x: np.ndarray, problem: Mapping[str, Any], names: Sequence[str]) -> np.ndarray:
    """The design matrix's columns ``names`` in the unit cube of their sampling bounds."""
    idx = [list(problem["names"]).index(n) for n in names]
    b = np.array([problem["bounds"][i] for i in idx], dtype=float)
    return (np.asarray(x, dtype=float)[:, idx] - b[:, 0]) / (b[:, 1] - b[:, 0])


def narrowed_bounds(
    priors, names: Sequence[str], unit_x: np.ndarray, keep: np.ndarray, n_points: int
) -> dict[str, tuple[float, float]]:
    """Per parameter, the prior range of the kept points' unit positions padded by one
    design cell (1 / n_points) and clipped to the prior; the whole prior if none is kept."""
    u = np.atleast_2d(np.asarray(unit_x, dtype=float))
    keep = np.asarray(keep, dtype=bool)
    pad = 1.0 / max(n_points, 1)
    out: dict[str, tuple[float, float]] = {}
    for j, name in enumerate(names):
        p = priors[name]
        if not keep.any():
            out[name] = (p.low, p.high)
            continue
        lo = max(float(u[keep, j].min()) - pad, 0.0)
        hi = min(float(u[keep, j].max()) + pad, 1.0)
        a, b = float(p.from_unit(lo)), float(p.from_unit(hi))
        if p.integer:
            a, b = float(math.floor(a)), float(math.ceil(b))
        a, b = max(a, p.low), min(b, p.high)
        if lo <= 0.0:
            a = p.low
        if hi >= 1.0:
            b = p.high
        out[name] = (a, b) if a < b else (p.low, p.high)
    return out


# -- one wave --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wave:
    """A finished wave: per point, per statistic, the box and the settings."""

    points: pd.DataFrame
    statistics: pd.DataFrame
    bounds: dict[str, tuple[float, float]]
    selected: tuple[str, ...]
    rule: str
    settings: dict[str, Any]

    @property
    def share(self) -> float:
        """The non-implausible share of the design's points."""
        return float((~self.points["implausible"]).mean()) if len(self.points) else 0.0


def analyse(
    lhs_folder: Path,
    defaults_folder: Path,
    spec,
    hard,
    soft,
    priors,
    selected: Sequence[str],
    *,
    rule: str = "second",
    threshold: float = THRESHOLD,
    k: int = HARD_NEIGHBOURS,
    max_hard_rate: float = HARD_RATE,
    floor: float = MODEL_SCALE_FLOOR,
    missed_share: float = MISSED_SHARE,
) -> Wave:
    """Score both sweeps' stored runs and apply the wave's rule (module docstring). A run
    that failed (raised) leaves its point implausible (recorded in the table)."""
    from abm.calibration.screening import stored_values
    from abm.sweep import build_design

    design = build_design(spec)
    n = len(design)
    rep = stored_values(defaults_folder, hard)
    logs = np.array([soft.log_values({k_: r[k_] for k_ in soft.keys}) for _, r in rep.iterrows()])
    m_scales = model_scales(logs.reshape(len(rep), len(soft.keys)), floor)
    obs = np.asarray(soft.scales, dtype=float)

    values = stored_values(lhs_folder, hard).set_index("point_id").sort_index()
    ran = values.index.to_numpy()
    gaps = np.zeros((n, len(soft.keys)))
    fails = np.ones(n)
    failed = np.ones(n, dtype=bool)
    for pid, row in values.iterrows():
        vals = {k_: row[k_] for k_ in soft.keys}
        gaps[pid] = soft.discrepancies(vals) * obs
        fails[pid] = float(np.isinf(hard.discrepancies(vals)).any())
        failed[pid] = False
    imp = implausibility(gaps, obs, m_scales)
    imp[failed] = np.inf
    over, used = usable(imp[~failed], threshold, missed_share)
    p_imp = point_implausibility(imp[:, used], rule)
    u = unit_of(design.x, design.problem, selected)
    rate = local_rate(u, fails, k)
    implausible = rule_out(p_imp, rate, threshold, max_hard_rate) | failed
    bounds = narrowed_bounds(priors, selected, u, ~implausible, n)

    table = pd.DataFrame({"point_id": np.arange(n)})
    for j, name in enumerate(selected):
        table[name] = [design.points[i][name] for i in range(n)]
        table[f"u_{name}"] = u[:, j]
    table["implausibility"] = p_imp
    table["max_implausibility"] = point_implausibility(imp[:, used], "max")
    keys_used = [k_ for k_, u_ in zip(soft.keys, used, strict=True) if u_]
    table["worst_statistic"] = [
        keys_used[int(np.argmax(np.nan_to_num(r, posinf=1e300)))] for r in imp[:, used]
    ]
    table["hard_fails"] = fails.astype(int)
    table["hard_rate"] = rate
    table["failed_run"] = failed
    table["implausible"] = implausible
    for j, key in enumerate(soft.keys):
        table[f"I: {key}"] = imp[:, j]
    stats = pd.DataFrame(
        {
            "statistic": list(soft.keys),
            "hard": [key in hard.hard for key in soft.keys],
            "obs_scale": obs,
            "model_scale": m_scales,
            "share_over_threshold": over,
            "set_aside": ~used,
            "share_worst": [float(np.mean(table["worst_statistic"] == key)) for key in soft.keys],
        }
    )
    settings = {
        "points": n,
        "ran": int(len(ran)),
        "replicates": int(len(rep)),
        "rule": rule,
        "threshold": threshold,
        "hard_neighbours": k,
        "hard_rate": max_hard_rate,
        "model_scale_floor": floor,
        "missed_share": missed_share,
        "set_aside": [k_ for k_, u_ in zip(soft.keys, used, strict=True) if not u_],
    }
    text = (
        f"implausible when the {'second-largest' if rule == 'second' else 'largest'} "
        f"implausibility exceeds {threshold:g} (over the statistics not set aside as missed at "
        f">= {missed_share:.0%} of the points), or when at least {max_hard_rate:.0%} of the "
        f"{k} nearest design points break a hard fact"
    )
    return Wave(table, stats, bounds, tuple(selected), text, settings)


def bounds_toml(wave: Wave, priors, header: Sequence[str] = ()) -> str:
    """The narrowed box as the calibration spec's ``bounds`` table (each inside its prior)."""
    lines = [f"# {h}" for h in header]
    lines += [
        f"# estimate = {json.dumps(list(wave.selected))}",
        f"# non-implausible share {wave.share:.3f} of {len(wave.points)} points; {wave.rule}",
        "# prior ranges for comparison:",
    ]
    for name in wave.selected:
        p = priors[name]
        lines.append(f"#   {name}: [{p.low!r}, {p.high!r}] ({p.scale})")
    lines += ["", "[bounds]"]
    for name, (lo, hi) in wave.bounds.items():
        lines.append(f"{name} = [{lo!r}, {hi!r}]")
    return "\n".join(lines) + "\n"


def write(out: Path, wave: Wave, priors, header: Sequence[str] = (), extra=None) -> list[Path]:
    """wave.csv (every point), statistics.csv (per statistic), bounds.toml, wave.json."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "wave.csv", out / "statistics.csv", out / "bounds.toml", out / "wave.json"]
    wave.points.to_csv(paths[0], index=False, float_format="%.6g")
    wave.statistics.to_csv(paths[1], index=False, float_format="%.6g")
    paths[2].write_text(bounds_toml(wave, priors, header), encoding="utf-8")
    summary = {
        "selected": list(wave.selected),
        "non_implausible_share": wave.share,
        "non_implausible_points": int((~wave.points["implausible"]).sum()),
        "rule": wave.rule,
        "bounds": {k: list(v) for k, v in wave.bounds.items()},
        "prior": {k: [priors[k].low, priors[k].high, priors[k].scale] for k in wave.selected},
        **wave.settings,
        **dict(extra or {}),
    }
    paths[3].write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return paths
