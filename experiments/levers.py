"""The rhetorical levers: what the NATO-threat excuse (mechanism 6) and the warning to Moscow
(mechanism 7) are worth to Lukashenko, with and without each, and as its credibility wears
at different rates, over the posterior (issue 14, experiment 4).

The article: 'Lukashenko is looking for any excuse not to intervene in Ukraine ... By
focusing on the alleged NATO threat along the western borders he can declare that
Belarusian troops cannot be deployed in Ukraine as this would leave the country vulnerable
to attack' (the excuse forgives ``excuse_relief`` x credibility levels of Moscow's demand;
credibility wears by ``nato_wear`` a week of use) and 'Lukashenko may also be warning Putin
that another popular uprising in Belarus may not be containable' (a warning raises Moscow's
perceived risk by ``warning_risk`` x its credence in his warnings; credence wears by
``warning_wear`` a week a warning is not borne out by an uprising - the cry-wolf
assumption, off in the model's defaults).

From the late-2022 baseline (``war_trajectory`` at the scenario's 0.5), for each lever:
one cell with the lever switched off and one with it on at each wear rate. Every cell is
its own posterior sweep with the same root seed, so draw ``i`` is the same particle with the
same run seed in every cell (common random numbers within a draw, independent seeds across
draws): the on-minus-off differences are paired per draw, with a bootstrap over draws.

Results: ``<out>/nato_excuse`` and ``<out>/warning`` (``--out`` is their parent folder,
default ``results/``); raw sweeps under ``<work>/<lever>/<cell>``.

    .venv/bin/python experiments/levers.py          # 40 draws x 10 cells: ~8 min on 2 cores
    .venv/bin/python experiments/levers.py --full   # 200 draws x 10 cells: ~40 min
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import posterior_common as pc  # noqa: E402

NAME = "levers"
#: The outcomes the levers are judged on (issue 14, item 4).
HEADLINE = (
    "intervention",
    "substitution_attempt",
    "substitution",
    "mutiny",
    "uprising",
    "ejection",
)
#: Kept per week: how often each lever is pulled, and its credibility.
KEEP = ("excuse_used", "warning", "nato_credibility", "warning_credence", "absorbed")
#: draws per cell, citizens, weeks.
SIZES = {"quick": (2, 1_000, 20), "default": (40, 10_000, 104), "full": (200, 10_000, 104)}
SEED = 1994  # the year Lukashenko took office


@dataclass(frozen=True)
class Lever:
    """A rhetorical lever: its switch, its wear parameter and rates, what records its use
    and its credibility, and how the README names it."""

    name: str
    switch: str
    wear: str
    rates: tuple[float, ...]
    used: str
    credibility: str
    title: str
    wear_label: str


LEVERS = (
    Lever(
        "nato_excuse",
        "mech_nato_excuse",
        "nato_wear",
        (0.0, 0.01, 0.02, 0.04),  # none, the default, 2x, 4x
        "excuse_used",
        "nato_credibility",
        "The NATO-threat excuse (mechanism 6): with and without it, at four wear rates",
        "credibility lost per week of use (nato_wear, 1/week)",
    ),
    Lever(
        "warning",
        "mech_warning",
        "warning_wear",
        (0.0, 0.02, 0.05, 0.1),
        "warning",
        "warning_credence",
        "The warning to Moscow (mechanism 7): with and without it, at four cry-wolf wear rates",
        "credence lost per unconfirmed warning (warning_wear, 1/week)",
    ),
)


def cells(lever: Lever) -> list[tuple[str, bool, float]]:
    """(label, lever on, wear rate): off once (its wear cannot matter: an unused lever does
    not wear; ``tests/test_kremlin_model.py`` checks the warning's), then on at each rate."""
    off = [("off", False, lever.rates[0])]
    return off + [(f"on_wear_{w:g}".replace(".", "p"), True, w) for w in lever.rates]


def spec(lever: Lever, label: str, on: bool, wear: float, size: tuple[int, int, int]):
    draws, n_citizens, steps = size
    return pc.posterior_spec(
        f"{NAME}_{lever.name}_{label}",
        f"{lever.switch}={on}, {lever.wear}={wear:g} from the late-2022 baseline, "
        f"{draws} posterior draws, {steps} weeks",
        scenario="baseline",
        steps=steps,
        draws=draws,
        seed=SEED,  # the same root seed in every cell: the same draws and run seeds
        fixed={"n_citizens": n_citizens, lever.switch: on, lever.wear: wear},
        keep_series=KEEP,
    )


def run_lever(lever: Lever, size, work: Path, workers: int) -> tuple[pd.DataFrame, pc.Sweeps]:
    """Every cell's runs in one table: ``cell``, ``on``, ``wear``, ``draw`` (the posterior
    draw, shared across cells), plus the lever's use per run (``weeks_used``: weeks it was
    pulled while the run's politics lasted; ``credibility_mean``, ``credibility_min``)."""
    from abm.sweep.read import SweepFolder

    sweeps = pc.Sweeps()
    tables = []
    for label, on, wear in cells(lever):
        folder = work / lever.name / label
        runs = sweeps.run(spec(lever, label, on, wear, size), folder, workers)
        series = SweepFolder(folder).table("series", columns=["step", *KEEP])
        live = series[(series["absorbed"] == 0) & (series["step"] > 0)]
        use = live.groupby("run_id").agg(
            weeks_used=(lever.used, "sum"),
            credibility_mean=(lever.credibility, "mean"),
            credibility_min=(lever.credibility, "min"),
        )
        runs = runs.join(use, on="run_id")
        runs["weeks_used"] = runs["weeks_used"].fillna(0).astype(int)
        runs.insert(0, "cell", label)
        runs.insert(1, "on", on)
        runs.insert(2, "wear", wear)
        runs["draw"] = runs["point_id"]
        tables.append(runs)
    return pd.concat(tables, ignore_index=True), sweeps


def effects(runs: pd.DataFrame, lever: Lever, seed: int = 0) -> pd.DataFrame:
    """Paired differences at the same draws: the lever on at each wear rate minus off
    (``on_minus_off``), and on at each positive rate minus on without wear
    (``wear_minus_no_wear``: what the wear itself costs)."""
    rows = []
    off = runs[~runs["on"]]
    for w in sorted(runs.loc[runs["on"], "wear"].unique()):
        on = runs[runs["on"] & (runs["wear"] == w)]
        d = pc.paired_difference(pd.concat([on, off]), "on", True, False, pc.OUTCOMES, seed=seed)
        rows.append(d.assign(comparison="on_minus_off", wear=w))
        if w > 0:
            base = runs[runs["on"] & (runs["wear"] == 0)].assign(on=False)
            d = pc.paired_difference(
                pd.concat([on, base]), "on", True, False, pc.OUTCOMES, seed=seed
            )
            rows.append(d.assign(comparison="wear_minus_no_wear", wear=w))
    table = pd.concat(rows, ignore_index=True)
    front = ["comparison", "wear", "outcome"]
    return table[front + [c for c in table.columns if c not in front]]


def usage(runs: pd.DataFrame) -> pd.DataFrame:
    """Per cell: the share of runs in which the lever was pulled at least once, the mean
    weeks pulled per run, and its credibility (mean over the weeks, and the lowest)."""
    g = runs.groupby(["cell", "on", "wear"], sort=False)
    return g.agg(
        n=("run_id", "size"),
        share_runs_used=("weeks_used", lambda s: float((s > 0).mean())),
        weeks_used_mean=("weeks_used", "mean"),
        credibility_mean=("credibility_mean", "mean"),
        credibility_min_mean=("credibility_min", "mean"),
    ).reset_index()


def summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Each outcome's probability per cell with its Wilson interval (``pc.outcome_summary``)."""
    order = {c: i for i, c in enumerate(dict.fromkeys(runs["cell"]))}
    table = pc.outcome_summary(runs, ["cell", "on", "wear"])
    return table.sort_values("cell", key=lambda s: s.map(order), kind="stable").reset_index(
        drop=True
    )


def draw(
    table: pd.DataFrame, eff: pd.DataFrame, lever: Lever, steps: int, fig_dir: Path
) -> list[str]:
    """Two figures: the probability of each headline outcome against the wear rate with
    the lever on (points, Wilson intervals) and off (line and band: off does not wear);
    the paired on-minus-off effect against the wear rate (bootstrap intervals)."""
    import matplotlib.pyplot as plt

    from abm.plots import style

    style.apply()
    rates = np.array(sorted(table.loc[table["on"], "wear"].unique()))
    paths = []
    fig, axes = plt.subplots(2, 3, figsize=(8.6, 5.2), sharex=True, sharey=True)
    for ax, o in zip(axes.flat, HEADLINE, strict=True):
        t = table[table["outcome"] == o]
        off = t[~t["on"]].iloc[0]
        on = t[t["on"]].sort_values("wear")
        ax.axhspan(off["low"], off["high"], color="#8C8C8C", alpha=0.25, lw=0)
        ax.axhline(off["p"], color="#555555", lw=1.0, ls="--", label="lever off (95 % band)")
        ax.errorbar(
            on["wear"],
            on["p"],
            yerr=[on["p"] - on["low"], on["high"] - on["p"]],
            fmt="o-",
            color="#C44E52",
            ms=4,
            capsize=2,
            lw=1.2,
            label="lever on (95 % Wilson)",
        )
        ax.set_title(o.replace("_", " "))
        ax.set_ylim(-0.02, 1.02)
        ax.set_xticks(rates)
    for ax in axes[:, 0]:
        ax.set_ylabel("probability (share of runs)")
    for ax in axes[-1, :]:
        ax.set_xlabel(lever.wear_label, fontsize=7)
    axes.flat[0].legend(loc="upper left", fontsize=7)
    n = int(table["n"].iloc[0])
    fig.suptitle(
        f"{lever.name}: outcome probability within {steps} weeks against the wear rate "
        f"({n} runs per cell, the same posterior draws and seeds in every cell)",
        fontsize=9,
    )
    fig.tight_layout()
    paths += style.save(fig, str(fig_dir / "probability_by_wear"))

    fig, axes = plt.subplots(2, 3, figsize=(8.6, 5.2), sharex=True, sharey=True)
    d = eff[eff["comparison"] == "on_minus_off"]
    for ax, o in zip(axes.flat, HEADLINE, strict=True):
        e = d[d["outcome"] == o].sort_values("wear")
        ax.axhline(0.0, color="#555555", lw=0.8)
        ax.errorbar(
            e["wear"],
            e["diff"],
            yerr=[e["diff"] - e["low"], e["high"] - e["diff"]],
            fmt="o-",
            color="#4C72B0",
            ms=4,
            capsize=2,
            lw=1.2,
        )
        ax.set_title(o.replace("_", " "))
        ax.set_xticks(rates)
    for ax in axes[:, 0]:
        ax.set_ylabel("P(on) - P(off), same draws")
    for ax in axes[-1, :]:
        ax.set_xlabel(lever.wear_label, fontsize=7)
    fig.suptitle(
        f"{lever.name}: paired effect of the lever (on minus off) against the wear rate "
        f"({int(d['draws'].iloc[0])} draws; bars: 95 % bootstrap over draws)",
        fontsize=9,
    )
    fig.tight_layout()
    paths += style.save(fig, str(fig_dir / "effect_by_wear"))
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    ap = pc.parser(NAME, __doc__)
    ap.set_defaults(out=pc.ROOT / "results")
    ap.description = (
        "The NATO excuse and the warning over the posterior; --out is the parent of the "
        "nato_excuse/ and warning/ results folders (default results/)."
    )
    args = ap.parse_args(argv)
    if args.workers < 1:
        ap.error(f"--workers: got {args.workers}; allowed: an integer >= 1")
    size_name = "quick" if args.quick else "full" if args.full else "default"
    size = SIZES[size_name]
    for lever in LEVERS:
        runs, sweeps = run_lever(lever, size, args.work, args.workers)
        out = args.out / lever.name
        (out / "figures").mkdir(parents=True, exist_ok=True)
        table = summary(runs)
        eff = effects(runs, lever)
        use = usage(runs)
        pc.write_table(table, out / "summary.csv")
        pc.write_table(eff, out / "effects.csv")
        pc.write_table(use, out / "usage.csv")
        figures = draw(table, eff, lever, size[2], out / "figures")
        write_readme(out, lever, table, eff, use, sweeps, size, figures, argv)
        print(f"wrote {out}", flush=True)
    return 0


# ------------------------------------------------------------------------------ README
def cell_p(table: pd.DataFrame, cell: str, outcome: str) -> str:
    r = table[(table["cell"] == cell) & (table["outcome"] == outcome)].iloc[0]
    return pc.fmt_p(r.p, r.low, r.high)


def eff_p(eff: pd.DataFrame, comparison: str, wear: float, outcome: str) -> str:
    r = eff[
        (eff["comparison"] == comparison) & (eff["wear"] == wear) & (eff["outcome"] == outcome)
    ].iloc[0]
    return f"{r['diff']:+.3f} [{r['low']:+.3f}, {r['high']:+.3f}]"


def write_readme(out, lever, table, eff, use, sweeps, size, figures, argv) -> None:
    draws, n_citizens, steps = size
    labels = [c[0] for c in cells(lever)]
    head = "| outcome | off | " + " | ".join(f"on, wear {w:g}" for w in lever.rates) + " |"
    lines = [
        f"Over {draws} posterior draws per cell ({len(labels)} cells, {steps} weeks from the "
        f"late-2022 baseline, {n_citizens:,} citizens), share of runs [95 % Wilson interval]:",
        "",
        head,
        "|---" * (len(labels) + 1) + "|",
    ]
    for o in HEADLINE:
        lines.append(f"| {o} | " + " | ".join(cell_p(table, c, o) for c in labels) + " |")
    lines += [
        "",
        "Paired effect of the lever, P(on) - P(off) at the same draws and seeds [95 % "
        "bootstrap over draws]:",
        "",
        "| outcome | " + " | ".join(f"wear {w:g}" for w in lever.rates) + " |",
        "|---" * (len(lever.rates) + 1) + "|",
    ]
    for o in HEADLINE:
        lines.append(
            f"| {o} | " + " | ".join(eff_p(eff, "on_minus_off", w, o) for w in lever.rates) + " |"
        )
    lines += [
        "",
        "How often the lever was pulled (weeks while the run's politics lasted) and its "
        "credibility (`usage.csv`):",
        "",
        "| cell | runs pulling it at least once | weeks pulled per run (mean) | "
        "credibility, mean over weeks | credibility, lowest (mean over runs) |",
        "|---|---|---|---|---|",
    ]
    for r in use.itertuples():
        lines.append(
            f"| {r.cell} | {r.share_runs_used:.2f} | {r.weeks_used_mean:.1f} | "
            f"{r.credibility_mean:.3f} | {r.credibility_min_mean:.3f} |"
        )
    lines += ["", reading(lever, table, eff, use)]
    caveats = f"""- Each run is one posterior draw; draw i has the same parameters and run seed
  in every cell, so a cell's share and the paired effects are at common random numbers.
  Brackets on shares are 95 % Wilson intervals (Monte Carlo error of the share); brackets on
  effects resample draws (2,000 bootstrap samples), keeping the pairing.
- `{lever.wear}` is set by this experiment in every cell (with the lever off it cannot act:
  an unused lever does not wear). {wear_note(lever)}
- The baseline's start state is the defaults' description of late 2022 (docs/ODD.md), not
  the history replay's simulated state; the war trajectory (0.5) and NATO posture (0.5) are
  held at the scenario's values for the two years; the Ukrainian force is drawn from its
  prior with each particle.
- Lukashenko decides when to pull each lever (mechanisms 6, 7: the excuse when it cuts his
  substitution risk by `ruler_excuse_threshold`, the warning when his revolt risk at the
  demanded level reaches `ruler_warning_risk`); a lever he rarely pulls is worth little
  here whatever its credibility, and those thresholds kept their defaults.
{pc.prior_kept_text(set_here=[lever.switch, lever.wear, "n_citizens"])}"""
    n_runs = draws * len(labels)
    pc.write_readme(
        out,
        title=lever.title + ", over the posterior",
        command=pc.command(NAME, argv),
        finding="\n".join(lines),
        caveats=caveats,
        sweeps=sweeps,
        full=f"`--full`: 200 draws per cell ({200 * len(labels):,} runs per lever, "
        f"{400 * len(labels):,} for both levers), about 40 min on 2 cores. This folder: "
        f"{draws} draws per cell ({n_runs:,} runs). Both levers' folders are written by the "
        "one command.",
        files=[
            "summary.csv",
            "effects.csv",
            "usage.csv",
            *(str(Path(f).relative_to(out)) for f in figures),
        ],
    )


def wear_note(lever: Lever) -> str:
    if lever.name == "warning":
        return (
            "The wear is the cry-wolf assumption (docs/ODD.md, mechanism 7): Moscow's "
            "credence falls by the factor (1 - warning_wear) each week it reads a warning no "
            "uprising bears out, and recovers at `warning_recovery` (0.02) otherwise; the "
            "model's default is no wear (0), which is the first 'on' column."
        )
    return (
        "The model's default `nato_wear` is 0.01 (the second 'on' column); credibility "
        "recovers at `nato_recovery` (0.02) toward its NATO-posture ceiling when unused."
    )


def reading(lever: Lever, table: pd.DataFrame, eff: pd.DataFrame, use: pd.DataFrame) -> str:
    """A sentence per headline outcome whose paired effect's interval excludes 0 at some
    wear rate, computed from the tables (no number written by hand)."""
    d = eff[eff["comparison"] == "on_minus_off"]
    clear = d[(d["low"] > 0) | (d["high"] < 0)]
    clear = clear[clear["outcome"].isin(HEADLINE)]
    on = use[use["on"]]
    lo, hi = on["share_runs_used"].min(), on["share_runs_used"].max()
    pulled = f"{lo:.2f}" if f"{lo:.2f}" == f"{hi:.2f}" else f"{lo:.2f}-{hi:.2f}"
    text = [f"Reading: with the lever on, {pulled} of the runs pull it at least once."]
    if clear.empty:
        text.append(
            "No headline outcome's paired effect has an interval excluding 0 at any wear "
            "rate at this size."
        )
    else:
        for o, g in clear.groupby("outcome", sort=False):
            rates = ", ".join(f"{w:g}" for w in g["wear"])
            text.append(
                f"`{o}`: the interval excludes 0 at wear {rates} "
                f"(effect {g['diff'].min():+.3f} to {g['diff'].max():+.3f})."
            )
    w = d[d["wear"] == max(lever.rates)]
    z = d[d["wear"] == 0]
    shrink = [
        o
        for o in HEADLINE
        if abs(w.set_index("outcome").loc[o, "diff"]) < abs(z.set_index("outcome").loc[o, "diff"])
    ]
    text.append(
        "At the fastest wear the effect is smaller in magnitude than without wear for: "
        + (", ".join(f"`{o}`" for o in shrink) if shrink else "none")
        + " (point estimates; the `wear_minus_no_wear` rows of `effects.csv` give the paired "
        "intervals)."
    )
    return " ".join(text)


if __name__ == "__main__":
    raise SystemExit(main())
