"""Sensitivity: which parameters move each headline outcome, and how much of an outcome's
spread is parameters rather than seeds (issue 14, experiment 5).

Baseline scenario (late 2022 onward), 104 weeks, 10,000 citizen agents (a run's cost hardly
depends on the agents: 2.7 s at 3,000 against 2.8 s at 10,000 in a 40-draw check, where the
outcome counts agreed within a few runs), outcomes as indicators (did it happen within the
horizon): intervention, mutiny, uprising, substitution attempt, substitution; and one
continuous one, the peak protest turnout (share of the population; x 9.26 million = people).

1. Morris screening over the priors (``src/abm/belarus/priors.toml``, every priored
   parameter but ``legitimacy_shock``, the 2020 election's dated shock that the baseline
   does not hold; independent uniform inputs, log-scale ones in log10), one seed a point:
   mu* with its bootstrap interval per outcome; the top k by the largest mu* relative to
   the outcome's largest, across outcomes.
2. Sobol (Saltelli, no second order) over those k only, their prior ranges, every other
   parameter at its default; replicate seeds at each point, so each output's replicate-noise
   share is reported beside S1 and ST.
3. Over the posterior (``results/posterior/fit``): D draws x R seeds. Its inputs are
   correlated (the fit ties them), which Sobol's decomposition assumes away, so its indices
   are given-data ones: SALib's delta (with its given-data first-order S1) and PAWN, over
   the estimated parameters and the Morris top k, with an independent dummy input whose
   index is the estimator's noise floor.
4. The same runs split each outcome's variance into parameters (between draws) and seeds
   (within a draw) by the law of total variance, with a bootstrap interval over draws.

    .venv/bin/python experiments/sensitivity.py          # ~8 min on 2 uncontended cores
    .venv/bin/python experiments/sensitivity.py --full   # ~4,600 runs: ~75 min on 2 cores
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

from abm.analysis.sensitivity import DUMMY  # noqa: E402

NAME = "sensitivity"
MODEL = "belarus"
SCENARIO = "baseline"
HEADLINE = ("intervention", "mutiny", "uprising", "substitution_attempt", "substitution")
CONTINUOUS = "peak_turnout"
OUTPUTS = (*HEADLINE, CONTINUOUS)
LABEL = {
    "intervention": "intervention",
    "mutiny": "mutiny",
    "uprising": "uprising",
    "substitution_attempt": "substitution attempt",
    "substitution": "substitution",
    CONTINUOUS: "peak protest turnout",
}
#: Dated in the history only: the baseline has no election shock to scale.
NOT_IN_BASELINE = ("legitimacy_shock",)
SEED = 2024


@dataclass(frozen=True)
class Size:
    steps: int
    n_citizens: int
    trajectories: int  # Morris r
    top_k: int
    sobol_n: int  # Saltelli base N (a power of 2)
    sobol_replicates: int
    draws: int  # posterior draws
    seeds: int  # replicate seeds per draw


SIZES = {
    "quick": Size(10, 1_000, 2, 2, 4, 2, 12, 2),
    "default": Size(104, 10_000, 8, 4, 16, 2, 40, 4),
    "full": Size(104, 10_000, 20, 6, 128, 2, 200, 5),
}


def runs_of(size: Size) -> dict[str, int]:
    """Runs of each sweep at ``size``."""
    d = len(priors_screened(size))
    return {
        "morris": (d + 1) * size.trajectories,
        "sobol": size.sobol_n * (size.top_k + 2) * size.sobol_replicates,
        "posterior": size.draws * size.seeds,
    }


def priors_screened(size: Size):
    from abm.calibration import screening as sc

    priors = sc.screened_priors(MODEL, None, {"n_citizens": size.n_citizens})
    keep = tuple(p for p in priors if p.name not in NOT_IN_BASELINE)
    return type(priors)(keep, priors.origin)


def morris_spec(size: Size):
    from abm.calibration import screening as sc
    from abm.sweep import SweepSpec

    priors = priors_screened(size)
    return SweepSpec.from_dict(
        {
            "model": MODEL,
            "name": f"{NAME}_morris",
            "description": f"Morris screening of {len(priors)} priors, {size.trajectories} "
            f"trajectories, one seed a point, {size.steps} weeks of the baseline",
            "scenario": SCENARIO,
            "steps": size.steps,
            "fixed": {"n_citizens": size.n_citizens},
            "vary": sc.vary_of(priors),
            "design": {"kind": "morris", "n": size.trajectories, "levels": 4, "seed": SEED},
            "replicates": 1,
            "seed": SEED,
        }
    )


def sobol_spec(size: Size, top: Sequence[str]):
    from abm.calibration import screening as sc
    from abm.sweep import SweepSpec

    priors = priors_screened(size)
    keep = type(priors)(tuple(p for p in priors if p.name in top), priors.origin)
    return SweepSpec.from_dict(
        {
            "model": MODEL,
            "name": f"{NAME}_sobol",
            "description": f"Sobol (Saltelli, N = {size.sobol_n}, no second order) over the "
            f"Morris top {len(top)}, {size.sobol_replicates} seeds a point",
            "scenario": SCENARIO,
            "steps": size.steps,
            "fixed": {"n_citizens": size.n_citizens},
            "vary": sc.vary_of(keep),
            "design": {
                "kind": "sobol",
                "n": size.sobol_n,
                "second_order": False,
                "seed": SEED + 1,
            },
            "replicates": size.sobol_replicates,
            "seed": SEED + 1,
        }
    )


def posterior_spec(size: Size):
    return pc.posterior_spec(
        f"{NAME}_posterior",
        f"{size.draws} posterior draws x {size.seeds} seeds, baseline, {size.steps} weeks",
        scenario=SCENARIO,
        steps=size.steps,
        draws=size.draws,
        seed=SEED + 2,
        fixed={"n_citizens": size.n_citizens},
        replicates=size.seeds,
    )


def top_parameters(table: pd.DataFrame, k: int) -> pd.DataFrame:
    """Each parameter's mu* relative to the largest mu* of the same output, its largest such
    share across outputs and the output where it is reached; sorted, the first ``k``
    marked ``selected``. An output no parameter moved (all mu* 0) does not count."""
    t = table.copy()
    best = t.groupby("output")["mu_star"].transform("max")
    t["mu_star_rel"] = np.where(best > 0, t["mu_star"] / best.where(best > 0), np.nan)
    t = t.dropna(subset=["mu_star_rel"])
    if t.empty:
        raise SystemExit("Morris: no output moved at all; nothing to select (a longer run?)")
    idx = t.groupby("param")["mu_star_rel"].idxmax()
    rank = t.loc[idx, ["param", "mu_star_rel", "output"]].rename(columns={"output": "where"})
    rank = rank.sort_values(["mu_star_rel", "param"], ascending=[False, True], ignore_index=True)
    rank["selected"] = rank.index < k
    return rank


def main(argv: Sequence[str] | None = None) -> int:
    from abm.analysis import sensitivity as sa
    from abm.analysis.load import load

    args = pc.parser(NAME, __doc__).parse_args(argv)
    size = SIZES["quick" if args.quick else "full" if args.full else "default"]
    out, work = args.out, args.work
    (out / "figures").mkdir(parents=True, exist_ok=True)
    sweeps = pc.Sweeps()

    # (a) Morris over the priors
    run(sweeps, morris_spec(size), work / "morris", args.workers)
    morris = sa.morris(load(work / "morris"), list(OUTPUTS), num_resamples=500, seed=1)
    rank = top_parameters(morris, size.top_k)
    morris = morris.merge(rank[["param"]].assign(rank=rank.index + 1), on="param", how="left")
    best = morris.groupby("output")["mu_star"].transform("max")
    morris.insert(5, "mu_star_rel", morris["mu_star"] / best.where(best > 0))
    morris["selected"] = morris["param"].isin(rank.loc[rank["selected"], "param"])
    pc.write_table(morris, out / "morris.csv")
    top = list(rank.loc[rank["selected"], "param"])

    # (b) Sobol over the top k
    run(sweeps, sobol_spec(size, top), work / "sobol", args.workers)
    sobol = sa.sobol(load(work / "sobol"), list(OUTPUTS), num_resamples=500, seed=1)
    pc.write_table(sobol, out / "sobol.csv")

    # (c) and (d) over the posterior
    runs = run(sweeps, posterior_spec(size), work / "posterior", args.workers)
    runs = runs.sort_values(["point_id", "replicate"], ignore_index=True)
    y = outputs_of(runs)
    estimated, _ = pc.estimated_and_kept()
    drawn = [
        c.removeprefix("param_")
        for c in runs.columns
        if c.startswith("param_") and runs[c].nunique() > 1
    ]
    subset = [p for p in dict.fromkeys([*estimated, *top]) if p in drawn]
    x = runs[[f"param_{p}" for p in subset]].set_axis(subset, axis=1).astype(float)
    slices = 5 if args.quick else 10
    gd = pd.concat(
        [
            sa.given_data(x, y, "delta", num_resamples=50, slices=slices).assign(method="delta"),
            sa.given_data(x, y, "pawn", slices=slices).assign(method="pawn"),
        ],
        ignore_index=True,
    )
    gd.insert(2, "estimated", gd["param"].isin(estimated))
    pc.write_table(gd, out / "given_data.csv")
    split = sa.variance_split(y, runs["point_id"], boot=2000, seed=1)
    pc.write_table(split, out / "variance_split.csv")
    population = float((runs["people_per_agent"] * size.n_citizens).median())
    corr = x.corr(method="spearman")
    off = corr.where(~np.eye(len(corr), dtype=bool)).abs()

    figures = draw(morris, sobol, gd, split, out / "figures")
    write_readme(out, size, sweeps, morris, rank, sobol, gd, split, off, figures, population, argv)
    print(f"wrote {out}", flush=True)
    return 0


def run(sweeps: pc.Sweeps, spec, folder: Path, workers: int) -> pd.DataFrame:
    """``sweeps.run``, with the wall time of every session that ran runs into the folder
    (a rerun that only redoes the analysis would otherwise count ~0 s; its own session,
    which ran none, is not counted)."""
    from abm.sweep.read import SweepFolder

    runs = sweeps.run(spec, folder, workers)
    sessions = SweepFolder(folder).manifest.get("sessions", [])
    sweeps.wall_s[spec.name] = sum(
        float(s.get("wall_s", 0.0)) for s in sessions if s.get("done", 0) or s.get("failed", 0)
    )
    return runs


def outputs_of(runs: pd.DataFrame) -> pd.DataFrame:
    """Per run: each headline outcome's indicator and the continuous output."""
    y = pc.happened(runs, HEADLINE).astype(float)
    y[CONTINUOUS] = runs[CONTINUOUS].astype(float)
    return y


# -- figures ---------------------------------------------------------------------------------


def _grid(n: int):
    import matplotlib.pyplot as plt

    cols = 3
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 4.2 * rows), squeeze=False)
    fig.subplots_adjust(hspace=0.45, wspace=0.6)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def draw(morris, sobol, gd, split, fig_dir: Path, shown: int = 10) -> list[str]:
    import matplotlib.pyplot as plt

    from abm.plots.style import apply, save

    apply()
    paths = []
    fig, axes = _grid(len(OUTPUTS))
    for ax, o in zip(axes, OUTPUTS, strict=False):
        t = morris[morris["output"] == o].nlargest(shown, "mu_star").iloc[::-1]
        colours = np.where(t["selected"], "#C44E52", "#8C8C8C")
        ax.barh(t["param"], t["mu_star"], xerr=t["mu_star_conf"], color=colours, capsize=2)
        ax.set_title(LABEL[o], fontsize=9)
        ax.set_xlabel(
            "mu* (turnout, share of pop., per prior range)"
            if o == CONTINUOUS
            else "mu* (probability per prior range)"
        )
        ax.tick_params(axis="y", labelsize=7)
    fig.suptitle(f"Morris screening over the priors: top {shown} per outcome (red: kept for Sobol)")
    paths += save(fig, str(fig_dir / "morris_mu_star"))

    fig, axes = _grid(len(OUTPUTS))
    for ax, o in zip(axes, OUTPUTS, strict=False):
        t = sobol[sobol["output"] == o]
        if t["S1"].isna().all():
            note = t["note"].fillna("").iloc[0] if len(t) else ""
            what = "never happened" if note == "constant (0)" else note or "no index"
            ax.text(0.5, 0.5, f"{what} in these runs:\nno variance to apportion", ha="center")
            ax.set_title(LABEL[o], fontsize=9)
            ax.set_axis_off()
            continue
        pos = np.arange(len(t))
        ax.barh(pos - 0.2, t["S1"], 0.4, xerr=t["S1_conf"], label="S1", color="#4C72B0")
        ax.barh(pos + 0.2, t["ST"], 0.4, xerr=t["ST_conf"], label="ST", color="#DD8452")
        ax.set_yticks(pos, t["param"], fontsize=7)
        ax.axvline(0, color="k", lw=0.5)
        noise = t["noise_share"].iloc[0] if len(t) else np.nan
        ax.set_title(f"{LABEL[o]} (seed-noise share {noise:.2f})", fontsize=9)
        ax.set_xlabel("Sobol index (share of variance, 95 % CI)")
        ax.legend(fontsize=7)
    fig.suptitle("Sobol indices over the Morris top parameters, others at defaults")
    paths += save(fig, str(fig_dir / "sobol_indices"))

    fig, ax = plt.subplots(figsize=(7, 3.8))
    s = split.set_index("output").loc[list(OUTPUTS)]
    pos = np.arange(len(s))
    share = s["param_share"].to_numpy()
    ax.barh(pos, share, color="#4C72B0", label="parameters (between draws)")
    ax.barh(pos, 1 - share, left=share, color="#CCCCCC", label="seeds (within a draw)")
    err = np.vstack([share - s["low"].to_numpy(), s["high"].to_numpy() - share])
    ax.errorbar(share, pos, xerr=np.clip(err, 0, None), fmt="none", ecolor="k", capsize=3)
    ax.set_yticks(pos, [LABEL[o] for o in s.index])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the outcome's variance over the posterior (95 % bootstrap CI)")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    ax.set_title("Parameters against seeds")
    paths += save(fig, str(fig_dir / "variance_split"))

    fig, axes = _grid(len(OUTPUTS))
    p = gd[gd["method"] == "pawn"]
    for ax, o in zip(axes, OUTPUTS, strict=False):
        t = p[p["output"] == o].sort_values("mean")
        floor = t.loc[t["param"] == DUMMY, "mean"]
        t = t[t["param"] != DUMMY]
        ax.barh(t["param"], t["mean"], color=np.where(t["estimated"], "#4C72B0", "#8C8C8C"))
        ax.errorbar(
            t["mean"],
            t["param"],
            xerr=[t["mean"] - t["minimum"], t["maximum"] - t["mean"]],
            fmt="none",
            ecolor="k",
            capsize=2,
            lw=0.7,
        )
        if len(floor) and np.isfinite(floor.iloc[0]):
            ax.axvline(floor.iloc[0], color="#C44E52", ls="--", lw=1, label="dummy (noise floor)")
            ax.legend(fontsize=6)
        ax.set_title(LABEL[o], fontsize=9)
        ax.set_xlabel("PAWN KS distance (mean over slices; whiskers: min-max)")
        ax.tick_params(axis="y", labelsize=7)
    fig.suptitle("Given-data PAWN over the posterior (blue: estimated, grey: Morris top)")
    paths += save(fig, str(fig_dir / "pawn_posterior"))
    return paths


# -- README ----------------------------------------------------------------------------------


def _f(v: float, nd: int = 2) -> str:
    return "n/a" if not np.isfinite(v) else f"{v:.{nd}f}"


def write_readme(out, size, sweeps, morris, rank, sobol, gd, split, off, figures, population, argv):
    turnout = float(split.set_index("output").loc[CONTINUOUS, "mean"])
    lines = [
        f"Baseline, {size.steps} weeks, {size.n_citizens:,} citizen agents. Outcomes are "
        "indicators (did it happen within the horizon); the peak protest turnout is a share "
        f"of the population (mean over the posterior runs {turnout:.2%}, about "
        f"{turnout * population:,.0f} people of {population:,.0f}).",
        "",
        f"**Parameters against seeds** ({size.draws} posterior draws x {size.seeds} seeds; "
        "share of each output's variance between draws, corrected for the draw means' own "
        "seed noise, 95 % bootstrap interval over draws):",
        "",
        "| output | mean | parameters' share | seeds' share | uncorrected share |",
        "|---|---|---|---|---|",
    ]
    for _, r in split.iterrows():
        lines.append(
            f"| {LABEL[r.output]} | {r['mean']:.3g} | {_f(r.param_share)} "
            f"[{_f(r.low)}, {_f(r.high)}] | {_f(r.seed_share)} | {_f(r.uncorrected_share)} |"
        )
    lines += [
        "",
        f"**Morris over the priors** ({len(rank)} parameters, r = {size.trajectories}, one "
        f"seed a point). Top {size.top_k} by the largest mu* relative to an output's largest: "
        + ", ".join(
            f"`{r.param}` ({_f(r.mu_star_rel)}, {LABEL[r.where]})"
            for r in rank[rank["selected"]].itertuples()
        )
        + ". Largest mu* per output [95 % bootstrap half-width]:",
        "",
    ]
    for o in OUTPUTS:
        t = morris[morris["output"] == o].nlargest(3, "mu_star")
        lines.append(
            f"- {LABEL[o]}: "
            + "; ".join(
                f"`{r.param}` {r.mu_star:.3g} [±{r.mu_star_conf:.2g}]" for r in t.itertuples()
            )
        )
    lines += [
        "",
        f"**Sobol over the top {size.top_k}** (N = {size.sobol_n}, "
        f"{size.sobol_replicates} seeds a point, others at defaults): S1 / ST [± 95 % CI]:",
        "",
        "| output | seed-noise share | " + " | ".join(f"`{p}`" for p in rank_top(rank)) + " |",
        "|---|---|" + "---|" * size.top_k,
    ]
    for o in OUTPUTS:
        t = sobol[sobol["output"] == o].set_index("param")
        if t["note"].fillna("").str.startswith("constant").all():
            value = t["note"].iloc[0].removeprefix("constant (").rstrip(")")
            what = "never happened" if value == "0" else f"always {value}"
            lines.append(f"| {LABEL[o]} | - | {what} in these runs: no variance to apportion |")
            continue
        cells = [
            f"{_f(t.loc[p, 'S1'])}±{_f(t.loc[p, 'S1_conf'])} / "
            f"{_f(t.loc[p, 'ST'])}±{_f(t.loc[p, 'ST_conf'])}"
            for p in rank_top(rank)
        ]
        lines.append(f"| {LABEL[o]} | {_f(t['noise_share'].iloc[0])} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "**Given data over the posterior**, top 3 per output by PAWN (KS distance between the "
        "output's distribution and its distribution in a tenth of an input's range, mean over "
        "the slices: for a 0/1 outcome the median sits on a few discrete values, so the mean "
        "ranks), with the given-data S1 = Var(E[y | x]) / Var(y) as the posterior co-varies "
        "the inputs [± 95 % CI], and delta for the continuous output; the dummy input's PAWN "
        "is the noise floor:",
        "",
    ]
    for o in OUTPUTS:
        p = gd[(gd["method"] == "pawn") & (gd["output"] == o)].set_index("param")
        d = gd[(gd["method"] == "delta") & (gd["output"] == o)].set_index("param")
        if p["mean"].isna().all():
            lines.append(f"- {LABEL[o]}: constant over the posterior runs (no index)")
            continue
        real = p.drop(index=DUMMY).sort_values("mean", ascending=False).head(3)
        text = "; ".join(
            f"`{name}` {r['mean']:.2f} (S1 {_f(d.loc[name, 'S1'])}±{_f(d.loc[name, 'S1_conf'])}"
            + (
                f", delta {_f(d.loc[name, 'delta'])}±{_f(d.loc[name, 'delta_conf'])}"
                if np.isfinite(d.loc[name, "delta"])
                else ""
            )
            + ")"
            for name, r in real.iterrows()
        )
        lines.append(f"- {LABEL[o]}: {text}; dummy floor {p.loc[DUMMY, 'mean']:.2f}")

    caveats = f"""- Sobol at reduced size: N = {size.sobol_n} base samples over {size.top_k}
  parameters ({size.sobol_n * (size.top_k + 2)} points) gives wide intervals; read S1 and ST
  through their intervals, and the ranking rather than the values. ST is inflated (and S1
  deflated) by replicate noise: the seed-noise share in the table is that part (docs in
  `abm.analysis.sensitivity`). Negative S1 within its interval is 0.
- Morris with one seed per point: a 0/1 outcome's elementary effect is -1/Δ, 0 or +1/Δ, so
  mu* carries seed noise (at a point where the outcome's probability is p, an inert
  parameter's effect is nonzero with probability 2p(1-p)); one seed a point cannot say how
  much, so the 0/1 outcomes' mu* are upper bounds on the parameters' own effects. With r =
  {size.trajectories} trajectories many parameters tie (mu* in steps of 1/(rΔ) = 0.19) and
  the ranking is coarse; the top k is chosen by mu* relative to each output's largest (ties
  broken by name), so a rare outcome counts as much as a common one. The Sobol stage's
  seed-noise share and the posterior's split measure the seeds' part. `--full` (r = 20) is
  the size to read a ranking from.
- The Morris and Sobol inputs are independent uniforms over the priors (log-scale ones in
  log10), as Sobol assumes; `legitimacy_shock` is left out (a dated shock of the 2020 history,
  absent from the baseline; the posterior's draws of it do not enter the baseline runs
  either). Parameters not varied are at their declared defaults, which for some lie outside
  their prior (`abm.priors.defaults_outside`).
- The posterior's inputs are correlated (largest absolute Spearman correlation between two
  of the given-data inputs: {np.nanmax(off.to_numpy()):.2f}). Given-data indices then say
  how much knowing one input tells about the output as the posterior co-varies them: part
  may be borrowed from a correlated input, they do not add up, and no Sobol decomposition is
  claimed. They are computed over the estimated parameters and the Morris top {size.top_k}
  (the kept-prior ones are independent draws, which Morris and Sobol cover), from one row
  per run ({size.draws * size.seeds} runs; each draw's values repeat over its seeds).
- Delta is computed for the continuous output only: SALib skips slices in which the output
  is constant, which for a 0/1 outcome are the informative ones; for outcomes the given-data
  S1 (correlation ratio) and PAWN are reported.
- The variance split is over the posterior and the baseline: another scenario or horizon
  may split differently. A parameters' share near 0 means that over the posterior the seed
  decides the outcome; it does not mean the parameters cannot matter (Morris over the
  priors says which could).
{pc.prior_kept_text(set_here=["n_citizens"])}"""
    n = runs_of(size)
    pc.write_readme(
        out,
        title="Sensitivity: Morris and Sobol over the priors, given data and the "
        "parameters/seeds split over the posterior",
        command=pc.command(NAME, argv),
        finding="\n".join(lines),
        caveats=caveats,
        sweeps=sweeps,
        full="`--full`: Morris r = 20, Sobol N = 128 over the top 6 with 2 seeds, 200 "
        f"posterior draws x 5 seeds ({sum(runs_of(SIZES['full']).values()):,} runs), about "
        f"75 min on 2 uncontended cores. This folder: {n['morris']} + {n['sobol']} + "
        f"{n['posterior']} runs.",
        files=[
            "morris.csv",
            "sobol.csv",
            "given_data.csv",
            "variance_split.csv",
            *(str(Path(f).relative_to(out)) for f in figures),
        ],
    )


def rank_top(rank: pd.DataFrame) -> list[str]:
    return list(rank.loc[rank["selected"], "param"])


if __name__ == "__main__":
    raise SystemExit(main())
