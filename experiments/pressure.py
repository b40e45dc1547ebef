"""Pressure: Kremlin desperation (the war's course) x the Ukrainian force Belarus would
face -> the probability of each outcome, over the posterior (issue 14, experiment 2).

The brief's first question: when does pressure produce intervention, mutiny, uprising,
substitution or nothing? The article: 'as desperation mounts in Moscow, the Kremlin may be
more willing to take greater risks in Belarus' and 'his Belarusian army is no match for
Ukrainian forces'. From the late-2022 baseline, ``war_trajectory`` (how badly the war goes
for Russia, which drives the Kremlin's desperation, its demand and its readiness to gamble
on a substitution) is crossed with ``ukraine_strength``; every cell meets the same posterior
draws. Intervention here is Lukashenko's own choice.

    .venv/bin/python experiments/pressure.py          # ~3 min on 2 cores
    .venv/bin/python experiments/pressure.py --full   # 100 draws per cell: ~12 min
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import posterior_common as pc  # noqa: E402

NAME = "pressure"
WAR = (0.4, 0.6, 0.8, 1.0)
#: Troops; the parameter's sourced range is 15,000-120,000.
UKRAINE = (15_000, 30_000, 60_000, 120_000)
HEADLINE = ("intervention", "mutiny", "uprising", "substitution_attempt", "substitution")
SIZES = {"quick": (2, 1_000, 20), "default": (24, 10_000, 104), "full": (100, 10_000, 104)}


def main(argv: Sequence[str] | None = None) -> int:
    args = pc.parser(NAME, __doc__).parse_args(argv)
    draws, n_citizens, steps = SIZES["quick" if args.quick else "full" if args.full else "default"]
    spec = pc.posterior_spec(
        NAME,
        f"war trajectory x Ukrainian strength from the late-2022 baseline, {draws} posterior "
        f"draws per cell, {steps} weeks",
        scenario="baseline",
        steps=steps,
        draws=draws,
        seed=2022,
        fixed={"n_citizens": n_citizens},
        vary={"war_trajectory": WAR, "ukraine_strength": UKRAINE},
    )
    sweeps = pc.Sweeps()
    runs = sweeps.run(spec, args.work, args.workers)
    runs = runs.rename(
        columns={"param_war_trajectory": "war_trajectory", "param_ukraine_strength": "ukraine"}
    )
    out = args.out
    (out / "figures").mkdir(parents=True, exist_ok=True)
    cells = pc.outcome_summary(runs, ["war_trajectory", "ukraine"])
    pc.write_table(cells, out / "summary.csv")
    by_war = pc.outcome_summary(runs, ["war_trajectory"])
    by_ukraine = pc.outcome_summary(runs, ["ukraine"])
    pc.write_table(by_war, out / "by_war_trajectory.csv")
    pc.write_table(by_ukraine, out / "by_ukraine_strength.csv")
    figures = draw(cells, by_war, by_ukraine, out / "figures")
    write_readme(out, runs, by_war, by_ukraine, sweeps, draws, steps, figures, argv)
    print(f"wrote {out}", flush=True)
    return 0


def draw(cells, by_war, by_ukraine, fig_dir: Path) -> list[str]:
    from abm.plots.outcomes import probability_heatmap, probability_lines

    paths = probability_lines(
        by_war,
        "war_trajectory",
        "war trajectory (0 Russia winning, 1 collapsing)",
        pc.OUTCOMES,
        str(fig_dir / "probability_by_war_trajectory"),
    )
    paths += probability_lines(
        by_ukraine,
        "ukraine",
        "Ukrainian force available (troops)",
        pc.OUTCOMES,
        str(fig_dir / "probability_by_ukraine_strength"),
    )
    for o in HEADLINE:
        paths += probability_heatmap(
            cells,
            "war_trajectory",
            "ukraine",
            "war trajectory (0 Russia winning, 1 collapsing)",
            "Ukrainian force available (troops)",
            o,
            str(fig_dir / f"heatmap_{o}"),
        )
    return paths


def line(table, key: str, level, outcome: str) -> str:
    r = table[(table[key] == level) & (table["outcome"] == outcome)].iloc[0]
    return pc.fmt_p(r.p, r.low, r.high)


def write_readme(out, runs, by_war, by_ukraine, sweeps, draws, steps, figures, argv) -> None:
    overall = pc.outcome_summary(runs.assign(all="all"), ["all"])
    lines = [
        f"Over {len(runs):,} runs ({draws} posterior draws per cell, {steps} weeks from "
        "October 2022), share of runs [95 % Wilson interval]:",
        "",
        "| outcome | all cells | war 0.4 | war 1.0 | Ukraine 15,000 | Ukraine 120,000 |",
        "|---|---|---|---|---|---|",
    ]
    for o in pc.OUTCOMES:
        r = overall[overall["outcome"] == o].iloc[0]
        lines.append(
            f"| {o} | {pc.fmt_p(r.p, r.low, r.high)} | {line(by_war, 'war_trajectory', WAR[0], o)}"
            f" | {line(by_war, 'war_trajectory', WAR[-1], o)}"
            f" | {line(by_ukraine, 'ukraine', UKRAINE[0], o)}"
            f" | {line(by_ukraine, 'ukraine', UKRAINE[-1], o)} |"
        )
    caveats = f"""- Each run is one posterior draw with its own seed, so a share mixes parameter and
  seed uncertainty; brackets are 95 % Wilson intervals (Monte Carlo error of the share).
- The baseline's start state is the defaults' description of late 2022 (docs/ODD.md), not
  the history replay's simulated state in October 2022; `forced_intervention` starts from
  the replay instead. `legitimacy_shock` (the 2020 election's, a dated event of the
  history) is not used here.
- War trajectory and Ukrainian strength are held constant over the two years.
- The Kremlin, Lukashenko and coup blocks kept their priors: the probabilities of
  substitution and intervention lean on those ranges (`results/sensitivity/`).
{pc.prior_kept_text(set_here=["war_trajectory", "ukraine_strength"])}"""
    pc.write_readme(
        out,
        title="Pressure: Kremlin desperation x Ukrainian strength, over the posterior",
        command=pc.command(NAME, argv),
        finding="\n".join(lines),
        caveats=caveats,
        sweeps=sweeps,
        full=f"`--full`: 100 draws per cell ({100 * 16:,} runs), about 12 min on 2 cores. "
        f"This folder: {draws} draws per cell.",
        files=[
            "summary.csv",
            "by_war_trajectory.csv",
            "by_ukraine_strength.csv",
            *(str(Path(f).relative_to(out)) for f in figures),
        ],
    )


if __name__ == "__main__":
    raise SystemExit(main())
