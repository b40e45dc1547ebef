"""The tables of the issue-12 audit (``experiments/audit.py``), from its sweeps' runs and
series: proportions with Wilson intervals, differences with Newcombe's, and the five
readings of issue 12's first section. Pure functions of data frames, so each is tested on
constructed runs; each reads the series issue 12 adds (``decider``, ``coup_round``,
``coup_moscow_share``, ``absorbed``) when they are there and derives what it can otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from calibration import wilson

from abm.belarus.outcomes import OUTCOMES

#: The all-on arm of the switch-off table (``audit_switch_off``'s default).
ALL_ON = "none"
#: The outcomes of the response curves (issue 12's first bullet).
CURVE_OUTCOMES = ("mutiny", "mass_mutiny", "uprising", "ejection")
POWELL_THYNE = 0.48
#: A switch is inert when no outcome moves by this much and every interval covers 0.
INERT_POINTS = 0.05
#: A collapse's crowd "falls" once fewer than this share of the population is active.
QUIET_SHARE = 0.05
#: Coup attempts whose Moscow share lies strictly between these were contested.
CONTESTED = (0.35, 0.65)


# --------------------------------------------------------------------------- statistics
def newcombe(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float, float]:
    """p1 - p2 with Newcombe's hybrid score 95 % interval (method 10, from the two Wilson
    intervals). For paired runs (common random numbers) it is conservative."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1)
    l2, u2 = wilson(k2, n2)
    d = p1 - p2
    return (
        d,
        d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


def proportion(k: int, n: int) -> dict[str, float]:
    lo, hi = wilson(k, n)
    return {
        "count": int(k),
        "n": int(n),
        "p": k / n if n else math.nan,
        "ci_low": lo,
        "ci_high": hi,
    }


def happened(runs: pd.DataFrame, outcome: str, from_week: int = 0) -> pd.Series:
    """Per run: did ``outcome`` happen at or after ``from_week``."""
    w = pd.to_numeric(runs[f"week_{outcome}"], errors="coerce")
    return w.notna() & (w >= from_week)


# ------------------------------------------------------------------------ 1. the curves
def curve_table(runs: pd.DataFrame, var: str, forced_week: int) -> pd.DataFrame:
    """P(each curve outcome from the forced week on) at each value of ``var``."""
    rows = []
    for x, g in runs.groupby(f"param_{var}", sort=True):
        for o in CURVE_OUTCOMES:
            rows.append(
                {"variable": var, "value": float(x), "outcome": o}
                | proportion(int(happened(g, o, forced_week).sum()), len(g))
            )
    return pd.DataFrame(rows)


def forced_table(runs: pd.DataFrame, forced_week: int) -> pd.DataFrame:
    """P(each outcome from the forced week on) at the default inputs."""
    return pd.DataFrame(
        [
            {"outcome": o} | proportion(int(happened(runs, o, forced_week).sum()), len(runs))
            for o in OUTCOMES
        ]
    )


# -------------------------------------------------------------- 2. levels and deciders
def level_shares(series: pd.DataFrame) -> pd.DataFrame:
    """Share of weeks (after week 0) at each support level: all weeks, and the weeks
    Lukashenko ruled (``in_power`` 1)."""
    s = series[series["step"] > 0]
    rows = []
    for who, part in (("all weeks", s), ("Lukashenko in power", s[s["in_power"] == 1])):
        counts = part["support_level"].round().astype(int).value_counts()
        n = len(part)
        rows += [
            {"weeks": who, "level": lv, "share": counts.get(lv, 0) / n if n else math.nan, "n": n}
            for lv in range(6)
        ]
    return pd.DataFrame(rows)


def decider_of(s: pd.DataFrame, summary: Mapping[str, Any], forced_week: int) -> str | None:
    """Who set level 5 the first week Belarus went in; None if it never did.

    Uses the series ``decider`` where the model records it; otherwise derives it: the forced
    intervention from its week on; Lukashenko if he was in power the week before and no
    substitution removed him that week; Moscow's loyalist once a substitution (or a Russian
    intervention after a revolt) installed one; else the transitional regime."""
    s = s.sort_values("step")
    five = s.index[s["support_level"].to_numpy() >= 5]
    five = [i for i in five if int(s.at[i, "step"]) > 0]
    if not five:
        return None
    i = five[0]
    week = int(s.at[i, "step"])
    if "decider" in s.columns and pd.notna(s.at[i, "decider"]):
        return str(s.at[i, "decider"])
    if 0 <= forced_week <= week:
        return "forced"
    before = s[s["step"] == week - 1]
    sub = summary.get("week_substitution")
    sub = None if sub is None or pd.isna(sub) else int(sub)
    if len(before) and int(before["in_power"].iloc[0]) == 1 and sub != week:
        return "Lukashenko"
    rus = summary.get("week_russian_intervention")
    if (sub is not None and sub <= week) or (rus is not None and not pd.isna(rus) and rus <= week):
        return "Moscow's loyalist"
    return "transitional regime"


def decider_table(runs: pd.DataFrame, series: pd.DataFrame, forced_week: int) -> pd.DataFrame:
    """Per decider: runs whose first week at level 5 it chose."""
    counts: dict[str, int] = {}
    for run_id, s in series.groupby("run_id", sort=True):
        who = decider_of(s, runs.loc[run_id], forced_week)
        if who is not None:
            counts[who] = counts.get(who, 0) + 1
    n = len(runs)
    rows = [{"decider": k} | proportion(v, n) for k, v in sorted(counts.items())]
    rows.append({"decider": "never at level 5"} | proportion(n - sum(counts.values()), n))
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------ 3. coups
def coup_attempts(runs: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """One row per attempt: run, week, rounds and Moscow's share at its last round.

    Where the model records the rounds (series ``coup_round``, ``coup_moscow_share``) an
    attempt is a run of consecutive weeks with coup_round > 0 and its share is read there;
    otherwise the attempt weeks and backing come from the event log (``coup_attempts``)."""
    rows = []
    by_round = "coup_round" in series.columns and "coup_moscow_share" in series.columns
    for run_id, r in runs.iterrows():
        if by_round:
            s = series[series["run_id"] == run_id].sort_values("step")
            if "absorbed" in s.columns:  # frozen weeks repeat the last round: not attempts
                gone = np.flatnonzero(s["absorbed"].to_numpy() > 0)
                if gone.size:
                    s = s.iloc[: gone[0] + 1]
            rnd = s["coup_round"].to_numpy()
            share = s["coup_moscow_share"].to_numpy(float)
            starts = np.flatnonzero((rnd == 1) | ((rnd > 0) & (np.r_[0, rnd[:-1]] == 0)))
            for a in starts:
                b = a
                while b + 1 < len(rnd) and rnd[b + 1] > rnd[b]:
                    b += 1
                rows.append(
                    {
                        "run_id": run_id,
                        "week": int(s["step"].iloc[a]),
                        "rounds": int(b - a + 1),
                        "backing": float(share[b]),
                        "backing_by_round": ";".join(f"{x:.3g}" for x in share[a : b + 1]),
                    }
                )
            continue
        for item in filter(None, str(r.get("coup_attempts") or "").split(";")):
            week, _, backing = item.partition(":")
            rows.append(
                {
                    "run_id": run_id,
                    "week": int(week),
                    "rounds": 1,
                    "backing": float(backing) if backing else math.nan,
                    "backing_by_round": backing,
                }
            )
    return pd.DataFrame(rows, columns=["run_id", "week", "rounds", "backing", "backing_by_round"])


def coup_summary(scenario: str, runs: pd.DataFrame, attempts: pd.DataFrame) -> dict[str, Any]:
    """Attempts per run, the backing's spread and the success share beside Powell & Thyne."""
    n_att = len(attempts)
    wins = int(happened(runs, "substitution").sum())
    b = attempts["backing"].dropna()
    q = b.quantile([0.0, 0.25, 0.5, 0.75, 1.0]) if len(b) else pd.Series([math.nan] * 5)
    succ = proportion(wins, n_att) if n_att else proportion(0, 0)
    return {
        "scenario": scenario,
        "runs": len(runs),
        "runs_with_attempt": int((runs["substitution_attempts"] > 0).sum()),
        "attempts": n_att,
        "attempts_per_run": n_att / len(runs) if len(runs) else math.nan,
        "backing_min": q.iloc[0],
        "backing_q25": q.iloc[1],
        "backing_median": q.iloc[2],
        "backing_q75": q.iloc[3],
        "backing_max": q.iloc[4],
        "contested_share": float(((b > CONTESTED[0]) & (b < CONTESTED[1])).mean())
        if len(b)
        else math.nan,
        "mean_rounds": float(attempts["rounds"].mean()) if n_att else math.nan,
        "successes": wins,
        "success_share": succ["p"],
        "success_ci_low": succ["ci_low"],
        "success_ci_high": succ["ci_high"],
        "powell_thyne": POWELL_THYNE,
    }


# ------------------------------------------------------------------- 4. switch-off table
def switch_table(runs: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """Per switch and outcome: P with its interval, the difference from all-on with its
    Newcombe interval, and whether the switch is inert (every outcome within 5 points with
    an interval covering 0)."""
    col = "param_audit_switch_off"
    base = runs[runs[col] == ALL_ON]
    rows = []
    for off, g in runs.groupby(col, sort=False):
        for o in OUTCOMES:
            k, k0 = int(happened(g, o).sum()), int(happened(base, o).sum())
            d, lo, hi = newcombe(k, len(g), k0, len(base))
            rows.append(
                {"scenario": scenario, "switch_off": off, "outcome": o}
                | proportion(k, len(g))
                | {"p_all_on": k0 / len(base), "diff": d, "diff_low": lo, "diff_high": hi}
            )
    t = pd.DataFrame(rows)
    quiet = (t["diff"].abs() < INERT_POINTS) & (t["diff_low"] <= 0) & (t["diff_high"] >= 0)
    t["inert"] = quiet.groupby(t["switch_off"]).transform("all") & (t["switch_off"] != ALL_ON)
    return t


# ---------------------------------------------------------------------- 5. after collapse
COLLAPSE_COLUMNS = (
    "source",
    "run_id",
    "week",
    "cause",
    "weeks_after",
    "active_at_collapse",
    "active_mean_after",
    "active_max_after",
    "weeks_over_half_active",
    "weeks_until_quiet",
    "loyalist_installed",
    "loyalist_fell_same_week",
    "absorbed",
)


def collapse_table(runs: pd.DataFrame, series: pd.DataFrame, source: str) -> pd.DataFrame:
    """One row per run that lost its ruler: how many stay active afterwards and for how
    long, whether a Moscow-installed loyalist fell the week he was installed, and whether
    the model absorbed the collapse (series ``absorbed``, where it exists)."""
    rows = []
    for run_id, r in runs.iterrows():
        week = r.get("week_ejection")
        if week is None or pd.isna(week):
            continue
        week = int(week)
        s = series[series["run_id"] == run_id].sort_values("step")
        after = s[s["step"] > week]
        active = after["active_share"].to_numpy(float)
        below = np.flatnonzero(active < QUIET_SHARE)
        sub, rus = r.get("week_substitution"), r.get("week_russian_intervention")
        installed = None
        if sub is not None and not pd.isna(sub):
            installed = int(sub)
        elif rus is not None and not pd.isna(rus) and int(rus) >= week:
            installed = int(rus)
        fell = r.get("week_loyalist_ejection")
        fell = None if fell is None or pd.isna(fell) else int(fell)
        absorbed = math.nan
        if "absorbed" in s.columns:
            absorbed = float(s.loc[s["step"] >= week, "absorbed"].max())
        rows.append(
            {
                "source": source,
                "run_id": run_id,
                "week": week,
                "cause": r.get("ejection_cause") or "",
                "weeks_after": len(active),
                "active_at_collapse": float(s.loc[s["step"] == week, "active_share"].iloc[0]),
                "active_mean_after": float(active.mean()) if len(active) else math.nan,
                "active_max_after": float(active.max()) if len(active) else math.nan,
                "weeks_over_half_active": int((active > 0.5).sum()),
                "weeks_until_quiet": int(below[0] + 1) if len(below) else math.nan,
                "loyalist_installed": installed,
                "loyalist_fell_same_week": bool(installed is not None and fell == installed),
                "absorbed": absorbed,
            }
        )
    return pd.DataFrame(rows, columns=COLLAPSE_COLUMNS)


def collapse_summary(c: pd.DataFrame) -> dict[str, Any]:
    if c.empty:
        return {"collapses": 0}
    loyal = c[c["loyalist_installed"].notna()]
    quiet = c["weeks_until_quiet"]
    return {
        "collapses": len(c),
        "by_substitution": int((c["cause"] == "substitution").sum()),
        "by_revolt": int((c["cause"] == "revolt").sum()),
        "active_mean_after_median": float(c["active_mean_after"].median()),
        "active_mean_after_min": float(c["active_mean_after"].min()),
        "active_mean_after_max": float(c["active_mean_after"].max()),
        "weeks_over_half_active_max": int(c["weeks_over_half_active"].max()),
        "never_quiet": int(quiet.isna().sum()),
        "weeks_until_quiet_median": float(quiet.median()) if quiet.notna().any() else math.nan,
        "loyalists_installed": len(loyal),
        "loyalists_fell_same_week": int(loyal["loyalist_fell_same_week"].sum()),
        "absorbed_recorded": bool(c["absorbed"].notna().any()),
        "absorbed": int((c["absorbed"] == 1).sum()),
    }


# ------------------------------------------------------------------------ scale check
def scale_table(
    pairs: Mapping[str, tuple[pd.DataFrame, pd.DataFrame, int]], agents: tuple[int, int]
) -> pd.DataFrame:
    """Each outcome at the audit's size beside the same runs' definition at ``scale_n``
    agents: the difference with its interval (is the reduced size telling the same story?)."""
    rows = []
    for name, (small, large, from_week) in pairs.items():
        for o in OUTCOMES:
            k1, k2 = (
                int(happened(small, o, from_week).sum()),
                int(happened(large, o, from_week).sum()),
            )
            d, lo, hi = newcombe(k2, len(large), k1, len(small))
            rows.append(
                {
                    "arm": name,
                    "outcome": o,
                    "p_small": k1 / len(small),
                    "n_small": len(small),
                    "p_large": k2 / len(large),
                    "n_large": len(large),
                    "diff": d,
                    "diff_low": lo,
                    "diff_high": hi,
                    "agents_small": agents[0],
                    "agents_large": agents[1],
                }
            )
    return pd.DataFrame(rows)
