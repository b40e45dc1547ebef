"""The history replay and its prior predictive check: Belarus, August 2020 - 2025, beside what
was observed (issue 11). Writes ``results/history/``.

1. **Replay** at the default parameters: the ``history`` scenario over ``--seeds`` seeds
   (seed noise only).
2. **Prior predictive**: ``--draws`` parameter sets drawn by Latin hypercube from the prior
   ranges (``src/abm/belarus/priors.toml``, or ``--priors FILE``), one seed each (parameter
   and seed uncertainty together). Nothing is fitted: the question is only whether the
   ranges the sources allow can produce what happened (the estimation issue fits them).

Both are sweeps (``abm.sweep``) into ``--work`` (default ``out/history``): resumable (rerun
the same command after an interruption and only missing runs are done), parallel over
``--workers``. Every observed pattern (``history/observed.csv`` plus the derived autumn
half-life) is computed from every run with its error model; the tables say, per pattern,
the runs' median and 90 % band beside the observed range, and whether the band covers it.

    .venv/bin/python experiments/history.py                  # ~4 min on 2 cores
    .venv/bin/python experiments/history.py --draws 1000     # the fuller check, ~20 min
    .venv/bin/python experiments/history.py --quick          # smoke run into out/history_quick
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import pandas as pd

# How a stored run is read back (its series, its events) lives in one place, the statistics
# module: KEEP is the series a pattern or a figure reads.
from abm.belarus.history.statistics import STORED_SERIES as KEEP
from abm.belarus.history.statistics import events_of

ROOT = Path(__file__).resolve().parents[1]
LEVEL = 0.9


def specs(args, priors) -> dict[str, object]:
    """The replay's and the prior predictive's sweep specs."""
    from abm.sweep import SweepSpec

    common = {
        "model": "belarus",
        "scenario": "history",
        "steps": args.steps,
        "keep_series": list(KEEP),
        "fixed": {"n_citizens": args.n_citizens},
    }
    vary = {
        p.name: {"range": [p.low, p.high], "scale": p.scale}
        for p in priors
        if p.name != "n_citizens"
    }
    return {
        "replay": SweepSpec.from_dict(
            {
                **common,
                "name": "history_replay",
                "description": "the history scenario at the default parameters, seeds only",
                "replicates": args.seeds,
                "seed": 2020,
            }
        ),
        "prior": SweepSpec.from_dict(
            {
                **common,
                "name": "history_prior_predictive",
                "description": "the history scenario over the prior ranges, one seed a draw",
                "vary": vary,
                "design": {"kind": "lhs", "n": args.draws, "seed": 809},
                "replicates": 1,
                "seed": 2022,
            }
        ),
    }


def current_sweep(spec, folder: Path, workers: int):
    """Run or resume ``spec`` into ``folder`` with results from the code running now
    (``abm.sweep.run_sweep_current``: a folder left by an older commit is set aside)."""
    from abm.sweep import run_sweep_current

    return run_sweep_current(spec, folder, workers=workers)


def read_sweep(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A sweep folder's stored series and its runs table (indexed by run_id), read once for
    both the patterns and the figures."""
    from abm.sweep.read import SweepFolder

    sf = SweepFolder(folder)
    return sf.table("series"), sf.table("runs").set_index("run_id")


def runs_of(series: pd.DataFrame, runs: pd.DataFrame):
    """(run_id, patterns.Run) for every finished run of a sweep."""
    from abm.belarus.history.patterns import Run

    for run_id, s in series.groupby("run_id", sort=True):
        s = s.reset_index(drop=True)
        yield run_id, Run(s, events_of(s, runs.loc[run_id]))


def pattern_table(series: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (run, observation): the run's counterpart under the error model."""
    from abm.belarus.history.patterns import compare, comparison_kind, observations

    obs = observations()
    rows = []
    for run_id, run in runs_of(series, runs):
        for c in compare(run, obs):
            r = c.row()
            r["key"] = key_of(c.observation)
            r["run_id"] = run_id
            r["error_model"] = comparison_kind(c.observation)
            rows.append(r)
    return pd.DataFrame(rows)


def left_counts(series: pd.DataFrame, runs: pd.DataFrame) -> dict[str, int]:
    """Per observation key, the runs that had collapsed (left history) before it opened."""
    from abm.belarus.history.patterns import left_history, observations

    obs = observations()
    counts = left_history((run for _, run in runs_of(series, runs)), obs)
    return {key_of(o): n for o, n in zip(obs, counts, strict=True)}


def key_of(o) -> str:
    span = o.start.isoformat() if o.start == o.end else f"{o.start} to {o.end}"
    return f"{o.pattern} ({span})"


def figures(
    series: dict[str, pd.DataFrame], out: Path, summaries: dict[str, pd.DataFrame]
) -> list[str]:
    from abm.analysis.predictive import series_band
    from abm.belarus.history.data import FIT_END, week_start
    from abm.belarus.history.patterns import observations
    from abm.plots.predictive import Band, Panel, Point, band_panels, coverage_chart

    s = {
        name: series[name].assign(
            cum_detentions=series[name].groupby("run_id")["detentions"].cumsum()
        )
        for name in ("replay", "prior")
    }
    colours = {"replay": "#C44E52", "prior": "#3A6FB0"}
    labels = {
        "replay": f"default parameters, {s['replay']['run_id'].nunique()} seeds",
        "prior": f"prior predictive, {s['prior']['run_id'].nunique()} draws",
    }

    def bands(column: str, scale: float = 1.0) -> list[Band]:
        out_ = []
        for name in ("prior", "replay"):
            b = series_band(s[name], column, LEVEL)
            x = [week_start(int(k)) for k in b["step"]]
            out_.append(
                Band(
                    labels[name],
                    x,
                    b["low"] * scale,
                    b["median"] * scale,
                    b["high"] * scale,
                    colours[name],
                )
            )
        return out_

    obs = observations()
    crowd_nat = [Point(o.end, o.value, o.low, o.high) for o in obs if o.pattern == "protest_sunday"]
    crowd_cap = [
        Point(o.end, o.value, o.low, o.high)
        for o in obs
        if o.pattern in ("protest_peak_minsk", "protest_sunday_minsk", "antiwar_protest_2022")
    ]
    detained = [
        Point(o.end, o.value, o.low, o.high) for o in obs if o.pattern == "detentions_cumulative"
    ]
    prisoners = [
        Point(o.end, o.value, o.low, o.high)
        for o in obs
        if o.pattern == "political_prisoners" and o.start == o.end
    ]
    split = f"fit to {FIT_END:%d %b %Y}, held out after"
    marks = ((FIT_END, "end of fit period"),)
    paths = band_panels(
        [
            Panel(
                "(a) protesters nationwide",
                "people in the week",
                bands("protesters"),
                crowd_nat,
                "observed Sunday crowd (range)",
                log=True,
                marks=marks,
            ),
            Panel(
                "(b) protesters in Minsk",
                "people in the week",
                bands("protesters_capital"),
                crowd_cap,
                "observed Minsk crowd (range)",
                log=True,
                marks=marks,
            ),
            Panel(
                "(c) detained since 9 Aug 2020, as Viasna would count them (x 0.8)",
                "people",
                bands("cum_detentions", 0.8),
                detained,
                "Viasna: more than (a floor)",
                log=True,
                marks=marks,
            ),
            Panel(
                "(d) political prisoners held",
                "people",
                bands("political_prisoners"),
                prisoners,
                "Viasna (range)",
                log=True,
                marks=marks,
            ),
        ],
        str(out / "history_replay"),
        suptitle=f"Belarus from the stolen election, week by week: {LEVEL:.0%} bands; {split}",
    )
    for name, summary in summaries.items():
        paths += coverage_chart(
            summary,
            {k: k for k in summary["key"]},
            str(out / f"coverage_{name}"),
            band_label=f"{labels[name]}: {LEVEL:.0%} band",
        )
    return paths


def session_walls(folder: Path) -> float:
    """Wall seconds of every session that ran runs into a sweep folder."""
    from abm.sweep.read import SweepFolder

    return sum(s.get("wall_s", 0.0) for s in SweepFolder(folder).manifest.get("sessions", []))


def fmt(x: float) -> str:
    if isinstance(x, float) and math.isnan(x):
        return "-"
    if math.isinf(x):
        return "inf"
    return f"{x:,.3g}" if abs(x) < 10 else f"{x:,.0f}"


def markdown_table(summaries: dict[str, pd.DataFrame], period: str) -> str:
    """The fit or held-out patterns: observed range, then each check's median, the band an
    observer would report (90 %) and whether it covers the observation."""
    head = (
        "| pattern | observed (range) | default: median [band] | covered "
        "| prior: median [band] | covered | prior draws inside |"
    )
    rows = [head, "|---|---|---|---|---|---|---|"]
    r_, p_ = (summaries[k].set_index("key") for k in ("replay", "prior"))
    for key in r_.index[r_["period"] == period]:
        o = r_.loc[key]
        obs = f"{fmt(o['observed'])} ({fmt(o['observed_low'])} - {fmt(o['observed_high'])})"
        cells = []
        for s in (r_, p_):
            x = s.loc[key]
            if x["runs"] == 0:
                cells += ["not simulated", ""]
                continue
            band = f"{fmt(x['median'])} [{fmt(x['band_low'])} - {fmt(x['band_high'])}]"
            cells += [band, "yes" if x["covered"] else "**no**"]
        share = p_.loc[key, "share_inside"]
        cells.append("" if pd.isna(share) else f"{share:.0%}")
        rows.append(f"| {key} | {obs} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def missed(summary: pd.DataFrame, period: str = "fit") -> list[str]:
    s = summary[(summary["period"] == period) & (summary["covered"] == False)]  # noqa: E712
    return list(s["key"])


README = """# History replay: Belarus, August 2020 - 2025, beside what was observed

```bash
{command}
```

(part of `make results`). Its sweeps ran {runs:,} runs in {run_wall:.0f} s on this machine
({workers} workers, summed over their sessions); they are kept in `{work}` and resume where
they stopped, so a rerun with the same code only redoes this analysis.

**Sizes.** The `history` scenario (inputs from `src/abm/belarus/history/inputs.csv`), {steps}
weeks (step 0, the initial state, is the week of 2 August 2020; step 1 the election week of
9 August), {n:,} agents (~{ppa:,.0f} people each; the scale check is
`scale.csv`, made by `experiments/history_scale.py`):
- *default parameters*: {seeds} seeds, so the bands are seed noise only;
- *prior predictive*: {draws} parameter sets drawn by Latin hypercube from the {n_priors}
  prior ranges of `src/abm/belarus/priors.toml` (each from a source or marked an
  assumption), one seed each, so the bands carry parameter and seed uncertainty together.

Nothing here is fitted. The defaults are the prior medians the sources give, and the prior
predictive asks only whether the ranges the sources allow *can* produce what happened; the
estimation issue fits them on the fit period and scores the held-out years.

## Coverage

An observation is covered when the 90 % band of what an observer would report (the run's
true value through the observation's error model, e.g. Viasna's counts x 0.75-0.85) meets
the observed range; a floor ("more than 33,000") needs the band to reach it, and so does a
day's detentions, which its simulated week can only exceed. In the tables, *median* is the
runs' median true value and *band* the 90 % band as an observer would report it; *prior
draws inside* is the share of prior draws whose own run is consistent with the observation
(a band reaching from 0 to far above covers much while few single draws fit).

{coverage}

Fit-period patterns the prior predictive does **not** cover: {prior_missed}.

Fit-period patterns the default parameters do not cover: {replay_missed}.

## Fit period (August 2020 - September 2022)

{fit}

## Held out (October 2022 onward): reported, not used by anything here

{holdout}

## Figures

- `history_replay.png` (and `.svg`): protesters nationwide and in Minsk, people detained
  since the election (as Viasna would count them) and political prisoners held, week by
  week: the default parameters' 90 % band over seeds and the prior predictive's 90 % band,
  beside the observations (points with ranges; a floor is a bar with an arrow); the dashed
  line is the end of the fit period.
- `coverage_prior.png`, `coverage_replay.png`: each numeric observation's range (black)
  beside the band (colour) as a ratio to the observed value. Facts whose value is 0 (no
  mutiny, no troops in Ukraine, no substitution) are in the tables above.
- `patterns_replay.csv`, `patterns_prior.csv`: the tables in full (quantiles, bands, share
  of runs inside; `runs_left`: runs that had collapsed - Lukashenko ejected or Belarus
  occupied, the model's absorbing outcome - before the observation opened, so were not
  compared with it); `coverage.csv`: the counts above.

## How to read it

- A sweep keeps series and each outcome's first week, not the event log: a mutiny is read
  from the weeks the mutinied share rises, and a substitution from its first week.
- `support_joining_war` (polls) has no model quantity yet; those rows read "not simulated".
- A week's protesters are compared with one day's crowd (the Sunday march): the week bounds
  the day from above when people turn out on several days.
- The strategic parameters (Kremlin, Lukashenko's fears, the army at war, coups) keep their
  defaults in every draw: the fit period holds no intervention, mutiny or coup attempt to
  inform them (see `src/abm/belarus/priors.toml`).
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=30, help="replay seeds (default 30)")
    ap.add_argument("--draws", type=int, default=300, help="prior draws (default 300)")
    ap.add_argument("--steps", type=int, default=282, help="weeks (default 282: to Dec 2025)")
    ap.add_argument("--n-citizens", type=int, default=10_000, help="agents (default 10,000)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--priors", default=None, help="prior ranges, TOML (default: the model's own)")
    ap.add_argument("--work", default=None, help="sweep folders (default out/history)")
    ap.add_argument("--out", default=None, help="results folder (default results/history)")
    ap.add_argument("--quick", action="store_true", help="4 seeds, 8 draws, into out/")
    argv = sys.argv[1:] if argv is None else list(argv)
    args = ap.parse_args(argv)
    if args.quick:
        args.seeds, args.draws = 4, 8

    from abm import catalog
    from abm.analysis.predictive import coverage, summarise
    from abm.belarus.params import BELARUS_PARAMS
    from abm.priors import read_priors

    root = Path(os.path.relpath(ROOT))
    tag = "history_quick" if args.quick else "history"
    work = Path(args.work) if args.work else root / "out" / tag
    out = (
        Path(args.out)
        if args.out
        else root / ("out/history_quick/results" if args.quick else "results/history")
    )
    priors = (
        catalog.get("belarus").priors()
        if args.priors is None
        else read_priors(args.priors, BELARUS_PARAMS)
    )
    sweeps = specs(args, priors)  # validated before any run
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    for name, spec in sweeps.items():
        print(f"== {name}: {spec.description}", flush=True)
        current_sweep(spec, work / name, args.workers)
    summaries, series = {}, {}
    for name in sweeps:
        series[name], runs = read_sweep(work / name)
        table = pattern_table(series[name], runs)
        summary = summarise(table, LEVEL)
        summary["runs_left"] = summary["key"].map(left_counts(series[name], runs))
        summary.to_csv(out / f"patterns_{name}.csv", index=False)
        summaries[name] = summary
    cov = pd.concat(
        [coverage(s).assign(check=name) for name, s in summaries.items()], ignore_index=True
    )
    cov.to_csv(out / "coverage.csv", index=False)
    figures(series, out, summaries)
    wall = time.perf_counter() - t0
    cov_lines = ["| check | period | observations | covered | share |", "|---|---|---|---|---|"]
    for _, r in cov.iterrows():
        cov_lines.append(
            f"| {r['check']} | {r['period']} | {r['observations']} | {r['covered']} | "
            f"{r['share']:.0%} |"
        )
    command = "python experiments/history.py" + (" " + " ".join(argv) if argv else "")
    (out / "README.md").write_text(
        README.format(
            command=".venv/bin/" + command,
            runs=sum(s.replicates * (s.design.n or 1) for s in sweeps.values()),
            run_wall=sum(session_walls(work / name) for name in sweeps),
            workers=args.workers,
            work=work,
            steps=args.steps,
            n=args.n_citizens,
            ppa=9_255_524 / args.n_citizens,
            seeds=args.seeds,
            draws=args.draws,
            n_priors=len(priors),
            coverage="\n".join(cov_lines),
            prior_missed=", ".join(missed(summaries["prior"])) or "none",
            replay_missed=", ".join(missed(summaries["replay"])) or "none",
            fit=markdown_table(summaries, "fit"),
            holdout=markdown_table(summaries, "holdout"),
        )
    )
    print(cov.to_string(index=False))
    print(f"done in {wall:.0f} s; results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
