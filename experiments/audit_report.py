"""The figures and README of the issue-12 audit (``experiments/audit.py``): each number of
the current tables set beside the same number of the ``before/`` tables (main's model before
issue 12), so one rerun after a change shows what moved.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from audit_tables import ALL_ON, CURVE_OUTCOMES, INERT_POINTS, QUIET_SHARE

from abm import catalog
from abm.belarus.outcomes import OUTCOMES


# ------------------------------------------------------------------------------ figures
def curves_figure(curves: pd.DataFrame, before: pd.DataFrame | None, config, stem: Path):
    """The response curves, one panel per variable: each outcome's share of runs with its
    95 % Wilson band; the default value dotted; "before" dashed when it differs."""
    from abm.belarus.params import BELARUS_PARAMS
    from abm.plots.style import apply, save

    apply()
    import matplotlib.pyplot as plt

    colours = {o.name: o.colour for o in catalog.get("belarus").outcomes}
    names = list(config["curves"])
    fig, axes = plt.subplots(1, len(names), figsize=(3.6 * len(names), 3.6), sharey=True)
    for ax, var in zip(np.atleast_1d(axes), names, strict=True):
        c = config["curves"][var]
        for o in CURVE_OUTCOMES:
            g = curves[(curves["variable"] == var) & (curves["outcome"] == o)]
            ax.plot(g["value"], g["p"], "o-", ms=3, color=colours[o], label=o.replace("_", " "))
            ax.fill_between(g["value"], g["ci_low"], g["ci_high"], color=colours[o], alpha=0.15)
            if before is not None:
                b = before[(before["variable"] == var) & (before["outcome"] == o)]
                ax.plot(b["value"], b["p"], "--", lw=0.9, color=colours[o], alpha=0.7)
        default = BELARUS_PARAMS[var].default
        ax.axvline(float(default), color="grey", ls=":", lw=0.8)
        if c.get("scale") == "log":
            from matplotlib.ticker import FixedLocator, NullLocator

            ax.set_xscale("log")
            ticks = curves.loc[curves["variable"] == var, "value"].unique()[::2]
            ax.xaxis.set_major_locator(FixedLocator(ticks))
            ax.xaxis.set_minor_locator(NullLocator())
            ax.set_xticklabels([f"{x:,.3g}" for x in ticks], fontsize=7)
        ax.set_xlabel(f"{c['label']}\n({c['unit']})", fontsize=8)
        ax.set_title(f"{var} ({c['basis']})", fontsize=9)
        ax.set_ylim(-0.02, 1.02)
    first = np.atleast_1d(axes)[0]
    first.set_ylabel(f"share of runs, week {config['forced']['week']} to the horizon")
    first.legend(loc="best", fontsize=7)
    note = "dashed: before" if before is not None else ""
    fig.suptitle(
        f"After a forced intervention at week {config['forced']['week']}: 95 % Wilson bands; "
        f"dotted: default value. {note}",
        fontsize=9,
    )
    return save(fig, str(stem))


def switch_figure(table: pd.DataFrame, stem: Path):
    """Each switch's difference from all-on per outcome (95 % Newcombe intervals)."""
    from abm.plots.style import apply, save

    apply()
    import matplotlib.pyplot as plt

    colours = {o.name: o.colour for o in catalog.get("belarus").outcomes}
    scenarios = list(dict.fromkeys(table["scenario"]))
    fig, axes = plt.subplots(1, len(scenarios), figsize=(5.2 * len(scenarios), 5.0), sharey=True)
    for ax, sc in zip(np.atleast_1d(axes), scenarios, strict=True):
        t = table[(table["scenario"] == sc) & (table["switch_off"] != ALL_ON)]
        switches = list(dict.fromkeys(t["switch_off"]))
        y = {s: i for i, s in enumerate(switches)}
        for j, o in enumerate(OUTCOMES):
            g = t[t["outcome"] == o]
            yy = np.array([y[s] for s in g["switch_off"]]) + (j - len(OUTCOMES) / 2) * 0.09
            ax.errorbar(
                g["diff"],
                yy,
                xerr=[g["diff"] - g["diff_low"], g["diff_high"] - g["diff"]],
                fmt="o",
                ms=2.5,
                lw=0.7,
                color=colours[o],
                label=o.replace("_", " "),
            )
        ax.axvspan(-INERT_POINTS, INERT_POINTS, color="grey", alpha=0.12)
        ax.axvline(0, color="black", lw=0.6)
        inert = set(t.loc[t["inert"], "switch_off"])
        ax.set_yticks(
            range(len(switches)),
            [s + (" (inert)" if s in inert else "") for s in switches],
            fontsize=7,
        )
        ax.set_xlabel("P(outcome) switched off - all on")
        ax.set_title(f"{sc} (n = {int(t['n'].iloc[0]) if len(t) else 0} per arm)")
    for ax in np.atleast_1d(axes):
        ax.invert_yaxis()  # the switches top to bottom in the order the table lists them
    handles, labels = np.atleast_1d(axes)[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=7, bbox_to_anchor=(0.5, -0.06))
    return save(fig, str(stem))


def levels_figure(levels: pd.DataFrame, stem: Path):
    """Share of weeks at each support level, per scenario (all weeks, Lukashenko's)."""
    from abm.plots.style import apply, save

    apply()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.2))
    groups = list(dict.fromkeys(zip(levels["scenario"], levels["weeks"], strict=True)))
    cmap = plt.get_cmap("viridis", 6)
    for i, (sc, who) in enumerate(groups):
        g = levels[(levels["scenario"] == sc) & (levels["weeks"] == who)].sort_values("level")
        left = 0.0
        for lv, share in zip(g["level"], g["share"].fillna(0.0), strict=True):
            ax.barh(i, share, left=left, color=cmap(lv), label=f"level {lv}" if i == 0 else None)
            left += share
    ax.set_yticks(range(len(groups)), [f"{sc}: {who}" for sc, who in groups], fontsize=7)
    ax.set_xlabel("share of weeks")
    ax.set_xlim(0, 1)
    ax.legend(ncol=6, fontsize=6, loc="upper center", bbox_to_anchor=(0.5, 1.18))
    return save(fig, str(stem))


def coups_figure(attempts: Mapping[str, pd.DataFrame], stem: Path):
    """Moscow's share of the security services at each attempt, per scenario."""
    from abm.plots.style import apply, save

    apply()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3))
    bins = np.linspace(0, 1, 21)
    for sc, a in attempts.items():
        b = a["backing"].dropna()
        if len(b):
            ax.hist(b, bins=bins, histtype="step", lw=1.2, label=f"{sc} ({len(b)} attempts)")
    ax.set_xlabel("share of security capacity backing Moscow at the attempt (last round)")
    ax.set_ylabel("attempts")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7)
    else:
        ax.text(0.5, 0.5, "no coup attempt", ha="center", transform=ax.transAxes)
    return save(fig, str(stem))


# ------------------------------------------------------------------------------ README
def pct(p: float) -> str:
    return "-" if p is None or pd.isna(p) else f"{100 * p:.0f} %"


def ci(row) -> str:
    return f"{pct(row['p'])} [{pct(row['ci_low'])}, {pct(row['ci_high'])}]"


def span(values: pd.Series) -> str:
    """A curve's lowest and highest value, or the one value when it is flat."""
    lo, hi = values.min(), values.max()
    return pct(lo) if round(100 * lo) == round(100 * hi) else f"{pct(lo)} to {pct(hi)}"


def side(now: Mapping, before: Mapping | None, cell) -> list[str]:
    """The before and now cells of a row (before: '-' when not recorded)."""
    b = "-" if before is None else cell(before)
    return [b, cell(now)]


def curves_md(now, before, config) -> str:
    rows = [
        "| variable: range (basis) | outcome | before: P over the range | now: P over the range |",
        "|---|---|---|---|",
    ]
    for var, c in config["curves"].items():
        rng = f"{c['low']:g} to {c['high']:g} ({c['basis']})"
        for o in CURVE_OUTCOMES:

            def cell(t, var=var, o=o):
                g = t["curves"]
                g = g[(g["variable"] == var) & (g["outcome"] == o)] if len(g) else g
                return span(g["p"]) if len(g) else "-"

            rows.append(f"| `{var}`: {rng} | {o} | " + " | ".join(side(now, before, cell)) + " |")
    return "\n".join(rows)


def levels_md(now, before) -> str:
    rows = [
        "| scenario | weeks | before: share of weeks at level 0 / 1 / 2 / 3 / 4 / 5 "
        "| now: share of weeks at level 0 / 1 / 2 / 3 / 4 / 5 |",
        "|---|---|---|---|",
    ]
    groups = dict.fromkeys(zip(now["levels"]["scenario"], now["levels"]["weeks"], strict=True))
    for sc, who in groups:

        def cell(t, sc=sc, who=who):
            g = t["levels"]
            g = g[(g["scenario"] == sc) & (g["weeks"] == who)].sort_values("level")
            return " / ".join(pct(x) for x in g["share"]) if len(g) else "-"

        rows.append(f"| {sc} | {who} | " + " | ".join(side(now, before, cell)) + " |")
    return "\n".join(rows)


def deciders_md(now, before) -> str:
    rows = ["| scenario | who set level 5 first | before | now |", "|---|---|---|---|"]
    d = now["deciders"]
    keys = dict.fromkeys(zip(d["scenario"], d["decider"], strict=True))
    if before is not None and len(before["deciders"]):
        b = before["deciders"]
        keys |= dict.fromkeys(zip(b["scenario"], b["decider"], strict=True))
    for sc, who in keys:

        def cell(t, sc=sc, who=who):
            g = t["deciders"]
            g = g[(g["scenario"] == sc) & (g["decider"] == who)]
            return f"{int(g['count'].iloc[0])}/{int(g['n'].iloc[0])}" if len(g) else "0"

        rows.append(f"| {sc} | {who} | " + " | ".join(side(now, before, cell)) + " |")
    return "\n".join(rows)


COUP_ROWS = (
    ("runs with an attempt", lambda r: f"{int(r['runs_with_attempt'])}/{int(r['runs'])}"),
    ("attempts (per run)", lambda r: f"{int(r['attempts'])} ({r['attempts_per_run']:.2f})"),
    (
        "Moscow's share at the attempt: min / quartiles / max",
        lambda r: " / ".join(
            pct(r[k])
            for k in ("backing_min", "backing_q25", "backing_median", "backing_q75", "backing_max")
        ),
    ),
    ("contested (35-65 %) attempts", lambda r: pct(r["contested_share"])),
    (
        "rounds per attempt (mean)",
        lambda r: "-" if pd.isna(r["mean_rounds"]) else f"{r['mean_rounds']:.1f}",
    ),
    (
        "success share [95 % CI] (Powell & Thyne ~48 %)",
        lambda r: (
            f"{int(r['successes'])}/{int(r['attempts'])} = "
            + ci(
                {
                    "p": r["success_share"],
                    "ci_low": r["success_ci_low"],
                    "ci_high": r["success_ci_high"],
                }
            )
        ),
    ),
)


def coups_md(now, before) -> str:
    rows = ["| scenario | measure | before | now |", "|---|---|---|---|"]
    for sc in now["coups"]["scenario"]:
        for label, fn in COUP_ROWS:

            def cell(t, sc=sc, fn=fn):
                g = t["coups"]
                g = g[g["scenario"] == sc] if len(g) else g
                return fn(g.iloc[0]) if len(g) else "-"

            rows.append(f"| {sc} | {label} | " + " | ".join(side(now, before, cell)) + " |")
    return "\n".join(rows)


def largest_move(t: pd.DataFrame) -> str:
    r = t.loc[t["diff"].abs().idxmax()]
    return f"{r['outcome']} {points(r)} (n = {int(r['n'])})"


def points(r) -> str:
    """A difference and its interval in percentage points."""
    return f"{100 * r['diff']:+.0f} [{100 * r['diff_low']:+.0f}, {100 * r['diff_high']:+.0f}]"


def switch_md(now, before) -> str:
    rows = [
        "| scenario | switched off | before: largest move (points [95 % CI]) | before: inert "
        "| now: largest move (points [95 % CI]) | now: inert |",
        "|---|---|---|---|---|---|",
    ]
    t = now["switch_off"]
    if t.empty:
        return "(no switch-off table at this size)"
    for sc in dict.fromkeys(t["scenario"]):
        for off in dict.fromkeys(
            t.loc[(t["scenario"] == sc) & (t["switch_off"] != ALL_ON), "switch_off"]
        ):
            cells = []
            for tab in (before, now):
                g = None if tab is None else tab["switch_off"]
                if g is None or g.empty:
                    cells += ["-", "-"]
                    continue
                g = g[(g["scenario"] == sc) & (g["switch_off"] == off)]
                if g.empty:
                    cells += ["-", "-"]
                    continue
                cells += [largest_move(g), "**inert**" if bool(g["inert"].iloc[0]) else "no"]
            rows.append(f"| {sc} | `{off}` | " + " | ".join(cells) + " |")
    return "\n".join(rows)


COLLAPSE_ROWS = (
    (
        "collapses (substitution / revolt)",
        lambda r: f"{int(r['collapses'])} ({int(r['by_substitution'])} / {int(r['by_revolt'])})",
    ),
    (
        "mean active share after the collapse: median (min - max over runs)",
        lambda r: (
            f"{pct(r['active_mean_after_median'])} "
            f"({pct(r['active_mean_after_min'])} - {pct(r['active_mean_after_max'])})"
        ),
    ),
    (
        "most weeks with over half the population active",
        lambda r: f"{int(r['weeks_over_half_active_max'])}",
    ),
    (
        f"weeks until fewer than {QUIET_SHARE:.0%} are active: median (never by the horizon)",
        lambda r: (
            (
                "-"
                if pd.isna(r["weeks_until_quiet_median"])
                else f"{r['weeks_until_quiet_median']:.0f}"
            )
            + f" ({int(r['never_quiet'])})"
        ),
    ),
    (
        "Moscow-installed loyalists toppled the week they were installed",
        lambda r: f"{int(r['loyalists_fell_same_week'])}/{int(r['loyalists_installed'])}",
    ),
    (
        "collapses absorbed (series `absorbed`)",
        lambda r: (
            f"{int(r['absorbed'])}/{int(r['collapses'])}"
            if bool(r["absorbed_recorded"])
            else "not recorded"
        ),
    ),
)


def collapse_md(now, before) -> str:
    rows = ["| runs | measure | before | now |", "|---|---|---|---|"]
    for src in now["collapse_summary"]["source"]:
        for label, fn in COLLAPSE_ROWS:

            def cell(t, src=src, fn=fn):
                g = t["collapse_summary"]
                g = g[g["source"] == src] if len(g) else g
                if not len(g) or int(g.iloc[0]["collapses"]) == 0:
                    return "no collapse"
                return fn(g.iloc[0])

            rows.append(f"| {src} | {label} | " + " | ".join(side(now, before, cell)) + " |")
    return "\n".join(rows)


def scale_md(t: pd.DataFrame) -> str:
    if t.empty:
        return (
            "(no scale-check runs: `--scale-seeds 0`, `--full` (already at the larger size) "
            "or not stored yet)"
        )
    rows = [
        f"| arm | outcome | {int(t['agents_small'].iloc[0]):,} agents "
        f"| {int(t['agents_large'].iloc[0]):,} agents "
        "| difference [95 % CI] |",
        "|---|---|---|---|---|",
    ]
    for _, r in t.iterrows():
        rows.append(
            f"| {r['arm']} | {r['outcome']} | {pct(r['p_small'])} (n = {int(r['n_small'])}) "
            f"| {pct(r['p_large'])} (n = {int(r['n_large'])}) "
            f"| {points(r)} |"
        )
    return "\n".join(rows)


README = """# Audit of issue 12's first section: the strategic side, in numbers

```bash
{command}
```

Rerun it on any version of the model: the tables of the code it was first run on (main
before issue 12's changes, `before/`, written only with `--as-before`) stay, and every
number below is set beside them. {same_code}

| | model (source hash) | commit | date | agents | seeds (scenarios / switch-off / curves) |
|---|---|---|---|---|---|
{meta_rows}

## Headline

{headline}

**Sizes.** {sweep_runs:,} runs of 104 weeks in {run_wall:.0f} s of sweep wall time ({workers}
workers, this run's sessions{shared}). The default size uses {n:,} citizen agents: SCALE.md
(`results/history/SCALE.md`) shows the protest patterns' means agree from 10,000 agents up
and their seed noise shrinks as 1/sqrt(agents); the outcomes audited here are decided by the
actors (Kremlin, ruler, army and security units: the same at any number of citizens) and by
turnout against a threshold, so a smaller crowd adds seed noise to uprisings and little
else. The scale check at the end measures that directly. `--full` runs {full_n:,} agents,
{full_curve} seeds a curve point and the switch-off table on {full_switch}: about
{full_runs:,} runs, **~{full_minutes:.0f} min on 2 cores at this run's speed**
({cost_note}; on idle cores ~55 min, from 0.65 s per run measured at 10,000 agents: see
`experiments/audit.py`).

{sweep_table}

Every proportion carries a 95 % Wilson interval; every difference a 95 % Newcombe (hybrid
score) interval. Switch-off arms share their seeds with all-on (common random numbers), for
which Newcombe's interval is conservative.

## 1. A forced intervention: response curves

The baseline with Belarus sent into Ukraine at week {forced_week} whatever its ruler wants;
outcomes counted from that week to week 104; one input at a time across the range
`experiments/audit.toml` gives (with its source, or "assumption"), the others at their
defaults. Figure: `curves.png` (dashed: before, when it differs). Full table: `curves.csv`.
At the defaults ({seeds} seeds), every outcome:

{forced_defaults}

{curves}

## 2. Support levels and who chose to go in

Share of weeks 1-104 at each support level (0 none, 1 hosting Russian troops, 2 logistics and
airfields, 3 hardware, 4 joint group / mobilisation, 5 direct intervention), all-on runs, and
who set level 5 the first week Belarus went in (series `decider` where the model records it;
otherwise derived from `support_level`, `in_power` and the substitution's week). Figure:
`levels.png`; tables `levels.csv`, `deciders.csv`.

{levels}

{deciders}

## 3. Coup attempts

All-on runs of each scenario. Moscow's share of the security services at an attempt: from
the rounds (series `coup_round`, `coup_moscow_share`, last round) where the model records
them, otherwise the share the attempt's event reports. Powell & Thyne (2011): ~48 % of coup
attempts 1950-2010 succeeded - a comparison, not a target. Figure `coups.png`; tables
`coups.csv`, `coup_attempts.csv` (one row per attempt, with its backing round by round).

{coups}

## 4. The switch-off table

Each mechanism and extension off alone, {seeds} seeds per arm; *largest move* is the outcome
whose probability moved most, in percentage points from all-on. **Inert**: no outcome moves
by {inert:.0f} points or more and every difference's interval covers 0 - a finding to explain,
not to tune away. Figure `switch_off.png`; every outcome of every arm in `switch_off.csv`.

{switch}

## 5. After a collapse

Runs that lost their ruler (ejection by substitution or revolt): all-on runs of each
scenario and the forced runs. *Active*: citizens protesting, as a share of the population.
One row per collapse in `collapses.csv`.

{collapse}

## Scale check

The same runs at {large_n:,} agents (`--scale-seeds` seeds; the forced runs at the defaults and
rising desperation all-on): each outcome's difference from the audit's size.

{scale}

## How to read it

- A sweep keeps series and each outcome's first week, not the event log; `belarus_audit`
  (the Belarus model with `audit_switch_off`, registered by `experiments/audit.py`) adds to
  each run's summary what the log alone holds: each coup attempt's week and the share the
  attempt's event reports, the week a loyalist fell, and the ejection's cause.
- *Who set level 5*, without a `decider` series: the forced intervention from its week on;
  Lukashenko when he held power the week before and no substitution removed him that week;
  Moscow's loyalist once a substitution (or a Russian intervention after a revolt) installed
  one. Before issue 12 a loyalist sets level = round(demand).
- *Moscow's share at an attempt*, without `coup_round`: the one-shot share the attempt's
  event reports (one round). With it: the share at the attempt's last round, and every
  round's in `coup_attempts.csv`.
- *Inert* is about the outcomes listed (first weeks by the horizon), not about the series a
  mechanism moves on the way: a switch can change the weeks and levels without changing
  whether an outcome happens.
- The sweep folders resume: an interrupted audit continues where it stopped with the same
  command; a folder made by other model code (or another spec) is set aside as
  `<folder>.stale-<hash>`, never mixed. `before/` changes only with `--as-before`.
"""


def headline(t: Mapping[str, pd.DataFrame]) -> list[str]:
    """One line per bullet of issue 12's first section, from one set of tables."""
    out = []
    f = t["forced"].set_index("outcome") if len(t["forced"]) else None
    c = t["curves"]
    if f is not None and len(c):
        at = ", ".join(f"{o.replace('_', ' ')} {pct(f.loc[o, 'p'])}" for o in CURVE_OUTCOMES)
        spans = "; ".join(
            f"{o.replace('_', ' ')} {span(c.loc[c['outcome'] == o, 'p'])}" for o in CURVE_OUTCOMES
        )
        out.append(
            f"1. After a forced intervention, at the defaults: {at}. Over every point of the "
            f"four response curves: {spans}."
        )
    lv = t["levels"]
    if len(lv):
        parts = []
        for sc in ("baseline", "rising_desperation"):
            g = lv[(lv["scenario"] == sc) & (lv["weeks"] == "Lukashenko in power")]
            used = [
                f"{int(r['level'])}: {pct(r['share'])}" for _, r in g.iterrows() if r["share"] > 0
            ]
            parts.append(f"{sc} {', '.join(used) or '-'}")
        d = t["deciders"]
        chose = d[(d["decider"] == "Lukashenko") & (d["scenario"] != "forced")]
        loyal = d[(d["decider"] == "Moscow's loyalist") & (d["scenario"] != "forced")]
        out.append(
            "2. Lukashenko's weeks by support level: " + "; ".join(parts) + ". Runs in which "
            f"he himself first chose level 5: {int(chose['count'].sum())}; in which Moscow's "
            f"loyalist did: {int(loyal['count'].sum())} (all-on runs of "
            f"{', '.join(dict.fromkeys(d.loc[d['scenario'] != 'forced', 'scenario']))})."
        )
    co = t["coups"]
    if len(co):
        parts = []
        for _, r in co.iterrows():
            if not r["attempts"]:
                parts.append(f"{r['scenario']}: no attempt")
                continue
            parts.append(
                f"{r['scenario']}: {int(r['attempts'])} attempts, Moscow's share "
                f"{pct(r['backing_min'])} to {pct(r['backing_max'])} (median "
                f"{pct(r['backing_median'])}, {pct(r['contested_share'])} contested), success "
                f"{int(r['successes'])}/{int(r['attempts'])}"
            )
        out.append("3. Coups: " + "; ".join(parts) + " (Powell & Thyne: ~48 %).")
    sw = t["switch_off"]
    if len(sw):
        parts = []
        for sc, g in sw.groupby("scenario", sort=False):
            inert = list(dict.fromkeys(g.loc[g["inert"].astype(bool), "switch_off"]))
            parts.append(f"{sc}: {', '.join(inert) or 'none'}")
        out.append("4. Inert switches (no outcome moves 5 points): " + "; ".join(parts) + ".")
    cs = t["collapse_summary"]
    if len(cs):
        r = cs[cs["source"] == "all, by revolt"]
        r = r.iloc[0] if len(r) else cs[cs["source"] == "all"].iloc[0]
        if int(r["collapses"]):
            absorbed = (
                f"{int(r['absorbed'])}/{int(r['collapses'])} absorbed"
                if bool(r["absorbed_recorded"])
                else "no absorbing state recorded"
            )
            out.append(
                f"5. Collapses by revolt: {int(r['collapses'])}; afterwards a median "
                f"{pct(r['active_mean_after_median'])} of the population active (up to "
                f"{pct(r['active_mean_after_max'])}), over half active for up to "
                f"{int(r['weeks_over_half_active_max'])} weeks; Moscow-installed loyalists "
                f"toppled the week they were installed: {int(r['loyalists_fell_same_week'])}/"
                f"{int(r['loyalists_installed'])}; {absorbed}."
            )
        else:
            out.append("5. Collapses by revolt: none.")
    return out


def headline_md(now, before, same: bool) -> str:
    """The headline of now, and of before above it when recorded and different code."""
    if same:
        return "**Before = now** (the same code):\n\n" + "\n".join(headline(now))
    text = "**Now:**\n\n" + "\n".join(headline(now))
    if before is not None:
        text = "**Before:**\n\n" + "\n".join(headline(before)) + "\n\n" + text
    return text


def meta_row(label: str, meta: Mapping[str, Any]) -> str:
    s = meta["sizes"]
    return (
        f"| {label} | `{meta['code_hash'][:12]}` | `{(meta.get('git_commit') or '?')[:10]}` "
        f"| {meta['date']} | {s['n_citizens']:,} "
        f"| {s['seeds']} / {s['seeds']} / {s['curve_seeds']} |"
    )


def forced_md(now, before) -> str:
    rows = ["| outcome (week {w} to 104) | before | now |", "|---|---|---|"]
    for o in OUTCOMES:

        def cell(t, o=o):
            g = t["forced"]
            g = g[g["outcome"] == o] if len(g) else g
            return ci(g.iloc[0]) if len(g) else "-"

        rows.append(f"| {o} | " + " | ".join(side(now, before, cell)) + " |")
    return "\n".join(rows)


def readme(args, sizes, full, config, tables, before, meta, walls) -> str:
    """The README: the command first, then each bullet's numbers before and now."""
    now = tables
    b_tables = None if before is None else before[0]
    rows = [meta_row("now", meta)]
    same = ""
    if before is not None:
        rows.insert(0, meta_row("before", before[1]))
        if before[1]["code_hash"] == meta["code_hash"]:
            same = (
                "**Before and now are the same code** (equal source hashes): the two columns "
                "agree by construction and record main's model before issue 12."
            )
        else:
            same = "Before and now are different code: the columns compare the two models."
    else:
        same = "No `before/` tables are recorded yet (run once with `--as-before`)."
    large = walls.get("cost_large")
    if large:
        cost = (
            f"estimated from this run's measured {large:.2f} s per run at "
            f"{full.n_citizens:,} agents"
        )
    else:
        large = 2.0 * walls["cost_small"]
        cost = f"assuming twice this run's {walls['cost_small']:.2f} s per run: not measured"
    full_runs = walls["full_runs"]
    return README.format(
        command=args.command,
        same_code=same,
        meta_rows="\n".join(rows),
        sweep_runs=walls["runs"],
        run_wall=walls["wall"],
        workers=args.workers,
        shared=", on a machine shared with other jobs" if walls["wall"] > 0 else "",
        n=sizes.n_citizens,
        full_n=full.n_citizens,
        full_curve=full.curve_seeds,
        full_switch=" and ".join(full.switch_scenarios),
        full_runs=full_runs,
        full_minutes=full_runs * large / 2 / 60,
        cost_note=cost,
        large_n=sizes.scale_n,
        forced_week=config["forced"]["week"],
        seeds=sizes.seeds,
        forced_defaults=forced_md(now, b_tables).replace("{w}", str(config["forced"]["week"])),
        curves=curves_md(now, b_tables, config),
        levels=levels_md(now, b_tables),
        deciders=deciders_md(now, b_tables),
        coups=coups_md(now, b_tables),
        inert=100 * INERT_POINTS,
        switch=switch_md(now, b_tables),
        collapse=collapse_md(now, b_tables),
        scale=scale_md(now["scale"]),
        sweep_table=walls["sweep_table"],
        headline=headline_md(
            now, b_tables, before is not None and before[1]["code_hash"] == meta["code_hash"]
        ),
    )
