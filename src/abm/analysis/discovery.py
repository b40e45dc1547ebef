"""Scenario discovery: which regions of the parameter space produce each outcome.

PRIM (Friedman & Fisher 1999), as EMA Workbench implements it for scenario discovery
(Bryant & Lempert 2010), peels the parameter box in small steps toward the runs where the
outcome happened. Each step trades coverage (share of all outcome runs inside the box)
for density (share of runs inside the box with the outcome); mass is the share of all runs
inside. Every run is one case (replicates included), its outcome a 0/1 indicator.

PRIM returns a whole peeling trajectory; a report needs one box. The rule used here:

1. take the box on the trajectory with the best balance of coverage and density: their
   harmonic mean (the F1 score of the box read as a rule predicting the outcome, density
   being its precision and coverage its recall), so neither a wide box of low density nor
   a sliver of high density wins;
2. drop, one at a time and worst first, every restriction of that box that is not
   significant (quasi-p value > 0.05, the one-sided binomial test of Bryant & Lempert 2010),
   recomputing the box's statistics and quasi-p values after each drop (EMA Workbench's
   ``drop_restriction``), as Bryant & Lempert advise. PRIM's peels on parameters that do
   nothing, early on a tie or late chasing noise, do not reach the table.

The full trajectory is kept for the trade-off plot (with the boxes the drops produced), so a
reader can see what the choice gave up.

Feature scores (extra trees, Geurts et al. 2006, via EMA Workbench) rank how much each
parameter helps predict whether an outcome happens, interactions included.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from abm.analysis.load import Results

#: Outcomes seen in fewer runs than this (or in all but this many) get no PRIM box.
MIN_CASES = 5


def _ema():
    """Import EMA Workbench's analysis modules quietly (it warns about optional extras)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import feature_scoring, prim
        from ema_workbench.analysis.scenario_discovery_util import RuleInductionType
    logging.getLogger("EMA").setLevel(logging.WARNING)
    return prim, feature_scoring, RuleInductionType


@dataclass
class PrimResult:
    """One outcome's PRIM box: its limits, its statistics, and the trajectory it came from."""

    outcome: str
    box: pd.DataFrame  # one row per restricted parameter
    stats: dict[str, float]  # coverage, density, mass, n, k, res_dim, index
    trajectory: pd.DataFrame  # coverage, density, mass, res_dim, significant per peel
    chosen: int


def prim_box(
    x: pd.DataFrame,
    y: np.ndarray,
    outcome: str = "outcome",
    *,
    alpha: float = 0.05,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> PrimResult:
    """Run PRIM on (x, y) and choose one box by the rule in the module docstring."""
    prim, _, _ = _ema()
    y = np.asarray(y).astype(int)
    with warnings.catch_warnings():
        # EMA Workbench 3.0 calls DataFrame.drop(inplace=True), deprecated in pandas 3.1
        warnings.filterwarnings("ignore", message="The inplace keyword")
        runner = prim.Prim(x.reset_index(drop=True), y, peel_alpha=peel_alpha, mass_min=mass_min)
        box = runner.find_box()
    peeled = len(box.peeling_trajectory)
    chosen = choose_box(_trajectory(box, alpha))
    while chosen > 0:
        worst = _worst_restriction(box.p_values[chosen], alpha)
        if worst is None:
            break
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="The inplace keyword")
            box.drop_restriction(worst, chosen)
        chosen = len(box.peeling_trajectory) - 1
        if int(box.peeling_trajectory.loc[chosen, "res_dim"]) == 0:
            chosen = 0
    traj = _trajectory(box, alpha)
    traj["dropped"] = traj.index >= peeled  # boxes made by dropping restrictions
    stats = {k: float(traj.loc[chosen, k]) for k in ("coverage", "density", "mass")}
    stats.update(
        n=int(traj.loc[chosen, "n"]),
        k=int(traj.loc[chosen, "k"]),
        res_dim=int(traj.loc[chosen, "res_dim"]),
        index=chosen,
    )
    table = _box_table(box.box_lims[chosen], runner.box_init, box.p_values[chosen])
    return PrimResult(outcome, table, stats, traj.reset_index(drop=True), chosen)


def _trajectory(box, alpha: float) -> pd.DataFrame:
    traj = box.peeling_trajectory[["coverage", "density", "mass", "res_dim", "n", "k"]].copy()
    traj["significant"] = [_significant(qp, alpha) for qp in box.p_values]
    return traj.reset_index(drop=True)


def _worst_restriction(qp: dict[str, list[float]], alpha: float) -> str | None:
    """The restricted parameter with the largest quasi-p value above alpha, if any."""
    worst, worst_p = None, alpha
    for name, values in qp.items():
        p = max((v for v in values if v >= 0), default=-1.0)
        if p > worst_p:
            worst, worst_p = name, p
    return worst


def choose_box(traj: pd.DataFrame) -> int:
    """Index of the box with the highest harmonic mean of coverage and density on a
    trajectory (columns coverage, density, res_dim); 0 if no box restricts anything."""
    ok = traj[traj["res_dim"] > 0]
    if ok.empty:
        return 0
    f1 = 2 * ok["coverage"] * ok["density"] / (ok["coverage"] + ok["density"])
    best = ok.assign(f1=f1).sort_values(["f1", "coverage"], ascending=False)
    return int(best.index[0])


def prim_boxes(
    results: Results, outcomes: Sequence[str] | None = None, **kwargs
) -> tuple[dict[str, PrimResult], dict[str, str]]:
    """A PRIM box per outcome, over the varied parameters; skipped outcomes with the reason."""
    frame = results.frame()
    x = frame[results.design.names]
    boxes, skipped = {}, {}
    for outcome in outcomes or results.outcomes:
        y = frame[outcome].to_numpy(dtype=bool)
        reason = _too_few(y)
        if reason:
            skipped[outcome] = reason
            continue
        boxes[outcome] = prim_box(x, y, outcome, **kwargs)
    return boxes, skipped


def feature_scores(
    results: Results, outcomes: Sequence[str] | None = None, seed: int = 0
) -> pd.DataFrame:
    """Extra-trees feature scores: parameters as rows, outcomes as columns (each sums to 1).

    Outcomes that never or always happened carry no information and get no column.
    """
    _, fs, rule_type = _ema()
    frame = results.frame()
    x = frame[results.design.names]
    cols = {}
    for outcome in outcomes or results.outcomes:
        y = frame[outcome].to_numpy(dtype=int)
        if y.min() == y.max():
            continue
        scores, _ = fs.get_ex_feature_scores(
            x,
            y,
            mode=rule_type.CLASSIFICATION,
            max_features=max(1, round(x.shape[1] / 3)),
            random_state=seed,
        )
        cols[outcome] = scores.iloc[:, 0]
    return pd.DataFrame(cols).reindex(results.design.names)


def _too_few(y: np.ndarray) -> str:
    k, n = int(y.sum()), len(y)
    if k < MIN_CASES:
        return f"happened in {k} of {n} runs (fewer than {MIN_CASES})"
    if n - k < MIN_CASES:
        return f"happened in {k} of {n} runs (almost always)"
    return ""


def _significant(qp: dict[str, list[float]], alpha: float) -> bool:
    # EMA marks an unrestricted side with -1; every restricted side must pass the test.
    return all(v <= alpha for values in qp.values() for v in values if v >= 0)


def _box_table(
    box_lim: pd.DataFrame, box_init: pd.DataFrame, qp: dict[str, list[float]]
) -> pd.DataFrame:
    rows = []
    for name in box_init.columns:
        lo, hi = box_lim[name].iloc[0], box_lim[name].iloc[1]
        lo0, hi0 = box_init[name].iloc[0], box_init[name].iloc[1]
        if isinstance(lo, set):
            if lo == lo0:
                continue
            kept = ", ".join(map(str, sorted(lo)))
            rows.append((name, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, kept))
            continue
        if lo == lo0 and hi == hi0:
            continue
        q = qp.get(name, [-1.0, -1.0])
        rows.append(
            (
                name,
                float(lo),
                float(hi),
                float(lo0),
                float(hi0),
                q[0] if q[0] >= 0 else np.nan,
                q[1] if q[1] >= 0 else np.nan,
                "",
            )
        )
    cols = ["param", "low", "high", "range_low", "range_high", "qp_low", "qp_high", "values"]
    return pd.DataFrame(rows, columns=cols)
