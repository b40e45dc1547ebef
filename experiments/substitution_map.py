"""Substitution map: Moscow's penetration of the services x Lukashenko's perceived
indispensability -> substitution attempts, their backing and their success, over the
posterior (issue 14, experiment 3).

The article's first fear: 'Putin could replace Lukashenko with a more dependable loyalist
if he becomes sufficiently exasperated ... Moscow has penetrated the country's security
services and political structures and has developed contingencies for installing a more
compliant leader. For now, Lukashenko may have convinced Putin that he is indispensable.'
From the late-2022 baseline, ``penetration_initial`` (the services' mean alignment with
Moscow) is crossed with ``indispensability_base`` (how indispensable Moscow thinks he is
before polarisation and warnings); every cell meets the same posterior draws. An attempt's
backing is Moscow's share of the committed capital-weighted capacity in its last round
(``coup_moscow_share``; docs/ODD.md, the coup).

    .venv/bin/python experiments/substitution_map.py          # ~3 min on 2 cores
    .venv/bin/python experiments/substitution_map.py --full   # 100 draws per cell: ~12 min
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import posterior_common as pc  # noqa: E402

NAME = "substitution_map"
PENETRATION = (0.1, 0.3, 0.5, 0.7)
INDISPENSABILITY = (0.1, 0.4, 0.7, 1.0)
SIZES = {"quick": (2, 1_000, 30), "default": (24, 10_000, 104), "full": (100, 10_000, 104)}
KEEP = ["coup_round", "coup_moscow_share"]


def backing(series: pd.DataFrame) -> pd.Series:
    """Per run, Moscow's share in the last round of its first attempt (NaN: no attempt)."""
    coup = series[series["coup_round"] > 0].sort_values(["run_id", "step"])
    if coup.empty:
        return pd.Series(dtype=float, name="backing")
    # the first attempt: rounds numbered 1, 2, ... until the round number drops back
    attempt = coup.groupby("run_id")["coup_round"].transform(lambda r: (r.diff() <= 0).cumsum())
    first = coup[attempt == 0]
    return first.groupby("run_id")["coup_moscow_share"].last().rename("backing")


def main(argv: Sequence[str] | None = None) -> int:
    from abm.sweep.read import SweepFolder

    args = pc.parser(NAME, __doc__).parse_args(argv)
    draws, n_citizens, steps = SIZES["quick" if args.quick else "full" if args.full else "default"]
    spec = pc.posterior_spec(
        NAME,
        f"penetration x indispensability from the late-2022 baseline, {draws} posterior draws "
        f"per cell, {steps} weeks",
        scenario="baseline",
        steps=steps,
        draws=draws,
        seed=2023,
        fixed={"n_citizens": n_citizens},
        vary={"penetration_initial": PENETRATION, "indispensability_base": INDISPENSABILITY},
        keep_series=KEEP,
    )
    sweeps = pc.Sweeps()
    runs = sweeps.run(spec, args.work, args.workers)
    series = SweepFolder(args.work).table("series", columns=["step", *KEEP])
    runs = runs.join(backing(series), on="run_id")
    runs = runs.rename(
        columns={
            "param_penetration_initial": "penetration",
            "param_indispensability_base": "indispensability",
        }
    )
    out = args.out
    (out / "figures").mkdir(parents=True, exist_ok=True)
    by = ["penetration", "indispensability"]
    outcomes = ("substitution_attempt", "substitution", "ejection", "intervention")
    cells = pc.outcome_summary(runs, by, outcomes)
    attempts = attempt_table(runs, by)
    pc.write_table(cells, out / "summary.csv")
    pc.write_table(attempts, out / "attempts.csv")
    figures = draw(cells, attempts, runs, out / "figures")
    write_readme(out, runs, cells, attempts, sweeps, draws, steps, figures, argv)
    print(f"wrote {out}", flush=True)
    return 0


def attempt_table(runs: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per cell: mean attempts per run, the attempts' median backing, and P(success |
    attempt) with its Wilson interval."""
    from abm.analysis.probabilities import wilson_interval

    rows = []
    for key, g in runs.groupby(by, sort=True):
        tried = g[g["week_substitution_attempt"].notna()]
        k, n = int(tried["week_substitution"].notna().sum()), len(tried)
        low, high = wilson_interval(k, n)
        rows.append(
            {
                **dict(zip(by, key, strict=True)),
                "runs": len(g),
                "attempts_per_run": float(g["substitution_attempts"].mean()),
                "runs_with_attempt": n,
                "backing_median": float(tried["backing"].median()) if n else np.nan,
                "backing_q25": float(tried["backing"].quantile(0.25)) if n else np.nan,
                "backing_q75": float(tried["backing"].quantile(0.75)) if n else np.nan,
                "p_success_given_attempt": k / n if n else np.nan,
                "low": float(low),
                "high": float(high),
            }
        )
    return pd.DataFrame(rows)


def draw(cells, attempts, runs, fig_dir: Path) -> list[str]:
    import matplotlib.pyplot as plt

    from abm.plots import style
    from abm.plots.outcomes import probability_heatmap

    paths = []
    for o in ("substitution_attempt", "substitution"):
        paths += probability_heatmap(
            cells,
            "penetration",
            "indispensability",
            "initial penetration of the services (mean alignment with Moscow)",
            "Lukashenko's perceived indispensability (index)",
            o,
            str(fig_dir / f"heatmap_{o}"),
        )
    style.apply()
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.2))
    tried = runs[runs["week_substitution_attempt"].notna()]
    colours = {False: "#8C8C8C", True: "#C44E52"}
    jitter = np.random.default_rng(0)
    for ok, g in tried.groupby(tried["week_substitution"].notna()):
        axes[0].scatter(
            g["penetration"] + jitter.uniform(-0.03, 0.03, len(g)),
            g["backing"],
            s=8,
            alpha=0.6,
            color=colours[bool(ok)],
            label="succeeded" if ok else "failed",
        )
    axes[0].set_xlabel("initial penetration (jittered)")
    axes[0].set_ylabel("Moscow's share of committed capacity,\nlast round of first attempt")
    axes[0].legend(frameon=False)
    axes[0].set_title(f"Attempts' backing ({len(tried)} runs with an attempt)")
    for ind, g in attempts.groupby("indispensability"):
        axes[1].errorbar(
            g["penetration"],
            g["p_success_given_attempt"],
            yerr=[
                g["p_success_given_attempt"] - g["low"],
                g["high"] - g["p_success_given_attempt"],
            ],
            marker="o",
            ms=3,
            capsize=2,
            lw=1,
            label=f"indispensability {ind:g}",
        )
    axes[1].set_ylim(-0.02, 1.02)
    axes[1].set_xlabel("initial penetration")
    axes[1].set_ylabel("P(success | attempt)")
    axes[1].set_title("Success of an attempt (95 % Wilson intervals)")
    axes[1].legend(frameon=False, fontsize=7)
    fig.tight_layout()
    paths += style.save(fig, str(fig_dir / "backing_and_success"))
    return paths


def write_readme(out, runs, cells, attempts, sweeps, draws, steps, figures, argv) -> None:
    def p(pen, ind, o):
        r = cells[
            (cells["penetration"] == pen)
            & (cells["indispensability"] == ind)
            & (cells["outcome"] == o)
        ].iloc[0]
        return pc.fmt_p(r.p, r.low, r.high)

    tried = runs[runs["week_substitution_attempt"].notna()]
    won = tried["week_substitution"].notna()
    lines = [
        f"Over {len(runs):,} runs ({draws} posterior draws per cell, {steps} weeks from "
        "October 2022), P(attempt) and P(successful substitution) [95 % Wilson]:",
        "",
        "| penetration | indispensability | P(attempt) | P(substitution) |",
        "|---|---|---|---|",
    ]
    for pen in (PENETRATION[0], PENETRATION[-1]):
        for ind in (INDISPENSABILITY[0], INDISPENSABILITY[-1]):
            lines.append(
                f"| {pen:g} | {ind:g} | {p(pen, ind, 'substitution_attempt')} | "
                f"{p(pen, ind, 'substitution')} |"
            )
    if len(tried):
        lines += [
            "",
            f"{len(tried)} runs saw an attempt; Moscow's share in the first attempt's last round "
            f"was median {tried.loc[won, 'backing'].median():.2f} where it succeeded and "
            f"{tried.loc[~won, 'backing'].median():.2f} where it failed "
            "(`attempts.csv`, `figures/backing_and_success.png`).",
        ]
    caveats = f"""- Each run is one posterior draw with its own seed; brackets are 95 % Wilson
  intervals of the share of runs.
- Penetration moves after the start (Moscow's effort, desperation) and indispensability
  with polarisation and warnings: the axes are the starting values.
- The Kremlin's and the coup's parameters kept their priors (the fit period held no
  substitution attempt to learn from): these maps show what those priors, the mechanisms
  and the estimated domestic block imply together, not an estimate of Moscow's intent.
{pc.prior_kept_text(set_here=["penetration_initial", "indispensability_base"])}"""
    pc.write_readme(
        out,
        title="Substitution map: penetration x indispensability, over the posterior",
        command=pc.command(NAME, argv),
        finding="\n".join(lines),
        caveats=caveats,
        sweeps=sweeps,
        full=f"`--full`: 100 draws per cell ({100 * 16:,} runs), about 12 min on 2 cores. "
        f"This folder: {draws} draws per cell.",
        files=["summary.csv", "attempts.csv", *(str(Path(f).relative_to(out)) for f in figures)],
    )


if __name__ == "__main__":
    raise SystemExit(main())
