"""Calibration of the Belarus model: does the baseline reproduce late 2022, and what does a
forced intervention change?

    .venv/bin/python experiments/calibration.py                    # 200 seeds per scenario
    .venv/bin/python experiments/calibration.py --seeds 100 --out results/calibration

Targets (issue 3, from the article's late-2022 picture):

1. Baseline: graded complicity (every week's support level between 1 'hosting Russian
   troops' and 4 'joint military group / mobilisation') without intervention, uprising or
   substitution by week 104, in at least 80 % of runs.
2. Forced intervention (Belarus goes into Ukraine at week 12): the probability of a mutiny
   or an uprising, and how far it exceeds the baseline's.

Seeds are explicit (0 .. N-1, the same for both scenarios); runs go through
``abm.runner.run`` in a ``ProcessPoolExecutor`` with 2 workers. Writes OUT/runs.csv (one
row per run), OUT/summary.csv (probabilities with Wilson 95 % intervals), OUT/calibration.png
/.svg and OUT/README.md naming this command.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from abm.belarus.outcomes import OUTCOMES

SCENARIOS = ("baseline", "forced_intervention")
Z95 = 1.959963984540054


def one_run(job: tuple[str, int, int, dict]) -> dict:
    """One run's outcomes and the flags the targets need (executed in a worker)."""
    from abm.runner import run

    scenario, seed, steps, extra = job
    r = run("belarus", {"scenario": scenario, **extra}, seed, steps)
    s, df = r.summary, r.series
    weekly = df["support_level"].iloc[1:]
    row = {"scenario": scenario, "seed": seed, "final_class": s["final_class"]}
    row.update({o: s[f"week_{o}"] for o in OUTCOMES})
    row["graded_all_weeks"] = bool(weekly.between(1, 4).all())
    row["max_support_level"] = int(weekly.max())
    row["final_support_level"] = int(weekly.iloc[-1])
    row["peak_turnout"] = s["peak_turnout"]
    row["elapsed_s"] = r.elapsed_s
    quiet = all(s[f"week_{o}"] is None for o in ("intervention", "uprising", "substitution"))
    row["target_baseline"] = row["graded_all_weeks"] and quiet
    row["mutiny_or_uprising"] = s["week_mutiny"] is not None or s["week_uprising"] is not None
    return row


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson score 95 % interval for k successes in n trials."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    d = 1 + Z95**2 / n
    c = (p + Z95**2 / (2 * n)) / d
    h = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / d
    return (0.0 if k == 0 else max(0.0, c - h), 1.0 if k == n else min(1.0, c + h))


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (scenario, measure): count, n, probability, Wilson 95 % interval."""
    rows = []
    measures = ["target_baseline", "mutiny_or_uprising"] + list(OUTCOMES)
    for sc, g in runs.groupby("scenario", sort=False):
        n = len(g)
        for m in measures:
            k = int(g[m].astype(bool).sum()) if g[m].dtype == bool else int(g[m].notna().sum())
            lo, hi = wilson(k, n)
            rows.append(
                {
                    "scenario": sc,
                    "measure": m,
                    "count": k,
                    "n": n,
                    "p": k / n,
                    "ci_low": lo,
                    "ci_high": hi,
                }
            )
    return pd.DataFrame(rows)


def difference(summary: pd.DataFrame, measure: str) -> dict:
    """Forced minus baseline probability of ``measure``, with a Newcombe 95 % interval
    (hybrid Wilson score, method 10)."""
    a = summary[(summary.scenario == "forced_intervention") & (summary.measure == measure)].iloc[0]
    b = summary[(summary.scenario == "baseline") & (summary.measure == measure)].iloc[0]
    d = a.p - b.p
    lo = d - math.sqrt((a.p - a.ci_low) ** 2 + (b.ci_high - b.p) ** 2)
    hi = d + math.sqrt((a.ci_high - a.p) ** 2 + (b.p - b.ci_low) ** 2)
    return {"difference": d, "ci_low": lo, "ci_high": hi}


def figure(runs: pd.DataFrame, summary: pd.DataFrame, stem: Path, steps: int) -> None:
    from abm.plots.style import apply, save

    apply()
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8), gridspec_kw={"width_ratios": [3, 2]})
    measures = ["target_baseline", "mutiny_or_uprising", *OUTCOMES]
    labels = ["graded complicity,\nnothing else", "mutiny or\nuprising", *OUTCOMES]
    x = np.arange(len(measures))
    for i, (sc, colour) in enumerate(zip(SCENARIOS, ("#4C72B0", "#C44E52"), strict=True)):
        g = summary[summary.scenario == sc].set_index("measure").loc[measures]
        err = np.clip(np.vstack([g.p - g.ci_low, g.ci_high - g.p]), 0.0, None)
        ax1.bar(
            x + (i - 0.5) * 0.38,
            g.p,
            0.38,
            yerr=err,
            capsize=2,
            color=colour,
            label=f"{sc.replace('_', ' ')} (n = {int(g.n.iloc[0])})",
        )
    ax1.set_xticks(x, labels, rotation=45, ha="right", fontsize=7)
    ax1.set_ylabel("share of runs by week 104")
    ax1.set_ylim(0, 1.05)
    ax1.axhline(0.8, color="grey", lw=0.8, ls=":")
    ax1.legend(loc="upper right")
    ax1.set_title("outcome probabilities (Wilson 95 % intervals)")
    weeks = np.arange(0, steps + 1)
    for sc, colour in zip(SCENARIOS, ("#4C72B0", "#C44E52"), strict=True):
        g = runs[runs.scenario == sc]
        first = g[["mutiny", "uprising"]].astype(float).min(axis=1)  # NaN: never
        cum = [(first <= w).mean() for w in weeks]
        ax2.step(weeks, cum, where="post", color=colour, label=sc.replace("_", " "))
    ax2.set_xlabel("week")
    ax2.set_ylabel("share of runs with a mutiny or uprising")
    ax2.set_ylim(0, 1.05)
    ax2.set_title("time to the first mutiny or uprising")
    ax2.legend(loc="lower right")
    save(fig, str(stem))


def readme(
    out: Path, cmd: str, summary: pd.DataFrame, diff: dict, runs: pd.DataFrame, wall: float
) -> str:
    def p(sc, m):
        r = summary[(summary.scenario == sc) & (summary.measure == m)].iloc[0]
        return f"{r.p:.1%} ({r['count']}/{r.n}; 95 % CI {r.ci_low:.1%} to {r.ci_high:.1%})"

    n = runs.groupby("scenario").size().to_dict()
    lines = [
        "# Calibration of the Belarus model",
        "",
        f"Command: `{cmd}`  ",
        f"Seeds 0 .. {max(n.values()) - 1} for each scenario, 104 weeks, default scale "
        f"(10,000 citizen agents), 2 worker processes; wall time {wall / 60:.1f} min.",
        "",
        "## Targets and results",
        "",
        "1. Baseline (late 2022): graded complicity - every week's support level between 1 and "
        "4 - without intervention, uprising or substitution by week 104, in >= 80 % of runs: "
        f"**{p('baseline', 'target_baseline')}**.",
        "2. Forced intervention at week 12: P(mutiny or uprising) = "
        f"**{p('forced_intervention', 'mutiny_or_uprising')}** against "
        f"{p('baseline', 'mutiny_or_uprising')} at baseline; difference "
        f"**{diff['difference']:+.1%}** (Newcombe 95 % CI {diff['ci_low']:+.1%} to "
        f"{diff['ci_high']:+.1%}).",
        "",
        "## Files",
        "",
        "- `summary.csv`: scenario, measure, count, n, p, Wilson 95 % interval",
        "- `runs.csv`: one row per run: first week of each outcome (empty = never), flags",
        "- `calibration.png` / `.svg`: outcome probabilities and time to the first mutiny or "
        "uprising",
        "",
        "## All outcomes",
        "",
        "| measure | baseline | forced intervention |",
        "|---|---|---|",
    ]
    for m in ["target_baseline", "mutiny_or_uprising", *OUTCOMES]:
        lines.append(f"| {m} | {p('baseline', m)} | {p('forced_intervention', m)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=200, help="seeds per scenario (>= 100)")
    ap.add_argument("--steps", type=int, default=104)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="results/calibration")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PARAM=VALUE",
        help="override a parameter in both scenarios",
    )
    args = ap.parse_args(argv)
    from abm.params import parse_assignments
    from abm.runner import prepare

    extra = dict(parse_assignments(args.set))
    for sc in SCENARIOS:  # validate before any work
        prepare("belarus", {"scenario": sc, **extra}, args.steps)
    jobs = [(sc, seed, args.steps, extra) for sc in SCENARIOS for seed in range(args.seeds)]
    t0 = time.perf_counter()
    # spawn, not fork: forking a process that already runs threads (numba, a test runner) can
    # deadlock; spawned workers import this module afresh.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=args.workers, mp_context=ctx) as ex:
        rows = list(ex.map(one_run, jobs, chunksize=4))
    wall = time.perf_counter() - t0
    runs = pd.DataFrame(rows)
    for o in OUTCOMES:
        runs[o] = runs[o].astype("Int64")
    summary = summarise(runs)
    diff = difference(summary, "mutiny_or_uprising")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, df in (("runs.csv", runs), ("summary.csv", summary)):
        df.to_csv(out / f".{name}.tmp", index=False)
        os.replace(out / f".{name}.tmp", out / name)
    figure(runs, summary, out / "calibration", args.steps)
    cmd = "python experiments/calibration.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    (out / "README.md").write_text(readme(out, cmd.strip(), summary, diff, runs, wall))
    print((out / "README.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
