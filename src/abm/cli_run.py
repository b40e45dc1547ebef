"""`abm run`, `abm scenarios`, `abm params`: the Belarus model from the command line.

``abm run --scenario NAME [--seed S] [--steps N] [--set PARAM=VALUE ...] [--out DIR]`` prints
a short narrative (weeks and events) and writes DIR/series.csv (one row per step),
DIR/events.csv (step,event,cause) and DIR/summary.json (see docs/schema.md). Every input is
validated before the run starts; files are written under temporary names and renamed, so a
failed run leaves nothing half-written.
"""

from __future__ import annotations

import argparse
import csv
import os
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

from abm.cli_checks import check_run_args
from abm.errors import ParameterError
from abm.jsonout import dumps
from abm.params import parse_assignments

#: How many individual mutinies a narrative prints per week before summarising the rest.
MUTINY_LINES = 2


def register(sub: argparse._SubParsersAction) -> None:
    from abm.belarus.scenarios import scenario_names

    p = sub.add_parser(
        "run",
        help="run the Belarus model (a named scenario) and write series, events, summary",
        description="Run one scenario of the Belarus model. Writes DIR/series.csv (one row "
        "per week), DIR/events.csv (step,event,cause) and DIR/summary.json (parameters, seed, "
        "final classification, each outcome's first week or null).",
    )
    p.add_argument("--scenario", default="baseline", choices=scenario_names(), help="scenario")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--steps", type=int, default=None, help="weeks to run (default: scenario's)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PARAM=VALUE",
        help="override a parameter (repeatable), e.g. --set sanctions=0.5 "
        "or --set war_trajectory=linear:0.5,1,0,52; see `abm params`",
    )
    p.add_argument("--out", default=None, metavar="DIR", help="output folder (default out/NAME)")
    p.set_defaults(func=run)

    s = sub.add_parser("scenarios", help="list the Belarus model's named scenarios")
    s.set_defaults(func=list_scenarios)

    q = sub.add_parser("params", help="print the Belarus model's parameter table")
    q.add_argument("--group", default=None, help="only this group (e.g. kremlin, army)")
    q.add_argument("--markdown", action="store_true", help="the ODD table in Markdown")
    q.set_defaults(func=list_params)


# ------------------------------------------------------------------------------------ run
def run(args: argparse.Namespace) -> int:
    from abm.belarus.runner import prepare

    overrides: dict[str, Any] = dict(parse_assignments(args.set))
    overrides["scenario"] = args.scenario
    name, params, steps = prepare(overrides, args.steps)  # validates before any work
    out = Path(args.out) if args.out else Path("out") / name
    check_run_args(args.seed, steps, out)

    from abm.runner import run as run_model

    result = run_model("belarus", {"scenario": name, **params}, args.seed, steps)
    print(narrative(result))
    write_outputs(out, result)
    print(f"wrote {out / 'series.csv'}, {out / 'events.csv'}, {out / 'summary.json'}")
    return 0


def narrative(result) -> str:
    """A few readable lines: the setting, the weeks and events, the classification."""
    from abm.belarus.params import SUPPORT_LEVELS
    from abm.belarus.scenarios import get_scenario

    s, df = result.summary, result.series
    lines = [
        f"{s['scenario']}: {get_scenario(s['scenario']).description}",
        f"seed {result.seed}, {result.steps} weeks, one citizen agent = "
        f"{s['people_per_agent']:,.0f} people",
    ]
    levels = df["support_level"].tolist()
    path = [f"{SUPPORT_LEVELS[levels[0]]} (week 0)"]
    path += [
        f"{SUPPORT_LEVELS[lv]} (week {w})"
        for w, (prev, lv) in enumerate(zip(levels, levels[1:], strict=False), start=1)
        if lv != prev
    ]
    shown = path if len(path) <= 6 else path[:3] + ["..."] + path[-2:]
    lines.append("support: " + " -> ".join(shown))
    extra: Counter = Counter()  # mutinies beyond MUTINY_LINES, per week
    shown_mutinies: Counter = Counter()
    purge_weeks = [step for step, event, _ in result.events if event == "purge"]
    events = [e for e in result.events if e[1] != "purge"]  # summarised in one line below
    for i, (step, event, cause) in enumerate(events):
        if event == "mutiny" and shown_mutinies[step] >= MUTINY_LINES:
            extra[step] += 1
        else:
            shown_mutinies[step] += event == "mutiny"
            lines.append(textwrap.shorten(f"week {step}: {event} - {cause}", 160))
        last_of_week = i + 1 == len(events) or events[i + 1][0] != step
        if last_of_week and extra[step]:
            lines.append(f"week {step}: ... and {extra[step]} more units mutiny")
    if purge_weeks:
        shown_weeks = ", ".join(str(w) for w in purge_weeks[:8])
        more = ", ..." if len(purge_weeks) > 8 else ""
        lines.append(
            f"purges (rotations of security chiefs): {len(purge_weeks)}, weeks {shown_weeks}{more}"
        )
    lines.append(
        f"final classification: {s['final_class']} (peak turnout {s['peak_turnout']:.1%}, "
        f"casualties {s['total_casualties']:,}, exasperation {s['final_exasperation']:.2f})"
    )
    return "\n".join(lines)


def summary_document(result) -> dict[str, Any]:
    """summary.json: model, scenario, seed, steps, params, final_class, outcomes, scalars."""
    from abm.belarus.outcomes import OUTCOMES

    s = result.summary
    return {
        "model": result.model,
        "scenario": s["scenario"],
        "seed": result.seed,
        "steps": result.steps,
        "params": result.params,
        "final_class": s["final_class"],
        "outcomes": {o: s[f"week_{o}"] for o in OUTCOMES},
        "summary": s,
        "elapsed_s": result.elapsed_s,
    }


def write_outputs(out: Path, result) -> None:
    """Write the three files under temporary names, then rename them into place."""
    out.mkdir(parents=True, exist_ok=True)
    tmp = {name: out / f".{name}.tmp" for name in ("series.csv", "events.csv", "summary.json")}
    try:
        result.series.to_csv(tmp["series.csv"], index=False)
        with open(tmp["events.csv"], "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["step", "event", "cause"])
            w.writerows(result.events)
        tmp["summary.json"].write_text(dumps(summary_document(result), indent=2) + "\n")
        for name, path in tmp.items():
            os.replace(path, out / name)
    finally:
        for path in tmp.values():
            path.unlink(missing_ok=True)


# ------------------------------------------------------------------------ scenarios, params
def list_scenarios(args: argparse.Namespace) -> int:
    from abm.belarus.scenarios import get_scenario, scenario_names

    for name in scenario_names():
        sc = get_scenario(name)
        changes = ", ".join(f"{k}={v}" for k, v in sc.params.items()) or "the defaults"
        print(f"{name:<24} {sc.description}")
        print(f"{'':<24} ({sc.steps} weeks; {changes})")
    return 0


def list_params(args: argparse.Namespace) -> int:
    from abm.belarus.params import BELARUS_PARAMS
    from abm.params import ParamSet, markdown_table

    chosen = [p for p in BELARUS_PARAMS if args.group in (None, p.group)]
    if not chosen:
        groups = sorted({p.group for p in BELARUS_PARAMS})
        raise ParameterError("--group", args.group, "one of " + ", ".join(groups))
    if args.markdown:
        print(markdown_table(ParamSet(chosen)))
        return 0
    for p in chosen:
        print(f"{p.name:<30} {str(p.default):<12} {p.unit:<10} {p.group:<10} {p.allowed()}")
        print(textwrap.indent(textwrap.fill(p.meaning + f" [{p.source}]", 96), " " * 4))
    return 0
