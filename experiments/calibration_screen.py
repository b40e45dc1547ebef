"""Screen every prior parameter of the Belarus model against the fit-period statistics
(Morris elementary effects) and select at most 8 to estimate (issue 13, step 2). Writes
``results/posterior/screen/``.

Two sweeps (``abm.sweep``) into ``--work`` (default ``out/calibration/screen``), both
resumable (rerun the same command after an interruption and only missing runs are done):
the Morris design over all priors of ``src/abm/belarus/priors.toml`` (log-scale ones in
log10), one seed a point; then ``--noise-points`` of its points, drawn at random, run once
more with a second seed (the seed-noise floor; cached in ``noise.csv`` beside the sweep).
Every run is the ``history`` scenario for the fit period's length, scored with the fit
target's statistics (``abm.calibration.screening`` says how and why).

    .venv/bin/python experiments/calibration_screen.py                      # ~7 min on 2 cores
    .venv/bin/python experiments/calibration_screen.py --trajectories 30    # ~18 min
    .venv/bin/python experiments/calibration_screen.py --quick              # smoke run into out/
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
MODEL = "belarus"
SCENARIO = "history"
#: Trajectories by default: (71 + 1) x 12 = 864 runs, ~7 min on 2 workers at 0.9 s a run.
TRAJECTORIES = 12


def figures(screen, out: Path, top: int = 14) -> list[str]:
    """mu* against sigma per parameter (averaged over the statistics), and the parameter x
    statistic heatmap of mu*."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    from abm.plots.style import apply, save

    apply()
    r = screen.selection.ranking
    disc = screen.table[screen.table["output"] == "discrepancy"]
    noise = float(disc.groupby("statistic")["noise"].first().mean())
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    sel = r["selected"].to_numpy(bool)
    ax.scatter(r.loc[~sel, "mu_star"], r.loc[~sel, "sigma"], s=14, c="#8C8C8C", label="screened")
    ax.scatter(r.loc[sel, "mu_star"], r.loc[sel, "sigma"], s=30, c="#C44E52", label="selected")
    for _, row in r.head(top).iterrows():
        ax.annotate(
            row["param"],
            (row["mu_star"], row["sigma"]),
            fontsize=7,
            xytext=(3, 2),
            textcoords="offset points",
            color="#C44E52" if row["selected"] else "#444444",
        )
    ax.axvline(noise, color="#3A6FB0", ls="--", lw=1, label=f"mean seed-noise floor ({noise:.2f})")
    ax.set_xlabel("mu* (mean over the fit statistics; discrepancy in error scales, capped)")
    ax.set_ylabel("sigma (mean over the fit statistics)")
    ax.set_title("Morris screening of the priors against the fit period")
    ax.legend(loc="upper left")
    paths = save(fig, str(out / "mu_sigma"))

    order = list(r["param"])
    t = screen.table.assign(
        column=[
            ("[hard fails] " if o == "hard_fails" else "") + st
            for o, st in zip(screen.table["output"], screen.table["statistic"], strict=True)
        ]
    )
    cols = list(dict.fromkeys(t["column"]))
    piv = t.pivot(index="param", columns="column", values="mu_star").reindex(
        index=order, columns=cols
    )
    neg = (
        t.pivot(index="param", columns="column", values="negligible")
        .reindex(index=order, columns=cols)
        .astype(bool)
    )
    vals = piv.to_numpy(float)
    pos = vals[vals > 0]
    lo = max(float(pos.min()) if pos.size else 1e-3, 1e-3)
    hi = max(float(np.nanmax(vals)) if vals.size else 1.0, lo * 10)
    fig, ax = plt.subplots(figsize=(0.28 * len(cols) + 4, 0.17 * len(order) + 2.5))
    im = ax.imshow(np.clip(vals, lo, None), aspect="auto", cmap="viridis", norm=LogNorm(lo, hi))
    yy, xx = np.nonzero(neg.to_numpy())
    ax.scatter(xx, yy, marker="x", s=6, c="#DDDDDD", lw=0.6)
    ax.set_xticks(range(len(cols)))
    ax.set_xticklabels(cols, rotation=90, fontsize=6)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(
        [f"{p} *" if s else p for p, s in zip(order, r["selected"], strict=True)], fontsize=6
    )
    ax.grid(False)
    fig.colorbar(im, ax=ax, label="mu* (error scales; hard fails: 0/1 units)", shrink=0.5)
    ax.set_title(
        "mu* per parameter (rows, by rank; * selected) and fit statistic (columns);\n"
        "x: negligible (within the seed-noise floor)",
        fontsize=8,
    )
    paths += save(fig, str(out / "heatmap"))
    return paths


README = """# Screening: which priors move the fit-period statistics (Morris)

```bash
{command}
```

Morris elementary effects (SALib; {trajectories} trajectories, {levels} levels, one seed a
point) of {n_params} prior parameters (`src/abm/belarus/priors.toml`, log-scale ones in
log10) against the {n_stats} statistics of the fit period (August 2020 - September 2022) and
the {n_hard} hard facts' 0/1 failures: the `{scenario}` scenario, {steps} weeks, {n:,}
agents. {runs:,} Morris runs ({failed} failed) plus {noise_points} of its points rerun with a
second seed (the seed-noise floor), in
{wall:.0f} s of sweep wall time on {workers} workers ({pace:.1f} s a run per worker; kept in
`{work}`, a rerun resumes).
How the outputs are built and normalised: `src/abm/calibration/screening.py`.

## Selected ({k} parameters)

Rule: {rule}.

| rank | parameter | block | score | share of top | mu* (mean) | sigma (mean) | informs |
|---|---|---|---|---|---|---|---|
{selected_rows}

*score*: mean over the statistics of max(mu* - noise floor, 0), in error scales; *informs*:
the statistics on which the parameter is not negligible.

Next in rank (not selected):

| rank | parameter | block | score | share of top | statistics informed |
|---|---|---|---|---|---|
{next_rows}

## What the fit period cannot inform

Parameters negligible on every fit statistic and every hard fact (mu* within
{noise_z:g} standard errors of the seed-noise floor + {abs_floor:g} error scales): they keep
their priors, and every result says so ({n_uninformed} of {n_params}):

{uninformed}

Blocks (`Param.group`) none of whose priored parameters is informed: {blocks}.

## Files

- `screening.csv`: one row per (parameter, statistic): `output` (`discrepancy`: the
  statistic's discrepancy in error scales, capped at {cap:g}; `hard_fails`: a hard fact's
  0/1 failure), SALib's `mu`, `mu_star`, `mu_star_conf`, `sigma`; `noise` (the seed-noise
  floor of mu*) and `noise_se` (its standard error at this many trajectories), `signal` =
  max(mu* - noise, 0), `relative` (mu* / the statistic's largest mu*), `negligible`.
- `ranking.csv`: one row per parameter: `score` (mean signal over the statistics),
  `share_of_top`, mean `mu_star` and `sigma`, `informs` (statistics it is not negligible
  on), `informs_any` (hard facts too), `selected`, `informed`.
- `selected.json`: the selected parameters, the rule and its constants, the uninformed
  parameters and blocks; read by `experiments/calibration_wave.py`.
- `mu_sigma.png`, `heatmap.png` (and `.svg`): mu* against sigma per parameter (averaged
  over the statistics), and mu* per parameter and statistic (log colour scale).

## How to read it

- mu* is in units of the statistics' own error scales: a mu* of 1 means moving the
  parameter across 2/3 of its prior shifts that statistic's fit by one error scale, on
  average. sigma much above mu* marks non-linear or interacting effects.
- Every point runs once, so each elementary effect carries seed noise; the noise floor
  (from {noise_points} design points, each run with two seeds) is what an inert parameter
  would show, and the score counts only what lies above it. It is itself an estimate from
  few pairs: the order of the middle ranks (about 5 - 15, scores within ~0.3 of each other)
  is not firm at {trajectories} trajectories; `--trajectories 30` firms it up.
- A parameter the screen calls uninformed can still matter for the held-out years or for
  the strategic questions; the screen only says the fit-period data cannot learn it.
"""


def row_md(r, cols) -> str:
    cells = []
    for c in cols:
        v = r[c]
        if isinstance(v, float | np.floating):
            cells.append(f"{v:.0%}" if c == "share_of_top" else f"{v:.3g}")
        else:
            cells.append(str(v))
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    from abm.calibration import screening as sc
    from abm.sweep import run_sweep_current

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trajectories", type=int, default=TRAJECTORIES, help="Morris r (12)")
    ap.add_argument("--levels", type=int, default=sc.LEVELS, help="Morris levels (4)")
    ap.add_argument(
        "--noise-points", type=int, default=sc.NOISE_POINTS, help="design points rerun (40)"
    )
    ap.add_argument("--n-citizens", type=int, default=10_000, help="agents (default 10,000)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--params", default=None, help="comma list: screen only these priors")
    ap.add_argument(
        "--statistics", default=None, help="comma list: keep statistics whose key has one"
    )
    ap.add_argument("--share", type=float, default=sc.SHARE, help="selection share of top")
    ap.add_argument("--max-selected", type=int, default=sc.MAX_SELECTED)
    ap.add_argument("--work", default=None, help="sweep folders (default out/calibration/screen)")
    ap.add_argument("--out", default=None, help="results (default results/posterior/screen)")
    ap.add_argument("--quick", action="store_true", help="2 trajectories, 500 agents, into out/")
    ap.add_argument("--no-progress", action="store_true")
    ap.add_argument(
        "--allow-code-change",
        action="store_true",
        help="continue sweep folders made at another commit (one that changed no model code)",
    )
    argv = sys.argv[1:] if argv is None else list(argv)
    args = ap.parse_args(argv)
    if args.quick:
        args.trajectories, args.n_citizens, args.noise_points = 2, 500, 2

    root = Path(os.path.relpath(ROOT))
    tag = "screen_quick" if args.quick else "screen"
    work = Path(args.work) if args.work else root / "out" / "calibration" / tag
    out = (
        Path(args.out)
        if args.out
        else (work / "results" if args.quick else root / "results" / "posterior" / "screen")
    )
    fixed = {"n_citizens": args.n_citizens}
    split = lambda s: [x.strip() for x in s.split(",") if x.strip()] if s else None  # noqa: E731
    hard, soft = sc.screen_target(MODEL, "fit", split(args.statistics))
    priors = sc.screened_priors(MODEL, split(args.params), fixed)
    specs = sc.screen_specs(
        MODEL,
        SCENARIO,
        hard,
        priors,
        trajectories=args.trajectories,
        fixed=fixed,
        levels=args.levels,
        seed=args.seed,
    )  # validated before any run
    n_runs = (len(priors) + 1) * args.trajectories + args.noise_points
    print(
        f"screen: {len(priors)} priors x {args.trajectories} trajectories + "
        f"{args.noise_points} reruns = {n_runs} runs of {hard.steps} weeks at "
        f"{args.n_citizens:,} agents "
        f"(~{n_runs * sc.RUN_S * args.n_citizens / 10_000 / args.workers / 60:.0f} min on "
        f"{args.workers} workers at 10,000 agents' pace)",
        flush=True,
    )
    t0 = time.perf_counter()
    for name, spec in specs.items():
        print(f"== {name}: {spec.description}", flush=True)
        run_sweep_current(
            spec,
            work / name,
            workers=args.workers,
            progress=not args.no_progress,
            allow_code_change=args.allow_code_change,
        )
    screen = sc.analyse(
        MODEL,
        work / "morris",
        work / "noise.csv",
        specs["morris"],
        hard,
        soft,
        share=args.share,
        most=args.max_selected,
        n_noise=args.noise_points,
    )
    from history import session_walls

    wall = sum(session_walls(work / name) for name in specs)
    shown = [a for a in argv if a not in ("--no-progress", "--allow-code-change")]
    command = ".venv/bin/python experiments/calibration_screen.py" + (
        " " + " ".join(shown) if shown else ""
    )
    extra = {
        "command": command,
        "model": MODEL,
        "scenario": SCENARIO,
        "period": "fit",
        "steps": hard.steps,
        "n_citizens": args.n_citizens,
        "trajectories": args.trajectories,
        "levels": args.levels,
        "noise_points": args.noise_points,
        "priors": len(priors),
        "statistics": list(soft.keys),
        "hard": list(hard.hard),
        "sweep_wall_s": round(wall, 1),
        "workers": args.workers,
    }
    sc.write(out, screen, extra)
    figures(screen, out)
    sel = screen.selection
    r = sel.ranking
    cols = ["rank", "param", "group", "score", "share_of_top", "mu_star", "sigma", "informs"]
    selected_rows = "\n".join(row_md(x, cols) for _, x in r[r["selected"]].iterrows())
    nxt = r[~r["selected"]].head(8)
    next_cols = ["rank", "param", "group", "score", "share_of_top", "informs"]
    uninformed = pd.DataFrame({"param": list(sel.uninformed)})
    uninformed["group"] = uninformed["param"].map(dict(zip(r["param"], r["group"], strict=True)))
    by_block = [
        f"- {g or '(no block)'}: " + ", ".join(f"`{p}`" for p in grp["param"])
        for g, grp in uninformed.groupby("group", sort=True)
    ]
    (out / "README.md").write_text(
        README.format(
            command=command,
            trajectories=args.trajectories,
            levels=args.levels,
            n_params=len(priors),
            n_stats=len(soft.keys),
            n_hard=len(hard.hard),
            scenario=SCENARIO,
            steps=hard.steps,
            n=args.n_citizens,
            runs=screen.runs + screen.failed,
            failed=screen.failed,
            noise_points=args.noise_points,
            wall=wall,
            pace=wall * args.workers / max(screen.runs + screen.failed, 1),
            workers=args.workers,
            work=work,
            k=len(sel.selected),
            rule=sel.rule,
            selected_rows=selected_rows or "| - | none | | | | | | |",
            next_rows="\n".join(row_md(x, next_cols) for _, x in nxt.iterrows()) or "| - |",
            noise_z=sc.NOISE_Z,
            abs_floor=sc.ABS_FLOOR,
            n_uninformed=len(sel.uninformed),
            uninformed="\n".join(by_block) or "none",
            blocks=", ".join(f"`{b}`" for b in sel.uninformed_blocks) or "none",
            cap=sc.CAP,
        ),
        encoding="utf-8",
    )
    print(r.head(12).to_string(index=False))
    print(f"selected: {', '.join(sel.selected)}")
    print(f"done in {time.perf_counter() - t0:.0f} s; results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
