"""Scenario discovery: which conditions produce intervention, mutiny, uprising and
substitution, as PRIM boxes stated as readable conditions, over the posterior (issue 14,
experiment 6).

The world's inputs the article names (the war's course, the Ukrainian force Belarus would
face, Moscow's reach into the services, Lukashenko's perceived indispensability, NATO's
visibility on the western border) are crossed on a grid of three levels each from the
late-2022 baseline, and the posterior's draws are dealt out over the cells, every run with
a draw of its own (crossed with the grid, a few draws would meet every cell and a
parameter would take only as many values as there are draws). PRIM (Friedman & Fisher
1999, as EMA Workbench implements it for scenario discovery, Bryant & Lempert 2010; the
box-choice rule of ``abm.analysis.discovery``) then looks for the region of inputs AND
drawn parameters (the estimated ones and those that kept their priors) where each outcome
concentrates. A box on a parameter that kept its prior says the outcome hangs on something
the 2020-22 data could not pin down.

    .venv/bin/python experiments/scenario_discovery.py          # ~5 min on 2 cores
    .venv/bin/python experiments/scenario_discovery.py --full   # 30 draws per cell: ~25 min
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import posterior_common as pc  # noqa: E402

NAME = "scenario_discovery"
INPUTS = {
    "war_trajectory": (0.4, 0.7, 1.0),
    "ukraine_strength": (15_000, 60_000, 120_000),
    "penetration_initial": (0.1, 0.4, 0.7),
    "indispensability_base": (0.1, 0.5, 1.0),
    "nato_posture": (0.2, 0.8),
}
TARGETS = ("intervention", "mutiny", "uprising", "substitution")
SIZES = {"quick": (1, 1_000, 20), "default": (6, 10_000, 104), "full": (30, 10_000, 104)}


def condition(box: pd.DataFrame) -> str:
    """A PRIM box as a sentence: ``war_trajectory >= 0.70 and ruler_hazard_bias <= -10``."""
    parts = []
    for r in box.itertuples():
        if isinstance(r.values, str) and r.values:
            parts.append(f"{r.param} in {{{r.values}}}")
            continue
        low = r.low > r.range_low
        high = r.high < r.range_high
        if low and high:
            parts.append(f"{r.low:.3g} <= {r.param} <= {r.high:.3g}")
        elif low:
            parts.append(f"{r.param} >= {r.low:.3g}")
        elif high:
            parts.append(f"{r.param} <= {r.high:.3g}")
    return " and ".join(parts) if parts else "(no restriction: the whole space)"


def main(argv: Sequence[str] | None = None) -> int:
    from abm.analysis.discovery import MIN_CASES, prim_box
    from abm.plots.discovery import prim_figure

    args = pc.parser(NAME, __doc__).parse_args(argv)
    draws, n_citizens, steps = SIZES["quick" if args.quick else "full" if args.full else "default"]
    # the smoke size keeps each input's ends only (32 cells instead of 162)
    inputs = {k: (v[0], v[-1]) for k, v in INPUTS.items()} if args.quick else INPUTS
    spec = pc.posterior_spec(
        NAME,
        f"five inputs of the article on a grid, {draws} posterior draws dealt to each cell "
        f"(every run its own draw), late-2022 baseline, {steps} weeks",
        scenario="baseline",
        steps=steps,
        draws=draws,
        seed=2024,
        fixed={"n_citizens": n_citizens},
        vary=inputs,
        cross=False,
    )
    sweeps = pc.Sweeps()
    runs = sweeps.run(spec, args.work, args.workers)
    estimated, kept = pc.estimated_and_kept()
    # the drawn parameters the runs used (a dated event of the history is not used here)
    names = [*INPUTS, *(p for p in [*estimated, *kept] if p not in INPUTS)]
    names = [n for n in names if f"param_{n}" in runs.columns]
    x = runs[[f"param_{n}" for n in names]].set_axis(names, axis=1)
    x = x.loc[:, x.nunique() > 1].astype(float)
    hit = pc.happened(runs, TARGETS)

    out = args.out
    (out / "figures").mkdir(parents=True, exist_ok=True)
    rows, boxes, figures = [], [], []
    for outcome in TARGETS:
        y = hit[outcome].to_numpy()
        k = int(y.sum())
        if k < MIN_CASES or len(y) - k < MIN_CASES:
            rows.append({"outcome": outcome, "runs": len(y), "k": k, "condition": "too few"})
            continue
        result = prim_box(x, y, outcome)
        text = condition(result.box)
        rows.append(
            {
                "outcome": outcome,
                "runs": len(y),
                "k": k,
                "base_rate": k / len(y),
                "condition": text,
                **{s: result.stats[s] for s in ("coverage", "density", "mass", "res_dim")},
            }
        )
        b = result.box.assign(outcome=outcome)
        b["kind"] = [
            "input" if p in INPUTS else "estimated" if p in estimated else "kept its prior"
            for p in b["param"]
        ]
        boxes.append(b)
        figures += prim_figure(result, str(out / "figures" / f"prim_{outcome}"))
    summary = pd.DataFrame(rows)
    pc.write_table(summary, out / "summary.csv")
    if boxes:
        pc.write_table(pd.concat(boxes, ignore_index=True), out / "boxes.csv")
    write_readme(out, runs, summary, boxes, sweeps, draws, steps, figures, argv)
    print(f"wrote {out}", flush=True)
    return 0


def distinct_particles(runs: pd.DataFrame) -> int:
    """How many of the posterior's particles the runs drew (rows of distinct estimated
    values): what bounds the resolution of a box on a drawn parameter."""
    estimated, _ = pc.estimated_and_kept()
    cols = [f"param_{p}" for p in estimated if f"param_{p}" in runs.columns]
    return int(runs[cols].drop_duplicates().shape[0]) if cols else 0


def write_readme(out, runs, summary, boxes, sweeps, draws, steps, figures, argv) -> None:
    lines = [
        f"{len(runs):,} runs ({runs['point_id'].nunique() // draws} input cells x "
        f"{draws} posterior draws each, {distinct_particles(runs)} distinct particles in all; "
        f"{steps} weeks from October 2022). For each outcome, the "
        "box PRIM chose: inside it, *density* of the runs had the outcome (against the base "
        "rate over all runs); it holds *coverage* of all the runs with the outcome and "
        "*mass* of all runs.",
        "",
        "| outcome | base rate | condition | density | coverage | mass |",
        "|---|---|---|---|---|---|",
    ]
    for r in summary.itertuples():
        if r.condition == "too few":
            lines.append(f"| {r.outcome} | {r.k}/{r.runs} | too few cases for PRIM | | | |")
            continue
        lines.append(
            f"| {r.outcome} | {r.base_rate:.2f} | {r.condition} | {r.density:.2f} | "
            f"{r.coverage:.2f} | {r.mass:.2f} |"
        )
    kinds = pd.concat(boxes)["kind"].value_counts() if boxes else pd.Series(dtype=int)
    lines += [
        "",
        "Restrictions by kind: "
        + (", ".join(f"{v} on {k} parameters" for k, v in kinds.items()) or "none")
        + " (`boxes.csv`, with each limit's quasi-p value).",
    ]
    caveats = f"""- A box describes where the runs with an outcome concentrate; it is not a causal
  claim. Restrictions that were not significant (quasi-p > 0.05) were dropped
  (`abm.analysis.discovery`). Each run is one case (a posterior draw and a seed).
- Drawn parameters take at most 120 distinct values (the posterior's particles, ESS 33):
  PRIM's limits on them are coarse.
- A restriction on a parameter that kept its prior names a question the 2020-22 data could
  not answer; its range is the prior's (docs/ODD.md, parameter table, sources).
{pc.prior_kept_text(set_here=list(INPUTS))}"""
    pc.write_readme(
        out,
        title="Scenario discovery: the conditions behind each outcome, over the posterior",
        command=pc.command(NAME, argv),
        finding="\n".join(lines),
        caveats=caveats,
        sweeps=sweeps,
        full=f"`--full`: 30 draws per cell ({30 * 162:,} runs), about 25 min on 2 cores. "
        f"This folder: {draws} draws per cell.",
        files=[
            "summary.csv",
            "boxes.csv",
            *(str(Path(f).relative_to(out)) for f in figures),
        ],
    )


if __name__ == "__main__":
    raise SystemExit(main())
