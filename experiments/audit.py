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
    .venv/bin/python experiments/audit.py --full         # 10,000 agents, ~1 h
    .venv/bin/python experiments/audit.py --no-run       # tables from what is stored

Sizes: a run of 104 weeks took 0.31 s at 2,000 agents and 0.65 s at 10,000 on a lightly
loaded core (most of it the actors' week, not the crowd), so the default's ~5,100 runs
(the switch-off table's 3,200 the bulk) take ~14 min on 2 idle cores plus worker start-up;
``--full`` (10,000 agents, 100 seeds a curve point, the table on two scenarios: 10,000
runs) ~55 min. The README records what the run actually took.
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

# (experiments import each other; the workers import this module by name)
from audit_report import coups_figure, curves_figure, levels_figure, readme, switch_figure  # noqa: E402
from audit_tables import (  # noqa: E402
    ALL_ON,
    collapse_summary,
    collapse_table,
    coup_attempts,
    coup_summary,
    curve_table,
    decider_table,
    forced_table,
    level_shares,
    scale_table,
    switch_table,
)

from abm import catalog  # noqa: E402
from abm.belarus.mechanisms.switches import EXTENSIONS, MECHANISMS  # noqa: E402
from abm.errors import ParameterError  # noqa: E402
from abm.params import Param, ParamSet  # noqa: E402

MODEL = "belarus_audit"
CONFIG = ROOT / "experiments" / "audit.toml"
#: Every switch the table turns off, one at a time; "none" is all-on.
SWITCHES = (*MECHANISMS, *EXTENSIONS)
#: The scenarios of bullets 2, 3 and 5 (deep penetration: coups under Moscow's deepest reach).
SCENARIOS = ("baseline", "rising_desperation", "deep_penetration")
#: Series every part reads, and the ones it uses when the model has them (after issue 12).
KEEP = ("support_level", "in_power", "active_share", "turnout", "mutinied_share")
OPTIONAL = ("decider", "coup_round", "coup_moscow_share", "absorbed")
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
    return run_sweep(spec, folder, workers=workers, allow_code_change=True, retry_failed=True)


def read_sweep(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A sweep's runs (indexed by run_id) and its series."""
    from abm.sweep.read import SweepFolder

    sf = SweepFolder(folder)
    runs = sf.table("runs")
    if runs.empty:  # started, nothing stored yet
        return pd.DataFrame(index=pd.Index([], name="run_id")), pd.DataFrame()
    return runs.set_index("run_id"), sf.table("series")


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
    data = {name: read_sweep(work / name) for name in sweeps if (work / name).is_dir()}
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
    for cause in ("revolt", "substitution"):  # the issue's defect is about revolts
        g = coll[coll["cause"] == cause]
        by_source.append({"source": f"all, by {cause}"} | collapse_summary(g))
    pairs = {}
    if all(len(data.get(n, ((), ()))[0]) for n in ("scale_forced", "scale_rising_desperation")):
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
        "scale": scale_table(pairs, (sizes.n_citizens, sizes.scale_n)) if pairs else pd.DataFrame(),
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


def full_runs(config: Mapping[str, Any]) -> int:
    """Runs of a ``--full`` audit (for its wall-time estimate)."""
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
    # --no-run is not part of the command a reader reruns: once every run is stored it
    # changes nothing (the README's sweep table says when some are missing).
    shown = [a for a in argv if a != "--no-run"]
    args.command = ".venv/bin/python experiments/audit.py" + "".join(f" {a}" for a in shown)

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
        runs = read_sweep(work / name)[0] if (work / name).is_dir() else pd.DataFrame()
        planned = spec.replicates * max(1, len(build_points(spec)))
        mean = runs["elapsed_s"].mean() if len(runs) else math.nan  # s of model work
        stored.append(f"| `{name}` | {len(runs):,} / {planned:,} | {mean:.2f} |")
    sweep_table = "\n".join(
        ["| sweep (in `" + str(work) + "`) | runs stored / planned | s per run |", "|---|---|---|"]
        + stored
    )
    walls = {
        "sweep_table": sweep_table,
        "runs": sum(s.replicates * max(1, len(build_points(s))) for s in sweeps.values()),
        "wall": sum(session_walls(work / n) for n in sweeps if (work / n).is_dir()),
        "cost_small": small or 0.0,
        "cost_large": small if sizes.n_citizens == FULL.n_citizens else large,
        "full_runs": full_runs(config),
    }
    (out / "README.md").write_text(readme(args, sizes, FULL, config, tables, before, meta, walls))
    print(f"done in {time.perf_counter() - t0:.0f} s; results in {out}")
    return 0


def build_points(spec) -> list:
    from abm.sweep.design import build_design

    return build_design(spec).points


if __name__ == "__main__":
    sys.exit(main())
