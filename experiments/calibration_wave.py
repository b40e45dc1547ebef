"""One history-matching wave over the screened parameters: rule out the part of their prior
box where no run fits the fit period (issue 13, step 3). Writes ``results/posterior/wave/``.

Two sweeps (``abm.sweep``) into ``--work`` (default ``out/calibration/wave``), resumable: a
Latin hypercube of ``--points`` points over the parameters the screen selected (read from
``--screen``'s ``selected.json``, or named with ``--selected``), the others drawn from their
priors in the same hypercube (``--nuisance prior``, as the calibration spec draws them per
particle) or held at their defaults (``--nuisance default``), one seed a point; and
``--replicates`` seeds at the defaults for the model's own (seed) scale per statistic.
``abm.calibration.matching`` gives the rule; ``bounds.toml`` is the narrowed box, ready for
the calibration spec's ``bounds``.

    .venv/bin/python experiments/calibration_wave.py               # 600 points, ~5 min on 2 cores
    .venv/bin/python experiments/calibration_wave.py --full        # 2,400 points, ~20 min
    .venv/bin/python experiments/calibration_wave.py --quick       # smoke run into out/
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MODEL = "belarus"
SCENARIO = "history"


def figures(wave, priors, out: Path) -> list[str]:
    """Pairs of the selected parameters (non-implausible points coloured by their
    implausibility, the rest grey) and each point's implausibility against each parameter."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    from abm.plots.style import apply, save

    def no_minor(axis) -> None:
        axis.set_minor_formatter(NullFormatter())

    apply()
    names = list(wave.selected)
    t = wave.points
    keep = ~t["implausible"].to_numpy(bool)
    imp = np.minimum(t["implausibility"].to_numpy(float), 10.0)
    d = len(names)
    size = 1.9 * d + 1.0
    fig, axes = plt.subplots(d, d, figsize=(size, size), squeeze=False)
    sc = None
    for i, yname in enumerate(names):
        for j, xname in enumerate(names):
            ax = axes[i, j]
            if j > i:
                ax.set_visible(False)
                continue
            log_x = priors[xname].scale == "log"
            if i == j:
                bins = (
                    np.geomspace(priors[xname].low, priors[xname].high, 21)
                    if log_x
                    else np.linspace(priors[xname].low, priors[xname].high, 21)
                )
                ax.hist(t[xname], bins=bins, color="#CCCCCC", label="all points")
                ax.hist(t.loc[keep, xname], bins=bins, color="#3A6FB0", label="non-implausible")
                lo, hi = wave.bounds[xname]
                ax.axvspan(lo, hi, color="#C44E52", alpha=0.12, lw=0)
            else:
                ax.scatter(
                    t.loc[~keep, xname],
                    t.loc[~keep, yname],
                    s=3,
                    c="#DDDDDD",
                    lw=0,
                    rasterized=True,
                )
                sc = ax.scatter(
                    t.loc[keep, xname],
                    t.loc[keep, yname],
                    s=6,
                    c=imp[keep],
                    cmap="viridis",
                    vmin=0,
                    vmax=3,
                    lw=0,
                    rasterized=True,
                )
                if priors[yname].scale == "log":
                    ax.set_yscale("log")
                    no_minor(ax.yaxis)
            if log_x:
                ax.set_xscale("log")
                no_minor(ax.xaxis)
            if j > 0 or i == j:
                ax.set_yticklabels([])
            if i == d - 1:
                ax.set_xlabel(xname, fontsize=7)
            else:
                ax.set_xticklabels([])
            if j == 0 and i > 0:
                ax.set_ylabel(yname, fontsize=7)
            ax.tick_params(labelsize=6)
    if sc is not None:
        fig.colorbar(sc, ax=axes, shrink=0.4, label="implausibility (non-implausible points)")
    fig.suptitle(
        f"History-matching wave: {keep.sum()} of {len(t)} points non-implausible "
        f"({keep.mean():.1%}); shaded: the narrowed box",
        fontsize=9,
    )
    paths = save(fig, str(out / "pairs"))

    cols = min(d, 4)
    rows = math.ceil(d / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.0 * cols, 2.4 * rows), squeeze=False)
    for k, name in enumerate(names):
        ax = axes[k // cols, k % cols]
        ax.scatter(
            t.loc[~keep, name],
            imp[~keep],
            s=3,
            c="#BBBBBB",
            lw=0,
            rasterized=True,
            label="implausible",
        )
        ax.scatter(
            t.loc[keep, name],
            imp[keep],
            s=5,
            c="#3A6FB0",
            lw=0,
            rasterized=True,
            label="non-implausible",
        )
        ax.axhline(wave.settings["threshold"], color="#C44E52", lw=1, ls="--")
        lo, hi = wave.bounds[name]
        ax.axvspan(lo, hi, color="#C44E52", alpha=0.08, lw=0)
        if priors[name].scale == "log":
            ax.set_xscale("log")
            no_minor(ax.xaxis)
        ax.set_xlabel(name, fontsize=8)
        ax.set_ylabel("implausibility (capped at 10)", fontsize=7)
        ax.tick_params(labelsize=6)
    for k in range(d, rows * cols):
        axes[k // cols, k % cols].set_visible(False)
    axes[0, 0].legend(fontsize=6, loc="upper right")
    fig.suptitle(
        f"Each point's implausibility ({wave.settings['rule']} rule) by parameter; dashed: "
        f"the threshold {wave.settings['threshold']:g}; shaded: the narrowed box",
        fontsize=9,
    )
    fig.tight_layout()
    paths += save(fig, str(out / "implausibility"))
    return paths


README = """# History matching, wave 1: the non-implausible part of the screened parameters' priors

```bash
{command}
```

A Latin hypercube of {points:,} points over the {k} parameters the screen selected
({selected_from}), the other {n_nuisance} priored parameters {nuisance_text}; one seed a
point; the `{scenario}` scenario for the fit period ({steps} weeks), {n:,} agents; plus
{replicates} seeds at the defaults for the model (seed) scale of each statistic. {runs:,}
runs ({failed} failed) in {wall:.0f} s of sweep wall time on {workers} workers (kept in
`{work}`; a rerun resumes). At that pace the full size (`--full`, {full:,} points) takes
about {full_min:.0f} min. The rule is in `src/abm/calibration/matching.py`.

**Rule.** Implausibility per statistic I = gap / sqrt(obs_scale^2 + model_scale^2) (gap: the
distance in log units between what an observer would report from the run and the observed
range; obs_scale: the observation's error scale; model_scale: the sd of the statistic's log
value over seeds at the defaults, at least {floor:g}); a point is {rule}. A single run
breaking a hard fact (no army defection, no troops in Ukraine, no substitution, the ruler in
power) does not rule its point out: the facts are stochastic, so only a neighbourhood where
nearly every run breaks one does.

**Result: {kept:,} of {points:,} points are non-implausible ({share:.1%}).**

Set aside as structural misses (over the threshold at {missed:.0%} or more of the points, so
they cannot tell points apart; the calibration must face them): {set_aside}.

## The narrowed box (`bounds.toml`, for the calibration spec's `bounds`)

| parameter | prior | scale | non-implausible box | share of the prior kept |
|---|---|---|---|---|
{bounds_rows}

The box is the min and max of the non-implausible points, padded by one design cell
(1/{points} of the prior range on its own scale) and kept inside the prior. A box that keeps
most of a prior says the wave could not rule that parameter's values out one at a time; the
pairs figure shows whether it ruled out combinations instead (which a box cannot hold and
ABC-SMC then learns).

## Per statistic

| statistic | hard | obs scale | model scale | I > {threshold:g} | set aside | worst for |
|---|---|---|---|---|---|---|
{stat_rows}

*worst for*: the share of points whose largest implausibility (over the statistics used) is
on this statistic. A statistic over the threshold at nearly every point is one the model
misses wherever the priors put it (a structural miss, not a parameter range): it is set aside
at this wave, and the second-max rule lets one more pass.

## Files

- `wave.csv`: every design point: the selected parameters' values and unit positions, its
  implausibility (the rule's), its largest, the statistic that gives it, whether a hard fact
  failed in its run and the failure share among its {neighbours} nearest points, `implausible`,
  and `I: <statistic>` for every statistic.
- `statistics.csv`: per statistic, the observation and model scales and the share of points
  over the threshold.
- `bounds.toml`: the narrowed box as a `[bounds]` table; `wave.json`: the summary.
- `pairs.png`, `implausibility.png` (and `.svg`).
"""


def fmt(x: float) -> str:
    return f"{x:.4g}"


def main(argv: list[str] | None = None) -> int:
    from abm.calibration import matching as hm
    from abm.calibration import screening as sc
    from abm.sweep import run_sweep_current

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=hm.POINTS, help="LHS points (600)")
    ap.add_argument("--full", action="store_true", help=f"{hm.FULL_POINTS:,} points")
    ap.add_argument("--screen", default=None, help="screen folder (results/posterior/screen)")
    ap.add_argument("--selected", default=None, help="comma list of parameters (not --screen)")
    ap.add_argument("--nuisance", choices=hm.NUISANCE, default="prior")
    ap.add_argument("--rule", choices=hm.RULES, default="second")
    ap.add_argument("--threshold", type=float, default=hm.THRESHOLD)
    ap.add_argument(
        "--missed-share",
        type=float,
        default=hm.MISSED_SHARE,
        help="set aside statistics over the threshold at this share of points (0.9; 1: none)",
    )
    ap.add_argument("--replicates", type=int, default=hm.REPLICATES, help="seeds at defaults")
    ap.add_argument("--n-citizens", type=int, default=10_000, help="agents (default 10,000)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument(
        "--statistics", default=None, help="comma list: keep statistics whose key has one"
    )
    ap.add_argument("--work", default=None, help="sweep folders (default out/calibration/wave)")
    ap.add_argument("--out", default=None, help="results (default results/posterior/wave)")
    ap.add_argument("--quick", action="store_true", help="24 points, 500 agents, into out/")
    ap.add_argument("--no-progress", action="store_true")
    ap.add_argument(
        "--allow-code-change",
        action="store_true",
        help="continue sweep folders made at another commit (one that changed no model code)",
    )
    argv = sys.argv[1:] if argv is None else list(argv)
    args = ap.parse_args(argv)
    if args.full:
        args.points = hm.FULL_POINTS
    if args.quick:
        args.points, args.n_citizens, args.replicates = 24, 500, 4

    root = Path(os.path.relpath(ROOT))
    tag = "wave_quick" if args.quick else "wave"
    work = Path(args.work) if args.work else root / "out" / "calibration" / tag
    out = (
        Path(args.out)
        if args.out
        else (work / "results" if args.quick else root / "results" / "posterior" / "wave")
    )
    if args.selected:
        selected = [x.strip() for x in args.selected.split(",") if x.strip()]
        selected_from = "named with --selected"
    else:
        screen = Path(args.screen) if args.screen else root / "results" / "posterior" / "screen"
        selected = sc.read_selected(screen)
        selected_from = f"`{screen}/selected.json`"
    fixed = {"n_citizens": args.n_citizens}
    stats = [x.strip() for x in args.statistics.split(",")] if args.statistics else None
    hard, soft = sc.screen_target(MODEL, "fit", stats)
    priors = sc.screened_priors(MODEL, None, fixed)
    specs = hm.wave_specs(
        MODEL,
        SCENARIO,
        hard,
        priors,
        selected,
        points=args.points,
        nuisance=args.nuisance,
        fixed=fixed,
        replicates=args.replicates,
        seed=args.seed,
    )  # validated before any run
    n_runs = args.points + args.replicates
    pace = sc.RUN_S * max(args.n_citizens, 2_000) / 10_000
    print(
        f"wave: {args.points} points over {len(selected)} parameters ({', '.join(selected)}), "
        f"nuisance {args.nuisance}, + {args.replicates} seeds = {n_runs} runs "
        f"(~{n_runs * pace / args.workers / 60:.0f} min on {args.workers} workers)",
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
    wave = hm.analyse(
        work / "lhs",
        work / "defaults",
        specs["lhs"],
        hard,
        soft,
        priors,
        selected,
        rule=args.rule,
        threshold=args.threshold,
        missed_share=args.missed_share,
    )
    from history import session_walls

    wall = sum(session_walls(work / name) for name in specs)
    shown = [a for a in argv if a not in ("--no-progress", "--allow-code-change")]
    command = ".venv/bin/python experiments/calibration_wave.py" + (
        " " + " ".join(shown) if shown else ""
    )
    extra = {
        "command": command,
        "model": MODEL,
        "scenario": SCENARIO,
        "period": "fit",
        "steps": hard.steps,
        "n_citizens": args.n_citizens,
        "nuisance": args.nuisance,
        "sweep_wall_s": round(wall, 1),
        "workers": args.workers,
    }
    header = [
        f"History-matching wave 1 over {', '.join(selected)} ({command})",
        "Paste the [bounds] table into the calibration spec (its values lie inside the priors).",
    ]
    hm.write(out, wave, priors, header, extra)
    figures(wave, priors, out)

    bounds_rows = []
    for name in selected:
        p = priors[name]
        lo, hi = wave.bounds[name]
        kept = float(p.to_unit(hi) - p.to_unit(lo))
        bounds_rows.append(
            f"| `{name}` | {fmt(p.low)} - {fmt(p.high)} | {p.scale} | {fmt(lo)} - {fmt(hi)} "
            f"| {kept:.0%} |"
        )
    stat_rows = []
    for _, r in wave.statistics.iterrows():
        stat_rows.append(
            f"| {r['statistic']} | {'yes' if r['hard'] else ''} | {r['obs_scale']:.3g} | "
            f"{r['model_scale']:.3g} | {r['share_over_threshold']:.0%} | "
            f"{'**yes**' if r['set_aside'] else ''} | {r['share_worst']:.0%} |"
        )
    per_run = wall / max(n_runs, 1)
    n_nuisance = len(priors) - len(selected)
    (out / "README.md").write_text(
        README.format(
            command=command,
            points=args.points,
            k=len(selected),
            selected_from=selected_from,
            n_nuisance=n_nuisance,
            nuisance_text=(
                "drawn from their priors in the same hypercube (as the calibration draws them "
                "per particle)"
                if args.nuisance == "prior"
                else "held at their defaults"
            ),
            scenario=SCENARIO,
            steps=hard.steps,
            n=args.n_citizens,
            replicates=args.replicates,
            runs=n_runs,
            failed=int(wave.points["failed_run"].sum()),
            wall=wall,
            workers=args.workers,
            work=work,
            full=hm.FULL_POINTS,
            full_min=(hm.FULL_POINTS + args.replicates) * per_run / 60,
            floor=hm.MODEL_SCALE_FLOOR,
            rule=wave.rule,
            kept=int((~wave.points["implausible"]).sum()),
            share=wave.share,
            bounds_rows="\n".join(bounds_rows),
            threshold=args.threshold,
            stat_rows="\n".join(stat_rows),
            neighbours=hm.HARD_NEIGHBOURS,
            missed=args.missed_share,
            set_aside=", ".join(wave.settings["set_aside"]) or "none",
        ),
        encoding="utf-8",
    )
    print(wave.statistics.to_string(index=False))
    print((out / "bounds.toml").read_text())
    print(
        f"non-implausible: {(~wave.points['implausible']).sum()} of {len(wave.points)} "
        f"({wave.share:.1%}); done in {time.perf_counter() - t0:.0f} s; results in {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
