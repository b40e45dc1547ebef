"""The revolt emulator: Lukashenko's revolt risk at each support level, learned from the full
model's own forced runs instead of a hand-set curve (issue 12, item 1). Writes
``src/abm/belarus/actors/revolt_emulator.json`` (read by ``revolt_emulator.load_emulator``)
and ``results/emulator/``.

For each support level 0..5 the model is run with that level forced from week
``--forced-week`` on (``forced_level``, ``forced_intervention_week``) over a Latin hypercube
of the inputs that move revolt (``INPUTS``), one sweep per level sharing its design points
and seeds (paired: the levels differ only in the level). Every week t a run's ruler is still
in power and its horizon is fully observed gives one row:

- features: ``level``; ``unrest`` = turnout / uprising threshold; ``illegitimacy`` = the
  population-weighted 1 - legitimacy, w (1 - legitimacy_pw) + (1 - w)(1 - legitimacy_pr)
  with w = pro_western_share; ``expected_loss_share`` = at level 5 the share of the
  expedition (the largest force in Ukraine over the horizon) lost over the next
  ``horizon_weeks`` (realised: what an expected loss stands for), 0 below level 5;
  ``mutinied_share``;
- label: Lukashenko ejected by revolt in weeks t+1..t+horizon. The sweep keeps each
  outcome's first week: an ``ejection`` in the week of a ``substitution`` is Moscow's
  replacement, not a revolt, and is not counted (a substitution first means no revolt can
  follow: the label is the revolt's share under both risks).

An unpenalised logistic regression (no class reweighting: its probabilities are meant to be
read as probabilities) is fitted on the rows of three quarters of the design points and
scored on the runs of the rest (split by point, so no run - nor its paired runs at other
levels - is on both sides); the emulator's coefficients are then refitted on every row.
Intervals: a bootstrap over design points (rows of one run are not independent).

The sweeps run in ``--work`` (default ``out/emulator``): parallel over ``--workers``,
resumable (rerun the same command after an interruption and only missing runs are done),
deterministic (a pure function of the spec), so the emulator is too.

    .venv/bin/python experiments/fit_revolt_emulator.py                 # 6 x 64 runs, ~8 min
    .venv/bin/python experiments/fit_revolt_emulator.py --points 512 --seeds 2  # ~1.5-2 h
    .venv/bin/python experiments/fit_revolt_emulator.py --quick         # smoke run into out/
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy.special import expit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "experiments"))

EMULATOR = "revolt_emulator.json"
FEATURES = ("level", "unrest", "illegitimacy", "expected_loss_share", "mutinied_share")
LEVELS = tuple(range(6))
INTERVENTION = 5
#: The series the rows are built from.
KEEP = (
    "support_level",
    "turnout",
    "uprising_threshold",
    "legitimacy_pw",
    "legitimacy_pr",
    "casualties",
    "deployed_strength",
    "mutinied_share",
    "in_power",
)


class Input(NamedTuple):
    """One input of the design: its range, how it is sampled and where the range is from."""

    name: str
    low: float
    high: float
    scale: str
    source: str


#: The inputs that move revolt. Ranges from src/abm/belarus/priors.toml where it has them;
#: the strategic ones (no prior yet) span what issue 12's reviewer tried and the default.
INPUTS = (
    Input("legitimacy_pw", 0.70, 0.95, "linear", "priors.toml"),
    Input("legitimacy_pr", 0.80, 0.98, "linear", "priors.toml"),
    Input("pro_western_share", 0.35, 0.65, "linear", "priors.toml"),
    Input(
        "legitimacy_shock",
        0.0,
        0.20,
        "linear",
        "0 (the late-2022 baseline) to 0.20, inside priors.toml's 2020 range (0.10-0.40); "
        "above ~0.2 he falls within two or three weeks whatever the level",
    ),
    Input("containment_ratio", 2.0, 10.0, "log", "priors.toml"),
    Input(
        "ukraine_strength",
        15_000.0,
        150_000.0,
        "log",
        "issue 12's 15 k (below the expedition) to 2.5 x the default 60 k",
    ),
    Input("morale_initial", 0.5, 0.9, "linear", "assumption around the default 0.75"),
    Input("loyalty_army", 0.5, 0.95, "linear", "issue 12's 0.95 down to 0.5 (default 0.75)"),
    Input("mutiny_threshold", 0.2, 0.5, "linear", "issue 12's 0.2 up to 0.5 (default 0.35)"),
    Input("loyalty_security", 0.3, 0.8, "linear", "assumption around the default 0.5"),
)


def with_ranges(inputs: tuple[Input, ...], overrides: list[str], error) -> tuple[Input, ...]:
    """``inputs`` with each ``NAME=LOW,HIGH`` of ``overrides`` as its new range (the sweep
    spec checks the values against the parameter's own bounds)."""
    by_name = {i.name: i for i in inputs}
    for text in overrides:
        name, _, span = text.partition("=")
        if name not in by_name:
            error(f"--range {text!r}: NAME must be a design input: {', '.join(by_name)}")
        try:
            low, high = (float(v) for v in span.split(","))
        except ValueError:
            error(f"--range {text!r}: expected NAME=LOW,HIGH with two numbers")
        by_name[name] = by_name[name]._replace(low=low, high=high, source="--range")
    return tuple(by_name.values())


# ------------------------------------------------------------------------------ the sweeps
def specs(args) -> dict[str, Any]:
    """One sweep per forced level, identical but for ``forced_level``: the same design
    points (design seed), forced weeks and run seeds, so the levels are compared run by run;
    and ``baseline``: the default parameters, every level forced from ``--baseline-week``."""
    from abm.sweep import SweepSpec

    vary: dict[str, Any] = {
        i.name: {"range": [i.low, i.high], "scale": i.scale} for i in args.inputs
    }
    vary["forced_intervention_week"] = {"range": [args.first_week, args.last_week]}
    common = {
        "model": "belarus",
        "scenario": "baseline",
        "keep_series": list(KEEP),
        "seed": 2612,
    }
    out: dict[str, Any] = {
        f"level_{level}": SweepSpec.from_dict(
            {
                **common,
                "name": f"revolt_emulator_level_{level}",
                "description": f"support level forced to {level} from a week in "
                f"{args.first_week}-{args.last_week}, over the design",
                "steps": args.last_week + args.weeks + args.horizon,
                "fixed": {"n_citizens": args.n_citizens, "forced_level": level},
                "vary": vary,
                "design": {"kind": "lhs", "n": args.points, "seed": 1205},
                "replicates": args.seeds,
            }
        )
        for level in args.levels
    }
    out["baseline"] = SweepSpec.from_dict(
        {
            **common,
            "name": "revolt_emulator_baseline",
            "description": f"default parameters, each level forced from week {args.baseline_week}",
            "steps": args.baseline_week + args.horizon,
            "fixed": {
                "n_citizens": args.n_citizens,
                "forced_intervention_week": args.baseline_week,
            },
            "vary": {"forced_level": {"values": list(args.levels)}},
            "replicates": args.baseline_seeds,
        }
    )
    return out


# -------------------------------------------------------------------------------- the rows
def revolt_week(week_ejection: Any, week_substitution: Any) -> int | None:
    """The week Lukashenko fell to a revolt, or None. An ejection in the week of a
    successful substitution is Moscow's replacement (``Kremlin.attempt_substitution``
    logs both), not a revolt."""
    if week_ejection is None or pd.isna(week_ejection):
        return None
    replaced = week_substitution is not None and not pd.isna(week_substitution)
    if replaced and int(week_substitution) == int(week_ejection):
        return None
    return int(week_ejection)


def run_rows(
    s: pd.DataFrame,
    level: int,
    w: float,
    revolt: int | None,
    forced_week: int,
    weeks: int,
    horizon: int,
) -> pd.DataFrame:
    """One run's rows: the decision week t = forced_week - 1 (the state he decides in, at
    the level he chose himself) and the weeks after it, up to ``weeks`` rows, while the
    ruler is in power and t + horizon lies within the run. Unrest and the mutinied share are
    read at t; the illegitimacy at the held level, at max(t, forced_week) (legitimacy
    answers the level the week it is set); the label is a revolt in (t, t + horizon]."""
    s = s.sort_values("step").set_index("step")
    last = int(s.index[-1])
    decision = forced_week - 1
    t = np.arange(decision, min(decision + weeks, last - horizon + 1))
    t = t[np.isin(t, s.index)]
    t = t[s.loc[t, "in_power"].to_numpy(int) == 1]
    if t.size == 0:
        return pd.DataFrame(columns=[*FEATURES, "step", "revolt"])
    held = t[t >= forced_week]
    seen = s.loc[held, "support_level"].to_numpy(int)
    if np.any(seen != level):
        raise ValueError(
            f"support_level {sorted(set(seen.tolist()))} in a run forced to level {level} "
            f"from week {forced_week}: forced_level did not hold"
        )
    loss = np.zeros(t.size)
    if level == INTERVENTION:
        casualties = s["casualties"]
        deployed = s["deployed_strength"]
        for k, step in enumerate(t):
            expedition = float(deployed.loc[step : step + horizon].max())
            if expedition > 0:
                lost = float(casualties.loc[step + horizon] - casualties.loc[step])
                loss[k] = min(1.0, lost / expedition)
    at_level = np.maximum(t, forced_week)
    lpw = s.loc[at_level, "legitimacy_pw"].to_numpy(float)
    lpr = s.loc[at_level, "legitimacy_pr"].to_numpy(float)
    turnout = s.loc[t, "turnout"].to_numpy(float)
    threshold = s.loc[t, "uprising_threshold"].to_numpy(float)
    label = np.zeros(t.size, dtype=int)
    if revolt is not None:
        label = ((t < revolt) & (revolt <= t + horizon)).astype(int)
    return pd.DataFrame(
        {
            "level": float(level),
            "unrest": turnout / np.maximum(1e-9, threshold),
            "illegitimacy": w * (1.0 - lpw) + (1.0 - w) * (1.0 - lpr),
            "expected_loss_share": loss,
            "mutinied_share": s.loc[t, "mutinied_share"].to_numpy(float),
            "step": t,
            "decision": t == decision,
            "revolt": label,
        }
    )


def sweep_rows(folder: Path, weeks: int, horizon: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every row of one sweep, with the run's point and id; and its runs table. A run's
    level, forced week and pro-Western share are its parameters: varied (the runs table's
    ``param_`` columns), else fixed by the spec, else the model's default."""
    from history import read_sweep

    from abm.belarus.params import BELARUS_PARAMS
    from abm.sweep.read import SweepFolder

    fixed = SweepFolder(folder).spec["fixed"]
    series, runs = read_sweep(folder)

    def param(r: pd.Series, name: str) -> Any:
        value = r.get(f"param_{name}")
        if value is None or pd.isna(value):
            return fixed.get(name, BELARUS_PARAMS[name].default)
        return value

    frames = []
    for run_id, s in series.groupby("run_id", sort=True):
        r = runs.loc[run_id]
        level = int(param(r, "forced_level"))
        rows = run_rows(
            s,
            level,
            float(param(r, "pro_western_share")),
            revolt_week(r.get("week_ejection"), r.get("week_substitution")),
            int(param(r, "forced_intervention_week")),
            weeks,
            horizon,
        )
        frames.append(rows.assign(point_id=int(r["point_id"]), run=f"{folder.name}/{run_id}"))
    return pd.concat(frames, ignore_index=True), runs


# ------------------------------------------------------------------------------ the fit
class Fit(NamedTuple):
    intercept: float
    coef: np.ndarray


def fit_logistic(x: np.ndarray, y: np.ndarray) -> Fit:
    """Maximum likelihood logistic regression, unpenalised and unweighted (C = inf): with
    rare revolts, reweighting the classes or shrinking would distort the probabilities the
    ruler reads off it."""
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(y, dtype=int)
    if y.min() == y.max():
        raise ValueError(
            f"every one of the {y.size} rows is labelled {y[0]}: no contrast to fit "
            "(widen the design toward inputs where revolts happen, or run more points)"
        )
    m = LogisticRegression(C=np.inf, solver="lbfgs", max_iter=10_000, tol=1e-10)
    m.fit(np.asarray(x, dtype=float), y)
    return Fit(float(m.intercept_[0]), m.coef_[0].astype(float))


def predict(f: Fit, x: np.ndarray) -> np.ndarray:
    """The fitted probabilities (scipy's expit: no overflow at large negative z)."""
    return expit(f.intercept + np.asarray(x, dtype=float) @ f.coef)


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney; ties count a half)."""
    from scipy.stats import rankdata

    y = np.asarray(y, dtype=int)
    n1, n0 = int(y.sum()), int(y.size - y.sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = rankdata(p)
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def wilson(k: np.ndarray, n: np.ndarray, z: float = 1.96) -> tuple[np.ndarray, np.ndarray]:
    """Wilson 95 % interval of a binomial share k / n."""
    k, n = np.asarray(k, float), np.asarray(n, float)
    phat = k / n
    centre = (phat + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def calibration(y: np.ndarray, p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Held-out rows in bins of predicted probability (quantiles of p, merged where equal):
    mean prediction, observed share and its Wilson interval."""
    edges = np.unique(np.quantile(p, np.linspace(0, 1, bins + 1)))
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, max(0, edges.size - 2))
    rows = []
    for b in np.unique(which):
        sel = which == b
        k, n = int(y[sel].sum()), int(sel.sum())
        lo, hi = wilson(np.array([k]), np.array([n]))
        rows.append(
            {
                "rows": n,
                "revolts": k,
                "predicted": float(p[sel].mean()),
                "observed": k / n,
                "observed_low": float(lo[0]),
                "observed_high": float(hi[0]),
            }
        )
    return pd.DataFrame(rows)


def split_points(points: np.ndarray, share: float, seed: int) -> set[int]:
    """The held-out design points (every run at them, at every level, is held out)."""
    points = np.unique(points)
    k = max(1, int(round(share * points.size)))
    return set(np.random.default_rng(seed).choice(points, size=k, replace=False).tolist())


def bootstrap(rows: pd.DataFrame, reps: int, seed: int) -> np.ndarray:
    """(reps, 1 + features) refits on design points drawn with replacement (a point's rows
    stay together: weeks of one run and its paired runs are not independent draws)."""
    rng = np.random.default_rng(seed)
    groups = [g for _, g in rows.groupby("point_id", sort=True)]
    out = []
    for _ in range(reps):
        take = pd.concat([groups[i] for i in rng.integers(len(groups), size=len(groups))])
        try:
            f = fit_logistic(take[list(FEATURES)].to_numpy(), take["revolt"].to_numpy())
        except ValueError:  # a resample without a revolt: nothing to fit
            continue
        out.append([f.intercept, *f.coef])
    return np.array(out)


# -------------------------------------------------------------------------- the outputs
def emulator_json(f: Fit, horizon: int, provenance: dict[str, Any]) -> dict[str, Any]:
    """The contract's form (COMMON.md, 'Revolt emulator file')."""
    return {
        "model": "logistic",
        "features": list(FEATURES),
        "intercept": f.intercept,
        "coef": [float(c) for c in f.coef],
        "horizon_weeks": int(horizon),
        "provenance": provenance,
    }


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    head = out.stdout.strip() or "unknown"
    return head + ("+uncommitted" if dirty else "")


def typical(rows: pd.DataFrame, f: Fit) -> pd.DataFrame:
    """Per level, at the decision week (the state he decides in): the median features of
    the runs, the emulator's probability at those medians, its mean over the runs, and the
    share of them that fell to a revolt within the horizon."""
    first = rows[rows["decision"]]
    out = []
    for level, g in first.groupby("level", sort=True):
        x = g[list(FEATURES)].median().to_numpy(dtype=float, copy=True)
        x[0] = level
        out.append(
            {
                "level": int(level),
                "runs": len(g),
                **{k: float(v) for k, v in zip(FEATURES[1:], x[1:], strict=True)},
                "p_at_median": float(predict(f, x[None, :])[0]),
                "p_mean": float(predict(f, g[list(FEATURES)].to_numpy()).mean()),
                "observed": float(g["revolt"].mean()),
            }
        )
    return pd.DataFrame(out)


def calibration_figure(cal: pd.DataFrame, per_level: pd.DataFrame, stem: str) -> list[str]:
    import matplotlib.pyplot as plt

    from abm.plots import style

    style.apply()
    fig, (a, b) = plt.subplots(1, 2, figsize=(9.0, 4.0))
    top = max(0.05, float(cal[["predicted", "observed_high"]].max().max()) * 1.05)
    a.plot([0, top], [0, top], color="grey", lw=0.8, ls=":")
    a.errorbar(
        cal["predicted"],
        cal["observed"],
        yerr=np.clip(
            [cal["observed"] - cal["observed_low"], cal["observed_high"] - cal["observed"]], 0, 1
        ),
        fmt="o",
        ms=4,
        capsize=2,
        color="#C44E52",
    )
    a.set_xlim(0, top)
    a.set_ylim(0, top)
    a.set_xlabel("predicted P(revolt within horizon), bin mean")
    a.set_ylabel("observed share (Wilson 95 %)")
    a.set_title("(a) held-out rows, bins of predicted probability")
    lo, hi = wilson(per_level["revolts"].to_numpy(), per_level["rows"].to_numpy())
    lv = per_level["level"].to_numpy()
    b.errorbar(
        lv + 0.08,
        per_level["observed"],
        yerr=np.clip([per_level["observed"] - lo, hi - per_level["observed"]], 0, 1),
        fmt="o",
        ms=4,
        capsize=2,
        color="#C44E52",
        label="observed share (Wilson 95 %)",
    )
    b.plot(lv - 0.08, per_level["predicted"], "s", ms=4, color="#3A6FB0", label="mean predicted")
    b.set_xticks(list(LEVELS))
    b.set_xlabel("support level held")
    b.set_ylabel("P(revolt within horizon)")
    b.set_title("(b) held-out rows by level")
    b.legend(loc="upper left", frameon=False)
    fig.tight_layout()
    return style.save(fig, stem)


def by_level(y: np.ndarray, p: np.ndarray, level: np.ndarray) -> pd.DataFrame:
    rows = []
    for lv in np.unique(level):
        sel = level == lv
        rows.append(
            {
                "level": int(lv),
                "rows": int(sel.sum()),
                "revolts": int(y[sel].sum()),
                "observed": float(y[sel].mean()),
                "predicted": float(p[sel].mean()),
            }
        )
    return pd.DataFrame(rows)


def md_table(df: pd.DataFrame, digits: int = 3) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float | np.floating):
            return f"{v:.{digits}g}" if abs(v) < 1e4 else f"{v:,.0f}"
        return str(v)

    head = "| " + " | ".join(df.columns) + " |"
    rule = "|" + "---|" * len(df.columns)
    body = ["| " + " | ".join(cell(v) for v in r) + " |" for r in df.itertuples(index=False)]
    return "\n".join([head, rule, *body])


ROWS_NOTE = {
    "decision": "the decision weeks only: the state he decides in, then the level held - "
    "what the ruler asks of the emulator. Fitted on every week, the weeks after a switch "
    "dominate, their unrest already carries the held level's effect, and the fit no longer "
    "separates level 5 at the decision week (`--rows all`)",
    "all": "the decision weeks and the weeks after them, whose unrest and mutinies already "
    "carry the held level's effect",
}

README = """# Revolt emulator: Lukashenko's revolt risk per support level, from forced runs

```bash
{command}
```

Writes `src/abm/belarus/actors/revolt_emulator.json` (what `revolt_emulator.load_emulator()`
reads) and this folder. {runs:,} design runs ({levels} levels x {points} design points x
{seeds} seed(s)) and {base_runs} runs at the default parameters took {wall:.0f} s of sweep
wall time ({workers} workers); they are kept in `{work}` and resume where they stopped, so a
rerun with the same code redoes only the fit. The full size, `--points 512 --seeds 2`
(6,144 design runs), takes about {full_min:.0f} min on 2 free cores at the same pace.

**What is fitted.** P(Lukashenko ejected by revolt within {horizon} weeks | the support level
is held at `level` from now; this week's unrest, illegitimacy at that level, expected loss
share and mutinied share) = logistic(intercept + coef . x). Each run of the `baseline`
scenario at {n:,} agents (~{ppa:,.0f} people each; `results/history/SCALE.md` finds the
pattern means at 10,000 agents within seed noise of 10^5 agents and of full scale, so
10,000 is the smallest scale it supports for estimation) lets Lukashenko choose until a
forced week drawn in {first_week}-{last_week}, then holds the level. Rows: the week before
the forced week (the state he decides in, at the level he chose, with the illegitimacy the
held level brings the next week) and the {weeks_more} weeks after it, while he is in power
and the next {horizon} weeks are simulated. Fitted on `--rows {rows_kind}`: {rows:,} rows,
{positives:,} labelled revolt ({rows_note}).
{events} of the {runs:,} design runs ended in a revolt ejection and {substitutions} in a
substitution (not a revolt). The design is a Latin hypercube of the inputs that move revolt
(`design.csv`: range, scale and where each range comes from); the levels share points,
forced weeks and seeds.

**Held-out score** (fitted on the runs at {train_points} design points, scored on the runs
at the other {test_points}, every level): AUC {auc:.3f}, Brier {brier:.4f} (the training
share as a constant scores {brier_base:.4f}), log loss {logloss:.4f}.

## Coefficients

Fitted on every row (unpenalised maximum likelihood, no class reweighting, so the output is
a probability). 95 % intervals: {reps} bootstrap refits over design points (a run's weeks
are not independent draws, so row-level standard errors would be too narrow);
`coefficients.csv` holds the same, and `train_fit` the coefficients scored above.

{coef_table}

## Revolt probability per level

At the default parameters ({base_seeds} seeds), in the week before the level is forced
(week {baseline_week_minus}): the median features, the emulator's probability at those
medians, its mean over the runs and the share of the runs that fell to a revolt within
{horizon} weeks (`per_level_default.csv`):

{baseline_table}

Over the design's decision weeks (`per_level_design.csv`):

{typical_table}

## Calibration (held-out rows)

`calibration.png`: (a) held-out rows in bins of predicted probability, each bin's mean
prediction against its observed share with a Wilson 95 % interval; (b) the same per level.
The binomial intervals treat rows as independent; a run's consecutive weeks are not, so the
honest intervals are wider. `calibration.csv` and `calibration_by_level.csv` hold the
numbers.

{cal_table}

## How to read it

- `expected_loss_share` is the *realised* share of the expedition (the largest force in
  Ukraine over the horizon) lost over the next {horizon} weeks; the ruler plugs in his
  expectation of it. It is 0 below level 5, so between levels 0-4 the level moves the
  probability through `level` (the logistic is linear in it) and through the illegitimacy
  each level brings.
- The label counts a revolt only: an ejection in the week of a successful substitution is
  Moscow's replacement. A ruler replaced first can no longer fall to a revolt, so the label
  is the revolt's share with substitution as a competing risk.
- Before the forced week Lukashenko chooses by the model's own rule (which will read this
  file once the ruler's code does): the decision states are the ones his rule leads to.
- Events: {event_note}.
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=64, help="LHS design points (default 64)")
    ap.add_argument("--seeds", type=int, default=1, help="seeds per point and level (1)")
    ap.add_argument("--levels", type=int, nargs="+", default=list(LEVELS), choices=LEVELS)
    ap.add_argument("--first-week", type=int, default=2, help="earliest forced week (2)")
    ap.add_argument("--last-week", type=int, default=27, help="latest forced week (27)")
    ap.add_argument("--weeks", type=int, default=13, help="rows per run, at most (13)")
    ap.add_argument("--horizon", type=int, default=26, help="horizon_weeks (26)")
    ap.add_argument(
        "--rows",
        choices=("decision", "all"),
        default="decision",
        help="fit on the decision weeks only (default) or on every week after them too",
    )
    ap.add_argument("--baseline-week", type=int, default=14, help="forced week at defaults")
    ap.add_argument("--baseline-seeds", type=int, default=4, help="seeds at defaults (4)")
    ap.add_argument("--n-citizens", type=int, default=10_000, help="agents (default 10,000)")
    ap.add_argument("--holdout", type=float, default=0.25, help="held-out share of points")
    ap.add_argument("--bootstrap", type=int, default=200, help="bootstrap refits (200)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", default=None, help="sweep folders (default out/emulator)")
    ap.add_argument("--out", default=None, help="results folder (default results/emulator)")
    ap.add_argument("--json", default=None, help="emulator file (default: the model's own)")
    ap.add_argument(
        "--range",
        action="append",
        default=[],
        metavar="NAME=LOW,HIGH",
        help="another range for a design input (e.g. to widen it toward revolts)",
    )
    ap.add_argument("--quick", action="store_true", help="12 points, 2,000 agents, into out/")
    argv = sys.argv[1:] if argv is None else list(argv)
    args = ap.parse_args(argv)
    if args.quick:
        args.points, args.n_citizens = 12, 2_000
    for name in ("points", "seeds", "weeks", "horizon", "baseline_seeds"):
        if getattr(args, name) < 1:
            ap.error(f"--{name.replace('_', '-')} {getattr(args, name)}: must be at least 1")
    if not 1 <= args.first_week < args.last_week:
        ap.error(
            f"--first-week {args.first_week}, --last-week {args.last_week}: need 1 <= first < last"
        )
    if args.baseline_week < 1:
        ap.error(f"--baseline-week {args.baseline_week}: must be at least 1")
    if not 0.0 < args.holdout < 1.0:
        ap.error(f"--holdout {args.holdout}: must lie strictly between 0 and 1")
    args.levels = sorted(set(args.levels))
    args.inputs = with_ranges(INPUTS, args.range, ap.error)

    from history import current_sweep, session_walls

    root = Path(os.path.relpath(ROOT))
    tag = "emulator_quick" if args.quick else "emulator"
    work = Path(args.work) if args.work else root / "out" / tag
    quick_out = work / "results"
    out = Path(args.out) if args.out else quick_out if args.quick else root / "results" / tag
    model_json = root / "src" / "abm" / "belarus" / "actors" / "revolt_emulator.json"
    target = Path(args.json) if args.json else out / EMULATOR if args.quick else model_json
    sweeps = specs(args)  # validated before any run
    t0 = time.perf_counter()
    frames, run_tables = [], []
    for name, spec in sweeps.items():
        print(f"== {name}: {spec.description}", flush=True)
        current_sweep(spec, work / name, args.workers)
        rows_, runs_ = sweep_rows(work / name, args.weeks, args.horizon)
        frames.append(rows_.assign(sweep=name))
        run_tables.append(runs_.assign(sweep=name))
    every = pd.concat(frames, ignore_index=True)
    rows = every[every["sweep"] != "baseline"]
    if args.rows == "decision":
        rows = rows[rows["decision"]]
    rows = rows.reset_index(drop=True)
    base_rows = every[every["sweep"] == "baseline"]
    runs = pd.concat([r for r in run_tables if r["sweep"].iloc[0] != "baseline"])
    x, y = rows[list(FEATURES)].to_numpy(), rows["revolt"].to_numpy()

    held = split_points(rows["point_id"].to_numpy(), args.holdout, seed=17)
    test = rows["point_id"].isin(held).to_numpy()
    if min(y[~test].sum(), y[test].sum()) == 0 or y.sum() == y.size:
        raise SystemExit(
            f"{int(y.sum())} revolt rows of {y.size}: too few to fit and score on held-out "
            "runs; widen the design toward inputs where revolts happen or add --points"
        )
    train_fit = fit_logistic(x[~test], y[~test])
    p_test = predict(train_fit, x[test])
    scores = {
        "auc": auc(y[test], p_test),
        "brier": float(np.mean((p_test - y[test]) ** 2)),
        "brier_base": float(np.mean((y[~test].mean() - y[test]) ** 2)),
        "logloss": float(
            -np.mean(
                y[test] * np.log(np.clip(p_test, 1e-15, 1))
                + (1 - y[test]) * np.log(np.clip(1 - p_test, 1e-15, 1))
            )
        ),
    }
    final = fit_logistic(x, y)
    boot = bootstrap(rows, args.bootstrap, seed=23)
    coef = pd.DataFrame(
        {
            "term": ["intercept", *FEATURES],
            "estimate": [final.intercept, *final.coef],
            "low_95": np.quantile(boot, 0.025, axis=0),
            "high_95": np.quantile(boot, 0.975, axis=0),
            "train_fit": [train_fit.intercept, *train_fit.coef],
        }
    )
    cal = calibration(y[test], p_test)
    per_level = by_level(y[test], p_test, x[test, 0])
    typ, base_typ = typical(rows, final), typical(base_rows, final)

    events = sum(
        revolt_week(a, b) is not None
        for a, b in zip(runs["week_ejection"], runs["week_substitution"], strict=True)
    )
    substitutions = int(runs["week_substitution"].notna().sum())
    command = "python experiments/fit_revolt_emulator.py" + (" " + " ".join(argv) if argv else "")
    design = {
        "scenario": "baseline",
        "levels": args.levels,
        "points": args.points,
        "seeds": args.seeds,
        "forced_weeks": [args.first_week, args.last_week],
        "rows_per_run": args.weeks,
        "rows": args.rows,
        "steps": args.last_week + args.weeks + args.horizon,
        "lhs_seed": 1205,
        "sweep_seed": 2612,
        "inputs": {i.name: [i.low, i.high, i.scale] for i in args.inputs},
    }
    provenance = {
        "command": ".venv/bin/" + command,
        "commit": git_commit(),
        "runs": len(runs),
        "events": events,
        "auc": round(scores["auc"], 4),
        "brier": round(scores["brier"], 5),
        "rows": int(y.size),
        "positive_rows": int(y.sum()),
        "held_out_runs": int(rows.loc[test, "run"].nunique()),
        "n_citizens": args.n_citizens,
        "design": design,
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(emulator_json(final, args.horizon, provenance), indent=2) + "\n")
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(args.inputs).to_csv(out / "design.csv", index=False)
    coef.to_csv(out / "coefficients.csv", index=False)
    cal.to_csv(out / "calibration.csv", index=False)
    per_level.to_csv(out / "calibration_by_level.csv", index=False)
    typ.to_csv(out / "per_level_design.csv", index=False)
    base_typ.to_csv(out / "per_level_default.csv", index=False)
    calibration_figure(cal, per_level, str(out / "calibration"))
    few = events < 10 * len(FEATURES)
    note = (
        f"rare - {events} revolt ejections for {len(FEATURES)} coefficients, below the rule "
        "of thumb of ten events per coefficient; read the intervals before the estimates"
        if few
        else f"{events} revolt ejections for {len(FEATURES)} coefficients (at least ten each)"
    )
    walls = {name: session_walls(work / name) for name in sweeps}
    design_wall = sum(v for k, v in walls.items() if k != "baseline")
    (out / "README.md").write_text(
        README.format(
            command=".venv/bin/" + command,
            runs=len(runs),
            base_runs=len(run_tables[-1]),
            levels=len(args.levels),
            points=args.points,
            seeds=args.seeds,
            wall=sum(walls.values()),
            full_min=design_wall / max(1, len(runs)) * 6 * 512 * 2 / 60,
            workers=args.workers,
            work=work,
            horizon=args.horizon,
            first_week=args.first_week,
            last_week=args.last_week,
            weeks_more=args.weeks - 1,
            n=args.n_citizens,
            ppa=9_255_524 / args.n_citizens,
            rows=int(y.size),
            positives=int(y.sum()),
            rows_kind=args.rows,
            rows_note=ROWS_NOTE[args.rows],
            events=events,
            substitutions=substitutions,
            train_points=rows.loc[~test, "point_id"].nunique(),
            test_points=len(held),
            reps=len(boot),
            coef_table=md_table(coef),
            base_seeds=args.baseline_seeds,
            baseline_week_minus=args.baseline_week - 1,
            baseline_table=md_table(base_typ),
            typical_table=md_table(typ),
            cal_table=md_table(cal),
            event_note=note,
            **scores,
        )
    )
    print(coef.to_string(index=False))
    print("at the default parameters:\n" + base_typ.to_string(index=False))
    print(
        f"held-out AUC {scores['auc']:.3f}, Brier {scores['brier']:.4f}; "
        f"{events} revolts in {len(runs)} runs; done in {time.perf_counter() - t0:.0f} s; "
        f"emulator in {target}, results in {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
