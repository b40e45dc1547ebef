"""The strategic audit of issue 12 (item 6): the numbers behind each defect of its first
section, rerunnable on any version of the model. Writes ``results/audit/``.

1. **Response curves** after a forced intervention (the baseline, Belarus sent into Ukraine
   at week ``[forced].week`` of ``experiments/audit.toml``): P(mutiny), P(mass mutiny),
   P(uprising), P(ejection) from that week to the horizon, over Ukrainian strength,
   expedition size, initial morale and army loyalty, one at a time across the range the
   data file sources (or calls an assumption), the others at their defaults.
2. **Support levels and deciders**: the share of weeks at each support level 0..5 on the
   named scenarios, and who set level 5 when Belarus went in (Lukashenko, Moscow's loyalist,
   or the forced intervention).
3. **Coup attempts**: attempts per run, Moscow's share of the security services at each
   attempt (and over its rounds where the model records them), and the success share beside
   Powell & Thyne's (2011) ~48 %.
4. **The switch-off table**: each mechanism (``mech_*``) and citizen extension (``ext_*``)
   off alone, the same seeds as all-on (common random numbers), P(each outcome) and the
   difference from all-on with 95 % intervals; a switch is *inert* when no outcome moves by
   5 points or more and every difference's interval covers 0.
5. **After a collapse** (ejection, by substitution or revolt): the active share in the weeks
   after, the weeks until it falls, whether a Moscow-installed loyalist falls the same week,
   and whether the run's politics are absorbed (series ``absorbed``, where it exists).

Every part is a sweep (``abm.sweep``) into ``--work`` (default ``out/audit``): parallel over
``--workers``, resumable, deterministic by seed; a folder made by other code is set aside.
The sweeps run the model ``belarus_audit``, registered here: the Belarus model with one
extra parameter (``audit_switch_off``, the switch to turn off) whose summary also keeps
what the sweep store has no room for - each coup attempt's week and backing, and the week
a loyalist fell - read from the run's event log.

``results/audit/before/`` holds the tables of the code the audit was first run on (main
before issue 12's changes); it is written only with ``--as-before``. Every run writes the
current tables, figures and a README setting each number beside its "before" value.

    .venv/bin/python experiments/audit.py --as-before    # record "before" (main's code)
    .venv/bin/python experiments/audit.py                # ~15 min on 2 idle cores
    .venv/bin/python experiments/audit.py --full         # 10,000 agents; see the README
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import re
import sys
import time
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "experiments"))

from calibration import wilson  # noqa: E402  (experiments import each other)

from abm import catalog  # noqa: E402
from abm.belarus.mechanisms.switches import EXTENSIONS, MECHANISMS  # noqa: E402
from abm.belarus.outcomes import OUTCOMES  # noqa: E402
from abm.errors import ParameterError  # noqa: E402
from abm.params import Param, ParamSet  # noqa: E402

MODEL = "belarus_audit"
CONFIG = ROOT / "experiments" / "audit.toml"
#: Every switch the table turns off, one at a time; "none" is all-on.
SWITCHES = (*MECHANISMS, *EXTENSIONS)
ALL_ON = "none"
#: The outcomes of the response curves (issue 12's first bullet).
CURVE_OUTCOMES = ("mutiny", "mass_mutiny", "uprising", "ejection")
#: The scenarios of bullets 2, 3 and 5 (deep penetration: coups under Moscow's deepest reach).
SCENARIOS = ("baseline", "rising_desperation", "deep_penetration")
POWELL_THYNE = 0.48
INERT_POINTS = 0.05
#: Series every part reads, and the ones it uses when the model has them (after issue 12).
KEEP = ("support_level", "in_power", "active_share", "turnout", "mutinied_share")
OPTIONAL = ("decider", "coup_round", "coup_moscow_share", "absorbed")
#: A collapse's crowd "falls" once fewer than this share of the population is active.
QUIET_SHARE = 0.05
BACKING_TEXT = re.compile(r"(\d+(?:\.\d+)?)% of security capacity backs it")


# ----------------------------------------------------------------------- the audited model
def audit_params() -> ParamSet:
    """The Belarus parameters plus ``audit_switch_off`` (a switch's name, or none)."""
    from abm.belarus.params import BELARUS_PARAMS

    switch = Param(
        "audit_switch_off",
        ALL_ON,
        "choice",
        "the one mechanism or extension switched off in this run (the audit's switch-off table)",
        choices=(ALL_ON, *SWITCHES),
    )
    return ParamSet([*BELARUS_PARAMS, switch])


AUDIT_PARAMS = audit_params()


def run_audited(setup, seed: int):
    """The Belarus run with one switch off, its summary extended from the event log:
    ``coup_attempts`` ("week:backing" per attempt, ';'-joined; backing as a share, empty
    when the event text gives none), ``week_loyalist_ejection`` (first, None if never) and
    ``ejection_cause`` (substitution, revolt or empty)."""
    from abm.belarus.params import BELARUS_PARAMS
    from abm.belarus.runner import run
    from abm.contract import RunSetup

    values = dict(setup.params)
    off = values.pop("audit_switch_off")
    if off != ALL_ON:
        values[off] = False
    result = run(
        RunSetup("belarus", setup.scenario, BELARUS_PARAMS.resolve(values), setup.steps), seed
    )
    result.summary.update(event_summary(result.events))
    result.summary["audit_switch_off"] = off
    return result


def event_summary(events) -> dict[str, Any]:
    """What the audit needs from a run's event log (the sweep store keeps no events)."""
    attempts, loyalist, cause = [], None, ""
    for week, name, text in events:
        if name == "substitution_attempt":
            m = BACKING_TEXT.search(text)
            attempts.append(f"{week}:{float(m.group(1)) / 100:.4g}" if m else f"{week}:")
        elif name == "loyalist_ejection" and loyalist is None:
            loyalist = int(week)
        elif name == "ejection" and not cause:
            cause = "substitution" if "substitution" in text else "revolt"
    return {
        "coup_attempts": ";".join(attempts),
        "week_loyalist_ejection": loyalist,
        "ejection_cause": cause,
    }


def register() -> None:
    """Catalogue ``belarus_audit`` (idempotent: workers import this module again)."""
    if MODEL in catalog.names():
        return
    base = catalog.get("belarus")
    catalog.register(
        dataclasses.replace(
            base,
            name=MODEL,
            title="Belarus, audited (one switch off; event-log extras in the summary)",
            params_ref=AUDIT_PARAMS,
            run_ref=run_audited,
            dashboard_ref=None,
        )
    )


register()


# ------------------------------------------------------------------------------- sizes
@dataclasses.dataclass(frozen=True)
class Sizes:
    """How big the audit is. ``switch_scenarios`` get the full switch-off table; the other
    scenarios only their all-on runs (for levels, coups and collapses)."""

    n_citizens: int = 2_000
    seeds: int = 200
    curve_seeds: int = 40
    points: int | None = None  # None: each variable's own count in audit.toml
    switch_scenarios: tuple[str, ...] = ("rising_desperation",)
    scale_n: int = 10_000
    scale_seeds: int = 40
    steps: int | None = None  # None: each scenario's horizon


DEFAULT = Sizes()
FULL = Sizes(
    n_citizens=10_000,
    curve_seeds=100,
    switch_scenarios=("rising_desperation", "baseline"),
    scale_seeds=0,
)


def read_config(path: Path = CONFIG) -> dict[str, Any]:
    """audit.toml, checked: every curve variable a Belarus parameter, its range inside the
    parameter's own, a basis of source or assumption and a source text."""
    data = tomllib.loads(Path(path).read_text())
    forced = data.get("forced", {})
    if not isinstance(forced.get("week"), int) or forced["week"] < 0:
        raise ParameterError("forced.week", forced.get("week"), "an integer week >= 0")
    for name, c in data.get("curves", {}).items():
        if name not in AUDIT_PARAMS:
            raise ParameterError(f"curves.{name}", name, "a Belarus parameter")
        p = AUDIT_PARAMS[name]
        for key in ("low", "high"):
            p.coerce(c[key])
        if not c["low"] < c["high"]:
            raise ParameterError(f"curves.{name}.high", c["high"], f"above low ({c['low']})")
        if c.get("basis") not in ("source", "assumption") or not c.get("source"):
            raise ParameterError(
                f"curves.{name}.basis", c.get("basis"), "source or assumption, with a source text"
            )
        if c.get("scale", "linear") not in ("linear", "log"):
            raise ParameterError(f"curves.{name}.scale", c.get("scale"), "linear or log")
    return data


def curve_values(c: Mapping[str, Any], points: int | None = None) -> list[float]:
    """The points of one curve, evenly spaced in the value or its log."""
    n = int(points or c["points"])
    if c.get("scale", "linear") == "log":
        xs = np.geomspace(c["low"], c["high"], n)
    else:
        xs = np.linspace(c["low"], c["high"], n)
    return [float(f"{x:.6g}") for x in xs]


def specs(sizes: Sizes, config: Mapping[str, Any]) -> dict[str, Any]:
    """Every sweep of the audit, by folder name (validated before any run)."""
    from abm.belarus.model import SERIES
    from abm.sweep import SweepSpec

    keep = [*KEEP, *(s for s in OPTIONAL if s in SERIES)]
    forced = config["forced"]

    def spec(name, scenario, replicates, vary, fixed=None, n=sizes.n_citizens, seed=12):
        return SweepSpec.from_dict(
            {
                "name": f"audit_{name}",
                "description": f"issue 12 audit: {name}",
                "model": MODEL,
                "imports": ["audit"],
                "scenario": scenario,
                "steps": sizes.steps,
                "replicates": replicates,
                "seed": seed,
                "common_random_numbers": True,
                "keep_series": keep,
                "fixed": {"n_citizens": n, **(fixed or {})},
                "vary": vary,
            }
        )

    # In the order they run: the curves first (issue 12's first defect), the switch-off
    # table last (the most runs), so a stopped audit has its headline.
    out = {}
    at = {"forced_intervention_week": forced["week"]}
    out["forced"] = spec("forced", forced["scenario"], sizes.seeds, {}, at)
    for var, c in config["curves"].items():
        values = curve_values(c, sizes.points)
        out[f"curve_{var}"] = spec(
            f"curve_{var}", forced["scenario"], sizes.curve_seeds, {var: {"values": values}}, at
        )
    for sc in sorted(SCENARIOS, key=lambda sc: sc in sizes.switch_scenarios):
        switches = [ALL_ON, *SWITCHES] if sc in sizes.switch_scenarios else [ALL_ON]
        out[f"scenario_{sc}"] = spec(
            f"scenario_{sc}", sc, sizes.seeds, {"audit_switch_off": {"values": switches}}
        )
    if sizes.scale_seeds and sizes.scale_n != sizes.n_citizens:
        out["scale_forced"] = spec(
            "scale_forced", forced["scenario"], sizes.scale_seeds, {}, at, sizes.scale_n
        )
        out["scale_rising_desperation"] = spec(
            "scale_rising_desperation",
            "rising_desperation",
            sizes.scale_seeds,
            {},
            None,
            sizes.scale_n,
        )
    return out


def model_hash() -> str:
    """SHA-256 of what a run's result depends on: the model's source (every file under
    src/abm) and this script's run function. Not the git commit: committing results or
    editing the report must not throw away a finished sweep."""
    import hashlib
    import inspect

    h = hashlib.sha256()
    src = ROOT / "src" / "abm"
    for path in sorted(src.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".toml", ".csv", ".json"):
            h.update(str(path.relative_to(src)).encode())
            h.update(path.read_bytes())
    for fn in (audit_params, run_audited, event_summary):
        h.update(inspect.getsource(fn).encode())
    return h.hexdigest()


def audit_sweep(spec, folder: Path, workers: int):
    """Run or resume ``spec`` into ``folder``. A folder made by another model source or
    another spec is set aside first (renamed ``<folder>.stale-<hash>``; nothing is
    deleted), so the results always come from the code running now."""
    from abm.sweep import run_sweep

    stamp = {"model_sha256": model_hash(), "spec": spec.to_dict()}
    stamp = json.loads(json.dumps(stamp, default=str))
    path = folder.with_name(f"{folder.name}.audit.json")  # beside it: the store owns folder
    if folder.exists():
        old = json.loads(path.read_text()) if path.is_file() else None
        if old != stamp:
            tag = (old or {}).get("model_sha256", "unstamped")[:10]
            aside = folder.with_name(f"{folder.name}.stale-{tag}")
            n = 1
            while aside.exists():
                n += 1
                aside = folder.with_name(f"{folder.name}.stale-{tag}-{n}")
            folder.rename(aside)
            print(f"{folder} was made by other code or another spec: set aside as {aside}")
    folder.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stamp, indent=1) + "\n")
    return run_sweep(spec, folder, workers=workers, allow_code_change=True)


def read_sweep(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A sweep's runs (indexed by run_id) and its series."""
    from abm.sweep.read import SweepFolder

    sf = SweepFolder(folder)
    return sf.table("runs").set_index("run_id"), sf.table("series")


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
        "contested_share": float(((b > 0.35) & (b < 0.65)).mean()) if len(b) else math.nan,
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
def scale_table(pairs: Mapping[str, tuple[pd.DataFrame, pd.DataFrame, int]], sizes: Sizes):
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
                    "agents_small": sizes.n_citizens,
                    "agents_large": sizes.scale_n,
                }
            )
    return pd.DataFrame(rows)


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
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 3.4), sharey=True)
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
            ax.set_xscale("log")
        ax.set_xlabel(f"{c['label']} ({c['unit']})", fontsize=8)
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
    np.atleast_1d(axes)[-1].legend(loc="lower right", fontsize=6)
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
    ax.legend(fontsize=7)
    return save(fig, str(stem))


# ----------------------------------------------------------------------- the analysis
#: The tables every run writes (and ``--as-before`` copies to before/).
TABLES = (
    "forced",
    "curves",
    "levels",
    "deciders",
    "coups",
    "coup_attempts",
    "switch_off",
    "collapses",
    "collapse_summary",
    "scale",
)


def analyse(work: Path, sweeps: Mapping[str, Any], sizes: Sizes, config) -> dict[str, pd.DataFrame]:
    """Every table of the audit from the sweep folders."""
    forced_week = int(config["forced"]["week"])
    data = {name: read_sweep(work / name) for name in sweeps}
    levels, deciders, coups, attempts, switch, collapses = [], [], [], {}, [], []
    for sc in SCENARIOS:
        runs, series = data[f"scenario_{sc}"]
        on = runs[runs["param_audit_switch_off"] == ALL_ON]
        s_on = series[series["run_id"].isin(on.index)]
        levels.append(level_shares(s_on).assign(scenario=sc))
        deciders.append(decider_table(on, s_on, -1).assign(scenario=sc))
        attempts[sc] = coup_attempts(on, s_on).assign(scenario=sc)
        coups.append(coup_summary(sc, on, attempts[sc]))
        if sc in sizes.switch_scenarios:
            switch.append(switch_table(runs, sc))
        collapses.append(collapse_table(on, s_on, sc))
    f_runs, f_series = data["forced"]
    deciders.append(decider_table(f_runs, f_series, forced_week).assign(scenario="forced"))
    levels.append(level_shares(f_series).assign(scenario="forced"))
    collapses.append(collapse_table(f_runs, f_series, "forced"))
    curves = pd.concat(
        [curve_table(data[f"curve_{v}"][0], v, forced_week) for v in config["curves"]],
        ignore_index=True,
    )
    coll = pd.concat(collapses, ignore_index=True)
    by_source = [{"source": s} | collapse_summary(g) for s, g in coll.groupby("source", sort=False)]
    by_source.append({"source": "all"} | collapse_summary(coll))
    pairs = {}
    if "scale_forced" in data:
        pairs["forced"] = (f_runs, data["scale_forced"][0], forced_week)
        rd = data["scenario_rising_desperation"][0]
        pairs["rising_desperation"] = (
            rd[rd["param_audit_switch_off"] == ALL_ON],
            data["scale_rising_desperation"][0],
            0,
        )
    return {
        "forced": forced_table(f_runs, forced_week),
        "curves": curves,
        "levels": pd.concat(levels, ignore_index=True),
        "deciders": pd.concat(deciders, ignore_index=True),
        "coups": pd.DataFrame(coups),
        "coup_attempts": pd.concat(attempts.values(), ignore_index=True),
        "switch_off": pd.concat(switch, ignore_index=True) if switch else pd.DataFrame(),
        "collapses": coll,
        "collapse_summary": pd.DataFrame(by_source),
        "scale": scale_table(pairs, sizes) if pairs else pd.DataFrame(),
    }


def write_tables(tables: Mapping[str, pd.DataFrame], folder: Path, meta: Mapping[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        tables[name].to_csv(folder / f"{name}.csv", index=False)
    (folder / "meta.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")


def read_tables(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any]] | None:
    """A folder's tables and meta (None when it holds none)."""
    if not (folder / "meta.json").is_file():
        return None
    out = {}
    for name in TABLES:
        path = folder / f"{name}.csv"
        try:
            out[name] = pd.read_csv(path)
        except (FileNotFoundError, pd.errors.EmptyDataError):
            out[name] = pd.DataFrame()
    return out, json.loads((folder / "meta.json").read_text())


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
    return f"{r['outcome']} {points(r)}"


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
            f"{pct(r['active_mean_after_median'])} ({pct(r['active_mean_after_min'])} - {pct(r['active_mean_after_max'])})"
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
        return "(not run at this size: the audit already runs at the larger size)"
    rows = [
        f"| arm | outcome | {int(t['agents_small'].iloc[0]):,} agents | {int(t['agents_large'].iloc[0]):,} agents "
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

**Sizes.** {sweep_runs:,} runs of 104 weeks in {run_wall:.0f} s of sweep wall time ({workers}
workers, this run's sessions{shared}). The default size uses {n:,} citizen agents: SCALE.md
(`results/history/SCALE.md`) shows the protest patterns' means agree from 10,000 agents up
and their seed noise shrinks as 1/sqrt(agents); the outcomes audited here are decided by the
actors (Kremlin, ruler, army and security units: the same at any number of citizens) and by
turnout against a threshold, so a smaller crowd adds seed noise to uprisings and little
else. The scale check at the end measures that directly. `--full` runs {full_n:,} agents,
{full_curve} seeds a curve point and the switch-off table on {full_switch}: about
{full_runs:,} runs, **~{full_minutes:.0f} min on 2 idle cores** (estimated from this run's
measured {cost_large:.2f} s per run at {large_n:,} agents).

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
"""


def meta_row(label: str, meta: Mapping[str, Any]) -> str:
    s = meta["sizes"]
    return (
        f"| {label} | `{meta['code_hash'][:12]}` | `{(meta.get('git_commit') or '?')[:10]}` "
        f"| {meta['date']} | {s['n_citizens']:,} | {s['seeds']} / {s['seeds']} / {s['curve_seeds']} |"
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


def readme(args, sizes, config, tables, before, meta, walls) -> str:
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
    large = walls.get("cost_large") or walls["cost_small"] * 2.0
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
        full_n=FULL.n_citizens,
        full_curve=FULL.curve_seeds,
        full_switch=" and ".join(FULL.switch_scenarios),
        full_runs=full_runs,
        full_minutes=full_runs * large / 2 / 60,
        cost_large=large,
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
    )


def full_runs() -> int:
    """Runs of a ``--full`` audit (for its wall-time estimate)."""
    config = read_config()
    n = len(SCENARIOS) * FULL.seeds + len(FULL.switch_scenarios) * len(SWITCHES) * FULL.seeds
    n += FULL.seeds + sum(int(c["points"]) for c in config["curves"].values()) * FULL.curve_seeds
    return n


def cost_per_run(work: Path, names) -> float | None:
    """Mean measured seconds of model work per run over the sweeps ``names``."""
    times = []
    for name in names:
        if (work / name).is_dir():
            runs, _ = read_sweep(work / name)
            times += list(runs["elapsed_s"])
    return float(np.mean(times)) if times else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--full", action="store_true", help="10,000 agents, the table on 2 scenarios")
    ap.add_argument("--as-before", action="store_true", help="also write the tables to before/")
    ap.add_argument("--n-citizens", type=int, default=None, help="agents (default 2,000)")
    ap.add_argument("--seeds", type=int, default=None, help="seeds per scenario / switch arm (200)")
    ap.add_argument("--curve-seeds", type=int, default=None, help="seeds per curve point (40)")
    ap.add_argument("--points", type=int, default=None, help="points per curve (audit.toml's)")
    ap.add_argument("--scale-seeds", type=int, default=None, help="scale-check seeds (40; 0: none)")
    ap.add_argument("--steps", type=int, default=None, help="weeks (default: the scenarios' 104)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--no-run", action="store_true", help="analyse the runs stored so far; run nothing"
    )
    ap.add_argument("--config", default=str(CONFIG), help="the curves' ranges (audit.toml)")
    ap.add_argument("--work", default=None, help="sweep folders (default out/audit)")
    ap.add_argument("--out", default=None, help="results folder (default results/audit)")
    argv = sys.argv[1:] if argv is None else list(argv)
    args = ap.parse_args(argv)
    args.command = ".venv/bin/python experiments/audit.py" + (" " + " ".join(argv) if argv else "")

    from history import session_walls

    base = FULL if args.full else DEFAULT
    given = {
        "n_citizens": args.n_citizens,
        "seeds": args.seeds,
        "curve_seeds": args.curve_seeds,
        "points": args.points,
        "scale_seeds": args.scale_seeds,
        "steps": args.steps,
    }
    sizes = dataclasses.replace(base, **{k: v for k, v in given.items() if v is not None})
    config = read_config(Path(args.config))
    sweeps = specs(sizes, config)  # every sweep validated before any run
    root = Path(os.path.relpath(ROOT))
    work = Path(args.work) if args.work else root / "out" / ("audit_full" if args.full else "audit")
    out = Path(args.out) if args.out else root / "results" / "audit"
    t0 = time.perf_counter()
    for name, spec in sweeps.items():
        if args.no_run:
            break
        print(f"== {name}: {spec.replicates} seeds a point", flush=True)
        done = audit_sweep(spec, work / name, args.workers)
        if done.signal:  # stopped: what is stored stays, a rerun resumes
            print(f"stopped by {done.signal}; rerun the same command to resume")
            return 130
    tables = analyse(work, sweeps, sizes, config)
    from abm.sweep.version import git_commit

    meta = {
        "code_hash": model_hash(),
        "git_commit": git_commit()["commit"],
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "command": args.command,
        "sizes": dataclasses.asdict(sizes),
    }
    write_tables(tables, out, meta)
    if args.as_before:
        write_tables(tables, out / "before", meta)
    before = read_tables(out / "before")
    b_curves = None
    if before is not None and before[1]["code_hash"] != meta["code_hash"]:
        b_curves = before[0]["curves"]
    curves_figure(tables["curves"], b_curves, config, out / "curves")
    levels_figure(tables["levels"], out / "levels")
    coups_figure(
        {sc: g for sc, g in tables["coup_attempts"].groupby("scenario", sort=False)}, out / "coups"
    )
    if not tables["switch_off"].empty:
        switch_figure(tables["switch_off"], out / "switch_off")
    small = cost_per_run(work, [n for n in sweeps if not n.startswith("scale_")])
    large = cost_per_run(work, [n for n in sweeps if n.startswith("scale_")])
    stored = []
    for name, spec in sweeps.items():
        runs = read_sweep(work / name)[0]
        planned = spec.replicates * max(1, len(build_points(spec)))
        mean = runs["elapsed_s"].mean() if len(runs) else math.nan
        stored.append(f"| `{name}` | {len(runs):,} / {planned:,} | {mean:.2f} |")
    sweep_table = "\n".join(
        ["| sweep (in `" + str(work) + "`) | runs stored / planned | s per run |", "|---|---|---|"]
        + stored
    )
    walls = {
        "sweep_table": sweep_table,
        "runs": sum(s.replicates * max(1, len(build_points(s))) for s in sweeps.values()),
        "wall": sum(session_walls(work / n) for n in sweeps),
        "cost_small": small or 0.0,
        "cost_large": large if sizes.n_citizens != FULL.n_citizens else small,
        "full_runs": full_runs(),
    }
    (out / "README.md").write_text(readme(args, sizes, config, tables, before, meta, walls))
    print(f"done in {time.perf_counter() - t0:.0f} s; results in {out}")
    return 0


def build_points(spec) -> list:
    from abm.sweep.design import build_design

    return build_design(spec).points


if __name__ == "__main__":
    sys.exit(main())
