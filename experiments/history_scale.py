"""Scale consistency of the history's fit-period patterns: do their means and spreads agree
between the default scale (10,000 agents, ~926 people each), 100,000 agents and full scale
(one agent per inhabitant)? Issue 11 asks this before anything is estimated, and the answer
sets the smallest scale an estimation may use. Writes ``results/history/scale.csv`` and
``scale.png``.

Each scale is a sweep of the ``history`` scenario to the end of the fit period (step 112,
the week of 30 September 2022) at the default parameters, into ``--work`` (default
``out/history_scale``): resumable, parallel over ``--workers``.

    .venv/bin/python experiments/history_scale.py            # 10^4 x 40, 10^5 x 10: ~2 min
    .venv/bin/python experiments/history_scale.py --full 2   # + 2 full-scale runs: ~20 min
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "experiments"))

FULL = 9_255_524
FIT_WEEKS = 112  # step 112 is week 111, the week of 30 September 2022


def spec(n: int, seeds: int):
    from history import KEEP

    from abm.sweep import SweepSpec

    return SweepSpec.from_dict(
        {
            "model": "belarus",
            "name": f"history_scale_{n}",
            "description": f"the history's fit period at {n:,} agents, default parameters",
            "scenario": "history",
            "steps": FIT_WEEKS,
            "replicates": seeds,
            "seed": 2020,
            "keep_series": list(KEEP),
            "fixed": {"n_citizens": n},
        }
    )


def per_run(folder: Path, n: int) -> pd.DataFrame:
    """Fit-period patterns' simulated values, one row per (run, pattern)."""
    from history import pattern_table, read_sweep

    t = pattern_table(*read_sweep(folder))
    t = t[(t["period"] == "fit") & t["simulated"].notna()]
    return t.assign(n_citizens=n)[["n_citizens", "run_id", "key", "simulated"]]


def agreement(runs: pd.DataFrame) -> pd.DataFrame:
    """Per pattern and scale: mean, sd, runs and the 95 % interval of the mean; then each
    scale's mean against the default scale's, as a z-score of their difference."""
    g = runs[np.isfinite(runs["simulated"])].groupby(["key", "n_citizens"])["simulated"]
    t = g.agg(mean="mean", sd="std", runs="size").reset_index()
    t["se"] = t["sd"] / np.sqrt(t["runs"])
    t["ci_low"], t["ci_high"] = t["mean"] - 1.96 * t["se"], t["mean"] + 1.96 * t["se"]
    base = t[t["n_citizens"] == t["n_citizens"].min()].set_index("key")
    z = []
    for _, r in t.iterrows():
        b = base.loc[r["key"]]
        se = math.hypot(r["se"] if r["runs"] > 1 else 0.0, b["se"])
        diff = r["mean"] - b["mean"]
        z.append(0.0 if diff == 0 else (diff / se if se > 0 else math.inf))
    t["z_vs_default"] = z
    return t


def figure(t: pd.DataFrame, path_stem: str) -> list[str]:
    import matplotlib.pyplot as plt

    from abm.plots import style

    style.apply()
    keys = [k for k in t["key"].unique() if (t[t["key"] == k]["mean"].abs() > 0).any()]
    base = t[t["n_citizens"] == t["n_citizens"].min()].set_index("key")["mean"]
    scales = sorted(t["n_citizens"].unique())
    fig, ax = plt.subplots(figsize=(7.0, 0.3 * len(keys) + 1.3))
    y = np.arange(len(keys))[::-1]
    for j, n in enumerate(scales):
        s = t[t["n_citizens"] == n].set_index("key")
        off = (j - (len(scales) - 1) / 2) * 0.22
        for yi, k in zip(y, keys, strict=True):
            if k not in s.index or base[k] == 0:
                continue
            r = s.loc[k]
            ax.errorbar(
                r["mean"] / base[k],
                yi + off,
                xerr=[
                    [max(0.0, (r["mean"] - r["ci_low"]) / abs(base[k]))],
                    [max(0.0, (r["ci_high"] - r["mean"]) / abs(base[k]))],
                ],
                fmt="o",
                ms=3,
                capsize=2,
                color=style.color_of(str(n), j),
                label=f"{n:,} agents ({int(r['runs'])} runs)" if yi == y[0] else None,
            )
    ax.axvline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_yticks(y, keys)
    ax.set_xlabel("mean / mean at the default scale (95 % interval of the mean)")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    fig.tight_layout()
    return style.save(fig, path_stem)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=40, help="runs at 10,000 agents (default 40)")
    ap.add_argument("--mid-seeds", type=int, default=10, help="runs at 100,000 agents (10)")
    ap.add_argument("--full", type=int, default=0, help="runs at full scale (default 0)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", default=None, help="sweep folders (default out/history_scale)")
    ap.add_argument("--out", default=None, help="results folder (default results/history)")
    args = ap.parse_args(argv)

    from history import current_sweep

    root = Path(os.path.relpath(ROOT))
    work = Path(args.work) if args.work else root / "out" / "history_scale"
    out = Path(args.out) if args.out else root / "results" / "history"
    plan = [(10_000, args.seeds), (100_000, args.mid_seeds)]
    if args.full:
        plan.append((FULL, args.full))
    specs = [(n, spec(n, k)) for n, k in plan if k > 0]  # validated before any run
    frames, walls = [], {}
    for n, s in specs:
        print(f"== {n:,} agents x {s.replicates}", flush=True)
        walls[n] = current_sweep(s, work / str(n), min(args.workers, s.replicates)).wall_s
        frames.append(per_run(work / str(n), n))
    t = agreement(pd.concat(frames, ignore_index=True))
    out.mkdir(parents=True, exist_ok=True)
    t.to_csv(out / "scale.csv", index=False)
    figure(t, str(out / "scale"))
    worst = t[t["n_citizens"] != t["n_citizens"].min()].sort_values(
        "z_vs_default", key=np.abs, ascending=False
    )
    print(worst[["key", "n_citizens", "mean", "sd", "runs", "z_vs_default"]].head(12).to_string())
    print("sweep wall times (s):", walls)
    argv = sys.argv[1:] if argv is None else list(argv)
    (out / "SCALE.md").write_text(scale_readme(t, walls, argv))
    return 0


def scale_readme(t: pd.DataFrame, walls: dict[int, float], argv: list[str]) -> str:
    """SCALE.md: the command, then per pattern each scale's mean (sd) and its z against the
    default scale."""
    scales = sorted(t["n_citizens"].unique())
    head = "| pattern | " + " | ".join(f"{n:,} agents: mean (sd), z" for n in scales) + " |"
    rows = [head, "|---" * (len(scales) + 1) + "|"]
    for key, g in t.groupby("key", sort=True):
        g = g.set_index("n_citizens")
        cells = []
        for n in scales:
            if n not in g.index:
                cells.append("-")
                continue
            r = g.loc[n]
            sd = "-" if pd.isna(r["sd"]) else f"{r['sd']:,.3g}"
            z = "" if n == scales[0] else f", z = {r['z_vs_default']:+.1f}"
            cells.append(f"{r['mean']:,.4g} ({sd}){z}")
        rows.append(f"| {key} | " + " | ".join(cells) + " |")
    big = t[(t["n_citizens"] != scales[0]) & (t["z_vs_default"].abs() > 3)]
    runs = ", ".join(
        f"{n:,} agents: {int(t[t.n_citizens == n]['runs'].max())} runs "
        f"in {walls.get(n, float('nan')):.0f} s"
        for n in scales
    )
    flagged = ", ".join(f"{k} at {n:,}" for k, n in zip(big["key"], big["n_citizens"], strict=True))
    return SCALE_README.format(
        command=" ".join([".venv/bin/python experiments/history_scale.py", *argv]),
        runs=runs,
        flagged=flagged or "none",
        summary="\n".join(summary_lines(t)),
        table="\n".join(rows),
    )


def summary_lines(t: pd.DataFrame) -> list[str]:
    """Per larger scale: how far the means move from the default scale's (median and
    largest relative difference, patterns beyond |z| 2 and 3) and how the seed noise
    shrinks (median ratio of standard deviations, beside 1/sqrt of the agents' ratio)."""
    base_n = t["n_citizens"].min()
    base = t[t["n_citizens"] == base_n].set_index("key")
    out = [
        "| agents | median / largest relative difference of the mean | abs(z) > 2 | abs(z) > 3 "
        "| median sd ratio to the default (1/sqrt(agents ratio)) |",
        "|---|---|---|---|---|",
    ]
    for n in sorted(t["n_citizens"].unique())[1:]:
        s = t[t["n_citizens"] == n].set_index("key")
        keep = base["mean"] != 0
        rel = (s["mean"][keep] / base["mean"][keep] - 1).abs().dropna()
        sd = (s["sd"] / base["sd"]).replace([np.inf, -np.inf], np.nan).dropna()
        out.append(
            f"| {n:,} | {rel.median():.1%} / {rel.max():.1%} ({rel.idxmax()}) "
            f"| {int((s['z_vs_default'].abs() > 2).sum())} of {len(s)} "
            f"| {int((s['z_vs_default'].abs() > 3).sum())} "
            f"| {sd.median():.2f} ({(base_n / n) ** 0.5:.2f}) |"
        )
    return out


SCALE_README = """# Scale consistency of the history's fit-period patterns

```bash
{command}
```

The history scenario to the end of the fit period (step 112, the week of 30 September 2022),
default parameters; {runs}
(sweep wall times, 2 workers). Each pattern is what `experiments/history.py` compares with
the observations, before the error model. A pattern agrees across scales when its mean at a
larger scale lies within the seed noise of the default scale's: z is the difference of the
means over its standard error (both scales' seed noise); |z| > 3 is flagged. Figure:
`scale.png` (each scale's mean over the default scale's, with 95 % intervals).

Flagged (|z| > 3): {flagged}.

{summary}

{table}
"""


if __name__ == "__main__":
    sys.exit(main())
