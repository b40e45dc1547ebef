"""Forced intervention: Belarus is made to send its army into Ukraine at a week of the
history, over the posterior (issue 14, experiment 1).

The article's second fear: 'direct military intervention in Ukraine will rebound against
him because his Belarusian army is no match for Ukrainian forces. Its defeat could
culminate in mutinies and conflicts between military and internal security forces ...
public revolts, Lukashenko's ejection, and Russia's direct intervention.' The history
replay (the ``history`` scenario: the real inputs from August 2020 on, the fitted
posterior's parameters) is run to an entry week, when ``forced_intervention_week`` sends
the expedition in whatever Lukashenko would choose, and then for ``HORIZON`` weeks. The
entry weeks are the invasion (February 2022), the autumn-2022 state the article describes
(October 2022, after the annexation) and the summer after the Wagner mutiny (July 2023).
Crossed with the Ukrainian force the expedition would face (``ukraine_strength``) and the
expedition's size (``deploy_share`` of the army's 46,500). Outcomes count from the entry
week: P(each) within the horizon and the weeks to it.

The citizens' reaction to the order rests on one tuned weight with no prior range,
``intervention_legitimacy_pw`` (the legitimacy pro-Western citizens withdraw when the army
fights). So the autumn-2022 entry is also run over a range of it, a response curve rather
than one point: what the second fear looks like if the order costs the regime less, or
nothing (casualties then have to do all of it). And it is run with the citizens' channels
switched off (``SWITCHES``), to show which mechanism carries the reaction.

    .venv/bin/python experiments/forced_intervention.py          # ~6 min on 2 cores
    .venv/bin/python experiments/forced_intervention.py --full   # 100 draws: ~40 min
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import posterior_common as pc  # noqa: E402

NAME = "forced_intervention"
#: Entry steps of the history scenario (step s is history week s - 1, weeks since
#: Sunday 9 August 2020): the invasion's week (20 Feb 2022), the article's autumn 2022
#: (2 Oct 2022, after the annexation), after the Wagner mutiny (2 July 2023).
ENTRIES = {"2022-02 invasion": 81, "2022-10 autumn": 113, "2023-07 after Wagner": 152}
#: Weeks run after the entry.
HORIZON = 78
#: The Ukrainian force a Belarusian sector could draw (troops; the parameter's sourced
#: range is 15,000-120,000).
UKRAINE = (30_000, 60_000, 120_000)
#: Share of the army sent (x 46,500: about 9,300, 18,600 and 32,600 troops; the sourced
#: expedition size 10,000-20,000 is 0.2-0.45).
DEPLOY = (0.2, 0.4, 0.7)
HEADLINE = ("mutiny", "mass_mutiny", "uprising", "ejection", "russian_intervention")
SIZES = {"quick": (1, 1_000), "default": (16, 10_000), "full": (100, 10_000)}
#: The tuned weight's response curve: its values (default 0.05), at the autumn-2022 entry
#: with a middle Ukrainian force and expedition.
CURVE_PARAM = "intervention_legitimacy_pw"
CURVE_VALUES = (0.0, 0.025, 0.05, 0.1, 0.15)
CURVE_AT = {"entry": "2022-10 autumn", "ukraine_strength": 60_000, "deploy_share": 0.4}
#: The same entry with the channels of the citizens' reaction switched off (docs/ODD.md,
#: 7.2): the order's own cost in legitimacy, mobilisation, casualties and hardship, and
#: the preference-falsification cascade that can amplify any of them. One sweep each with
#: the same seed, so every switch meets the same draws and run seeds.
CHANNELS_OFF = {
    "intervention_legitimacy_pw": 0.0,
    "intervention_legitimacy_pr": 0.0,
    "ext_mobilisation": False,
    "ext_casualties": False,
    "ext_hardship": False,
}
SWITCHES = {
    "all on": {},
    "no cascade": {"ext_cascades": False},
    "no grievance channel": CHANNELS_OFF,
    "neither": {**CHANNELS_OFF, "ext_cascades": False},
}


def specs(draws: int, n_citizens: int, seed: int = 2014) -> dict[str, object]:
    """One posterior sweep per entry week (their horizons differ)."""
    out = {}
    for i, (label, step) in enumerate(ENTRIES.items()):
        out[label] = pc.posterior_spec(
            f"{NAME}_{step}",
            f"forced entry at history step {step} ({label}) x Ukrainian strength x "
            f"expedition size, {draws} posterior draws, {HORIZON} weeks after",
            scenario="history",
            steps=step + HORIZON,
            draws=draws,
            seed=seed + i,
            fixed={"forced_intervention_week": step, "n_citizens": n_citizens},
            vary={"ukraine_strength": UKRAINE, "deploy_share": DEPLOY},
        )
    return out


def autumn_spec(name: str, what: str, draws: int, n_citizens: int, seed: int, **kw):
    """A posterior sweep of the autumn-2022 entry at ``CURVE_AT`` (``kw``: ``vary``, or
    ``fixed`` settings added to the entry's)."""
    step = ENTRIES[CURVE_AT["entry"]]
    return pc.posterior_spec(
        f"{NAME}_{name}",
        f"forced entry at history step {step}, {what}, {draws} posterior draws, "
        f"{HORIZON} weeks after",
        scenario="history",
        steps=step + HORIZON,
        draws=draws,
        seed=seed,
        fixed={
            "forced_intervention_week": step,
            "n_citizens": n_citizens,
            "ukraine_strength": CURVE_AT["ukraine_strength"],
            "deploy_share": CURVE_AT["deploy_share"],
            **kw.get("fixed", {}),
        },
        vary=kw.get("vary"),
    )


def curve_spec(draws: int, n_citizens: int, seed: int = 2030):
    """The autumn-2022 entry over ``CURVE_VALUES`` of the tuned weight, the same draws at
    every value."""
    what = f"over {CURVE_PARAM}"
    return autumn_spec("curve", what, draws, n_citizens, seed, vary={CURVE_PARAM: CURVE_VALUES})


def switch_specs(draws: int, n_citizens: int, seed: int = 2031) -> dict[str, object]:
    """The autumn-2022 entry at ``CURVE_AT`` with each set of ``SWITCHES`` (same seed)."""
    return {
        label: autumn_spec(
            f"switch_{i}", f"reaction channels: {label}", draws, n_citizens, seed, fixed=off
        )
        for i, (label, off) in enumerate(SWITCHES.items())
    }


def after_entry(runs: pd.DataFrame, step: int) -> pd.DataFrame:
    """Outcomes counted from the entry: an outcome before it (e.g. a substitution in 2021)
    is not the intervention's, and the run's later history is not either."""
    out = runs.copy()
    for o in pc.OUTCOMES:
        col = f"week_{o}"
        out.loc[out[col] < step, col] = float("nan")
    out["entry_step"] = step
    out["ejected_before"] = runs["week_ejection"] < step
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = pc.parser(NAME, __doc__)
    args = ap.parse_args(argv)
    size = "quick" if args.quick else "full" if args.full else "default"
    draws, n_citizens = SIZES[size]
    sweeps = pc.Sweeps()
    frames = []
    for label, spec in specs(draws, n_citizens).items():
        step = ENTRIES[label]
        print(f"== {spec.name}: {spec.description}", flush=True)
        runs = sweeps.run(spec, args.work / str(step), args.workers)
        runs = after_entry(runs, step)
        runs["entry"] = label
        frames.append(runs)
    everything = pd.concat(frames, ignore_index=True)
    # The world as it was at the entry: the ruler still in power (he was, on each date).
    runs = everything[~everything["ejected_before"]].copy()
    runs["expedition_troops"] = (runs["param_deploy_share"] * 46_500).round(-2).astype(int)
    runs = runs.rename(columns={"param_ukraine_strength": "ukraine_strength"})

    out = args.out
    (out / "figures").mkdir(parents=True, exist_ok=True)
    by = ["entry", "ukraine_strength", "expedition_troops"]
    cells = pc.outcome_summary(runs, by, origin="entry_step")
    pc.write_table(cells, out / "summary.csv")
    by_entry = pc.outcome_summary(runs, ["entry"], origin="entry_step")
    pc.write_table(by_entry, out / "by_entry.csv")
    figures = draw(runs, by_entry, out / "figures")
    spec = curve_spec(draws, n_citizens)
    print(f"== {spec.name}: {spec.description}", flush=True)
    step = ENTRIES[CURVE_AT["entry"]]
    swept = after_entry(sweeps.run(spec, args.work / "curve", args.workers), step)
    swept = swept[~swept["ejected_before"]].rename(columns={f"param_{CURVE_PARAM}": CURVE_PARAM})
    curve = pc.outcome_summary(swept, [CURVE_PARAM], origin="entry_step")
    pc.write_table(curve, out / "curve.csv")
    figures += draw_curve(curve, out / "figures")
    frames = []
    for i, (label, spec) in enumerate(switch_specs(draws, n_citizens).items()):
        print(f"== {spec.name}: {spec.description}", flush=True)
        r = after_entry(sweeps.run(spec, args.work / f"switch_{i}", args.workers), step)
        frames.append(r[~r["ejected_before"]].assign(channels=label, order=i))
    switched = pc.outcome_summary(pd.concat(frames, ignore_index=True), ["order", "channels"])
    pc.write_table(switched.drop(columns="order"), out / "switches.csv")
    write_readme(
        args, out, everything, runs, by_entry, cells, curve, switched, sweeps, draws, figures, argv
    )
    print(f"wrote {out}", flush=True)
    return 0


def draw(runs: pd.DataFrame, by_entry: pd.DataFrame, fig_dir: Path) -> list[str]:
    from abm.plots.outcomes import probability_heatmap, probability_lines

    paths = probability_lines(
        by_entry,
        "entry",
        "entry week (forced intervention)",
        HEADLINE,
        str(fig_dir / "probability_by_entry"),
    )
    autumn = runs[runs["entry"] == "2022-10 autumn"]
    t = pc.outcome_summary(autumn, ["ukraine_strength", "expedition_troops"])
    for o in ("mutiny", "uprising", "ejection"):
        paths += probability_heatmap(
            t,
            "expedition_troops",
            "ukraine_strength",
            "expedition (troops)",
            "Ukrainian force available (troops)",
            o,
            str(fig_dir / f"heatmap_{o}_autumn2022"),
        )
    return paths


def draw_curve(curve: pd.DataFrame, fig_dir: Path) -> list[str]:
    from abm.plots.outcomes import probability_lines

    return probability_lines(
        curve,
        CURVE_PARAM,
        "legitimacy pro-Western citizens withdraw when the army fights (default 0.05)",
        HEADLINE,
        str(fig_dir / "probability_by_intervention_legitimacy_pw"),
    )


def curve_lines(curve: pd.DataFrame) -> list[str]:
    """The response curve as a table: each headline outcome at each value of the weight."""
    head = "| outcome | " + " | ".join(f"{v:g}" for v in CURVE_VALUES) + " |"
    lines = [
        "",
        f"**Response to the tuned weight** `{CURVE_PARAM}` (no prior range; default 0.05), "
        f"at the autumn-2022 entry with {CURVE_AT['ukraine_strength']:,} Ukrainian troops and "
        f"an expedition of {CURVE_AT['deploy_share'] * 46_500:,.0f} (`curve.csv`):",
        "",
        head,
        "|---|" + "---|" * len(CURVE_VALUES),
    ]
    for o in HEADLINE:
        t = curve[curve["outcome"] == o].set_index(CURVE_PARAM)
        cells = [pc.fmt_p(t.loc[v, "p"], t.loc[v, "low"], t.loc[v, "high"]) for v in CURVE_VALUES]
        lines.append(f"| {o} | " + " | ".join(cells) + " |")
    return lines


def switch_lines(switched: pd.DataFrame) -> list[str]:
    """The switch-off table: each headline outcome with each set of channels off."""
    labels = list(SWITCHES)
    lines = [
        "",
        "**What carries the reaction**: the same entry with the citizens' channels switched "
        "off (grievance channels: the order's legitimacy cost, mobilisation, casualties, "
        "hardship; the cascade: preference falsification revealed; `switches.csv`):",
        "",
        "| outcome | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(labels),
    ]
    for o in HEADLINE:
        t = switched[switched["outcome"] == o].set_index("channels")
        cells = [pc.fmt_p(t.loc[c, "p"], t.loc[c, "low"], t.loc[c, "high"]) for c in labels]
        lines.append(f"| {o} | " + " | ".join(cells) + " |")
    p = switched.set_index(["channels", "outcome"])["p"]
    lines.append(
        f"\nWith neither channel, P(uprising) is {p['neither', 'uprising']:.2f} against "
        f"{p['all on', 'uprising']:.2f} with both, while P(mutiny) is "
        f"{p['neither', 'mutiny']:.2f} against {p['all on', 'mutiny']:.2f} and P(mass mutiny) "
        f"{p['neither', 'mass_mutiny']:.2f} against {p['all on', 'mass_mutiny']:.2f}."
    )
    return lines


def write_readme(
    args, out, everything, runs, by_entry, cells, curve, switched, sweeps, draws, figures, argv
) -> None:
    def p(entry: str, outcome: str) -> str:
        r = by_entry[(by_entry["entry"] == entry) & (by_entry["outcome"] == outcome)].iloc[0]
        weeks = (
            f", median {r.weeks_median:.0f} weeks after entry (IQR {r.weeks_q25:.0f}-"
            f"{r.weeks_q75:.0f})"
            if r.k
            else ""
        )
        return f"{pc.fmt_p(r.p, r.low, r.high)}{weeks}"

    lines = []
    for entry in ENTRIES:
        n = int((runs["entry"] == entry).sum())
        lines.append(f"**Entry {entry}** ({n} runs):")
        for o in HEADLINE:
            lines.append(f"- P({o}) {p(entry, o)}")
        lines.append("")
    autumn = cells[(cells["entry"] == "2022-10 autumn") & (cells["outcome"] == "mutiny")]
    lo, hi = autumn["p"].min(), autumn["p"].max()
    lines.append(
        f"Across the {len(autumn)} cells of Ukrainian strength x expedition size at the "
        f"autumn-2022 entry, P(mutiny) ranges {lo:.2f}-{hi:.2f} (`summary.csv`, heatmaps)."
    )
    lines += ["", "What drives it (shares of runs, from the same runs):"]
    after = []  # per entry: share of mutinies that came with or after an uprising
    for entry in ENTRIES:
        r = runs[runs["entry"] == entry]
        w_up = pd.to_numeric(r["week_uprising"], errors="coerce")
        w_mu = pd.to_numeric(r["week_mutiny"], errors="coerce")
        up, mu = w_up.notna(), w_mu.notna()
        first = (w_mu < w_up) | (mu & ~up)
        after.append(float((mu & ~first).sum() / mu.sum()) if mu.any() else float("nan"))
        lines.append(
            f"- {entry}: uprising in {up.mean():.0%} of runs; P(mutiny | uprising) "
            f"{mu[up].mean() if up.any() else float('nan'):.2f} ({up.sum()} runs), "
            f"P(mutiny | no uprising) "
            f"{mu[~up].mean() if (~up).any() else float('nan'):.2f} ({(~up).sum()} runs); "
            f"the mutiny came first in {first.mean():.0%}."
        )
    lines.append(
        f"\nAt every entry {np.nanmin(after):.0%}-{np.nanmax(after):.0%} of the mutinies came with "
        "or after an uprising; whether the uprising causes them is the switch-off table's "
        "question (below)."
    )
    lines += curve_lines(curve)
    lines += switch_lines(switched)
    before = everything.groupby("entry")["ejected_before"].mean()
    caveats = f"""- Probabilities are shares of runs, each run a posterior draw with its own seed
  (parameter and seed uncertainty together); brackets are 95 % Wilson intervals of that share.
- Conditioned on the world as it was at each entry date: runs whose ruler was already gone
  by the entry week are set aside ({", ".join(f"{k}: {v:.0%}" for k, v in before.items())}
  of runs; in the history he stayed). Outcomes before the entry week do not count.
- `ukraine_strength` is held constant over the whole run (the history's own schedule is
  replaced): it only matters once Belarusian units fight, after the entry.
- The posterior was fitted on protest, detentions and prisoners to September 2022; the army,
  front and coup blocks kept their priors (below), so these probabilities lean on those
  priors' ranges (docs/ODD.md, parameter table, sources). `results/sensitivity/` shows which.
{pc.prior_kept_text(set_here=["forced_intervention_week", "ukraine_strength", "deploy_share"])}"""
    files = [
        "summary.csv",
        "by_entry.csv",
        "curve.csv",
        "switches.csv",
        *(str(Path(f).relative_to(out)) for f in figures),
    ]
    pc.write_readme(
        out,
        title="Forced intervention: Belarus sent into Ukraine at a week of the history",
        command=pc.command(NAME, argv),
        finding="\n".join(lines),
        caveats=caveats,
        sweeps=sweeps,
        full=f"`--full`: 100 draws per cell "
        f"({100 * (9 * 3 + len(CURVE_VALUES) + len(SWITCHES)):,} runs), "
        "about 45 min on 2 "
        f"cores. This folder: {draws} draws per cell.",
        files=files,
    )


if __name__ == "__main__":
    raise SystemExit(main())
