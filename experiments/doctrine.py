"""The Union State doctrine: what it adds to Moscow's demand and to each outcome, as
Ukraine's counter-offensive on annexed land grows, over the posterior (issue 14; the
article's third claim, the brief's mechanism 3).

The article: the annexation lets Moscow frame Ukraine's counter-offensive as an attack on
the Union State, 'any military offensive against one of its members is an assault on the
entire joint state', which raises the support it can demand of Minsk. From the late-2022
baseline, the doctrine switch (``mech_union_doctrine``) is crossed with the intensity of
Ukraine's counter-offensive on annexed territory (``counteroffensive``, held constant);
every cell meets the same posterior draws with the same seeds (common random numbers), so
the doctrine's effect is a paired difference: the same particle, the same luck, with and
without the doctrine.

    .venv/bin/python experiments/doctrine.py          # ~2 min on 2 cores
    .venv/bin/python experiments/doctrine.py --full   # 200 draws per cell: ~10 min
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import posterior_common as pc  # noqa: E402

NAME = "doctrine"
COUNTEROFFENSIVE = (0.0, 0.3, 0.6, 1.0)
LEVELS = ("demanded_support", "support_level")
HEADLINE = ("intervention", "substitution_attempt", "substitution", "mutiny", "uprising")
#: posterior draws per cell, agents, weeks
SIZES = {"quick": (2, 1_000, 20), "default": (64, 10_000, 104), "full": (200, 10_000, 104)}


def main(argv: Sequence[str] | None = None) -> int:
    args = pc.parser(NAME, __doc__).parse_args(argv)
    draws, n_citizens, steps = SIZES["quick" if args.quick else "full" if args.full else "default"]
    vary = {"mech_union_doctrine": (False, True), "counteroffensive": COUNTEROFFENSIVE}
    spec = pc.posterior_spec(
        NAME,
        f"Union State doctrine off/on x counter-offensive intensity from the late-2022 "
        f"baseline, {draws} posterior draws per cell, {steps} weeks, common random numbers",
        scenario="baseline",
        steps=steps,
        draws=draws,
        seed=2209,
        fixed={"n_citizens": n_citizens},
        vary=vary,
        keep_series=LEVELS,
        common_random_numbers=True,
    )
    sweeps = pc.Sweeps()
    runs = sweeps.run(spec, args.work, args.workers)
    runs = pc.with_draw(runs, 2 * len(COUNTEROFFENSIVE)).rename(
        columns={"param_mech_union_doctrine": "doctrine", "param_counteroffensive": "counter"}
    )
    runs["doctrine"] = runs["doctrine"].astype(bool).map({True: "on", False: "off"})
    runs = runs.join(mean_levels(args.work), on="run_id")
    out = args.out
    (out / "figures").mkdir(parents=True, exist_ok=True)
    shares = pc.outcome_summary(runs, ["counter", "doctrine"])
    effects = pc.paired_difference(runs, "doctrine", "on", "off", by=["counter"], seed=2209)
    pc.write_table(shares, out / "summary.csv")
    pc.write_table(effects, out / "effects.csv")
    levels = level_effects(runs)
    pc.write_table(levels, out / "levels.csv")
    figures = draw(shares, out / "figures" / "doctrine_off_on")
    write_readme(out, runs, shares, effects, levels, sweeps, draws, steps, figures, argv)
    print(f"wrote {out}", flush=True)
    return 0


def mean_levels(work: Path) -> pd.DataFrame:
    """Each run's mean demanded and chosen support level over its weeks (0-5)."""
    from abm.sweep.read import SweepFolder

    series = SweepFolder(work).table("series", columns=["run_id", "step", *LEVELS])
    return series.groupby("run_id")[list(LEVELS)].mean().add_prefix("avg_")


def level_effects(runs: pd.DataFrame, seed: int = 2209) -> pd.DataFrame:
    """The doctrine's paired effect on the mean demanded and chosen support level (levels,
    0-5), at each counter-offensive intensity, with a bootstrap over draws."""
    values = runs[[f"avg_{c}" for c in LEVELS]].set_axis(list(LEVELS), axis=1)
    table = pc.paired_difference(
        runs, "doctrine", "on", "off", by=["counter"], seed=seed, values=values
    )
    return table.rename(columns={"outcome": "level", "p_off": "off", "p_on": "on"})[
        ["counter", "level", "draws", "off", "on", "diff", "low", "high"]
    ]


def draw(shares, path_stem: Path) -> list[str]:
    from abm.plots.outcomes import arm_comparison

    return arm_comparison(
        shares,
        "counter",
        "doctrine",
        ("off", "on"),
        "Ukrainian counter-offensive on annexed land (index, 0-1)",
        HEADLINE,
        str(path_stem),
        title="Union State doctrine off and on, same posterior draws and seeds",
    )


def write_readme(out, runs, shares, effects, levels, sweeps, draws, steps, figures, argv) -> None:
    lines = [
        f"Over {len(runs):,} runs ({draws} posterior draws per cell, {steps} weeks from "
        "October 2022). The mean support level over the weeks (0 none - 5 direct "
        "intervention), and each outcome's share of runs [95 % Wilson interval], with the "
        "doctrine off / on, and its effect on - off on the same draws and seeds [95 % "
        "bootstrap over draws]:",
        "",
        "| counter-offensive | quantity | doctrine off | doctrine on | effect |",
        "|---|---|---|---|---|",
    ]
    for _, r in levels.iterrows():
        what = "demanded by Moscow" if r["level"] == "demanded_support" else "chosen by Minsk"
        lines.append(
            f"| {r['counter']:g} | mean support level {what} | {r['off']:.2f} | {r['on']:.2f} "
            f"| {r['diff']:+.2f} [{r['low']:+.2f}, {r['high']:+.2f}] |"
        )
    for c in COUNTEROFFENSIVE:
        for o in HEADLINE:
            s = shares[(shares["counter"] == c) & (shares["outcome"] == o)].set_index("doctrine")
            e = effects[(effects["counter"] == c) & (effects["outcome"] == o)].iloc[0]
            cells = [
                pc.fmt_p(s.loc[a, "p"], s.loc[a, "low"], s.loc[a, "high"]) for a in ("off", "on")
            ]
            lines.append(
                f"| {c:g} | P({o}) | {cells[0]} | {cells[1]} | "
                f"{e['diff']:+.2f} [{e['low']:+.2f}, {e['high']:+.2f}] |"
            )
    caveats = f"""- The doctrine enters only through Moscow's demand (`doctrine_demand` x
  counter-offensive, once annexed land exists: `src/abm/belarus/actors/kremlin.py`, `troop_value`);
  `doctrine_demand` has no prior range (fixed at its default, 1 support level at full
  counter-offensive), so its size is an assumption this experiment does not vary.
- Counter-offensive intensity is held constant for the two years. The model reads it only
  in the doctrine's term, so with the doctrine off every intensity gives the same runs (the
  off arm is flat by construction: same draws, same seeds).
- Each run is one posterior draw with its own seed; the paired effect removes the spread
  between draws (same draw, same seed in both arms) but not the model's own noise.
{pc.prior_kept_text(set_here=["mech_union_doctrine", "counteroffensive"])}"""
    pc.write_readme(
        out,
        title="The Union State doctrine, off and on, over the counter-offensive and the posterior",
        command=pc.command(NAME, argv),
        finding="\n".join(lines),
        caveats=caveats,
        sweeps=sweeps,
        full=f"`--full`: 200 draws per cell ({200 * 8:,} runs), about 10 min on 2 cores. "
        f"This folder: {draws} draws per cell.",
        files=["summary.csv", "effects.csv", *(str(Path(f).relative_to(out)) for f in figures)],
    )


if __name__ == "__main__":
    raise SystemExit(main())
