"""`abm run`, `abm scenarios`, `abm params`: the Belarus model from the command line.

``abm run --scenario NAME [--seed S] [--steps N] [--set PARAM=VALUE ...] [--out DIR]`` prints
the model's narrative of the run (``abm.belarus.narrative``) and writes DIR/series.csv (one
row per step, dated), DIR/events.csv (step,date,event,cause) and DIR/summary.json (see
docs/schema.md). The history scenario also prints the run beside the dated history and writes
DIR/patterns.csv, each observed pattern beside the run's counterpart. Every input is
validated once, through ``abm.runner.prepare``, before the run starts; files are written under
temporary names and renamed, so a failed run leaves nothing half-written.

``--posterior DIR`` runs the scenario with a parameter set drawn from a posterior folder
(``abm.posterior``), chosen by weight from the run's seed: the same seed gives
the same draw, hence the same run. Precedence, lowest first: parameter defaults < the
posterior's draw < the scenario's own parameters < ``--set``. A scenario names a
counterfactual world, so what it sets keeps its value (a draw of ``ukraine_strength`` must
not undo ``ukrainian_breakthrough``); the posterior fills in everything else; ``--set`` is
what the user typed for this run and wins over both; a size fitted as a dated event of the
calibration's scenario only scales a scenario that dates it (``Posterior.resolve``).
summary.json records the posterior
(path, git_commit, particle) and the drawn values, and which of them were set aside.
"""

from __future__ import annotations

import argparse
import csv
import os
import textwrap
from pathlib import Path
from typing import Any

from abm.cli_checks import check_run_args
from abm.errors import ParameterError
from abm.jsonout import dumps
from abm.limits import check_seed
from abm.params import parse_assignments


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
    p.add_argument(
        "--posterior",
        default=None,
        metavar="DIR",
        help="draw the estimated parameters from this posterior folder (written by "
        "`abm calibrate`), one particle chosen by weight from --seed (same seed, same draw). "
        "Precedence, lowest first: defaults < the draw < the scenario's own parameters < "
        "--set: the scenario is the world you chose, so what it sets is kept; --set is "
        "what you typed and wins over both. summary.json records the posterior (path, "
        "git_commit, particle) and the drawn values",
    )
    p.set_defaults(func=run)

    s = sub.add_parser("scenarios", help="list the Belarus model's named scenarios")
    s.set_defaults(func=list_scenarios)

    q = sub.add_parser("params", help="print the Belarus model's parameter table")
    q.add_argument("--group", default=None, help="only this group (e.g. kremlin, army)")
    q.add_argument("--markdown", action="store_true", help="the ODD table in Markdown")
    q.set_defaults(func=list_params)


# ------------------------------------------------------------------------------------ run
def run(args: argparse.Namespace) -> int:
    from abm.belarus.history.patterns import write_table
    from abm.belarus.narrative import (
        history_patterns,
        history_timeline,
        narrative,
        replays_history,
    )
    from abm.runner import execute, prepare

    overrides: dict[str, Any] = dict(parse_assignments(args.set))
    drawn = None
    if args.posterior is not None:
        check_seed("--seed", args.seed)  # the seed picks the draw: check it first
        drawn = posterior_draw(args.posterior, args.scenario, args.seed, overrides)
        overrides = {**drawn["applied"], **overrides}
    overrides["scenario"] = args.scenario
    setup = prepare("belarus", overrides, args.steps)  # validates once, before any work
    out = Path(args.out) if args.out else Path("out") / str(setup.scenario)
    check_run_args(args.seed, setup.steps, out)
    if drawn is not None:
        print(describe_draw(drawn))
        note = fitted_differently(drawn, setup.params)
        if note:
            print(note)
    result = execute(setup, args.seed)
    print(narrative(result))
    names = ["series.csv", "events.csv", "summary.json"]
    comparisons = None
    if replays_history(result):
        comparisons = history_patterns(result)
        print(history_timeline(result, comparisons))
    if drawn is None:
        write_outputs(out, result)
    else:
        write_outputs(out, result, drawn)
    if comparisons is not None:
        tmp = out / ".patterns.csv.tmp"
        try:
            write_table(tmp, comparisons)
            os.replace(tmp, out / "patterns.csv")
        finally:
            tmp.unlink(missing_ok=True)
        names.append("patterns.csv")
    print("wrote " + ", ".join(str(out / name) for name in names))
    return 0


def posterior_draw(
    folder: str, scenario: str, seed: int, overrides: dict[str, Any]
) -> dict[str, Any]:
    """The posterior's draw for this run, split by precedence: ``applied`` (what the run
    takes from the draw), ``kept_by_scenario``, ``overridden`` and ``dated_only`` (drawn,
    set aside: ``Posterior.resolve`` says why)."""
    from abm import catalog
    from abm.posterior import load_posterior

    post = load_posterior(folder, "--posterior")
    if post.model != "belarus":
        raise ParameterError(
            "--posterior",
            folder,
            f"a posterior of the belarus model (this one is of {post.model!r})",
        )
    index = post.draw_index(seed)
    values = post.particle(index)
    split = post.resolve(values, catalog.get("belarus").scenario(scenario).params, overrides)
    return {
        **post.describe(),
        "particle": index,
        "fitted_scenario": post.manifest.get("scenario"),
        "fitted_fixed": dict(post.manifest.get("fixed") or {}),
        "drawn": values,
        "applied": split.applied,
        "kept_by_scenario": sorted(split.kept_by_scenario),
        "overridden": sorted(split.overridden),
        "dated_only": sorted(split.dated_only),
    }


def describe_draw(drawn: dict[str, Any]) -> str:
    """Which posterior, which particle, and the values the run takes from it."""
    head = (
        f"posterior {drawn['path']} (git_commit {drawn['git_commit']}, {drawn['particles']} "
        f"particles, ESS {drawn['ess']:.0f}, fitted on scenario {drawn['fitted_scenario']}): "
        f"particle {drawn['particle']}"
    )
    lines = [
        head,
        "  drawn: "
        + ", ".join(
            f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
            for k, v in drawn["applied"].items()
        ),
    ]
    if drawn["kept_by_scenario"]:
        lines.append("  kept from the scenario: " + ", ".join(drawn["kept_by_scenario"]))
    if drawn["overridden"]:
        lines.append("  overridden by --set: " + ", ".join(drawn["overridden"]))
    if drawn.get("dated_only"):
        lines.append(
            "  not used (fitted as a dated event this scenario does not date): "
            + ", ".join(drawn["dated_only"])
        )
    return "\n".join(lines)


def fitted_differently(drawn: dict[str, Any], params) -> str:
    """A note naming the calibration's fixed values this run does not share (the posterior
    is conditional on them), or an empty string."""
    differ = [
        f"{k}={v} (this run: {params[k]})"
        for k, v in drawn["fitted_fixed"].items()
        if k in params and str(params[k]) != str(v)
    ]
    if not differ:
        return ""
    return "  note: the posterior was fitted with " + ", ".join(differ)


def summary_document(result, drawn: dict[str, Any] | None = None) -> dict[str, Any]:
    """summary.json: model, scenario, seed, steps, params, final_class, outcomes, scalars,
    and (with --posterior) the posterior and its draw."""
    from abm.belarus.outcomes import OUTCOMES

    s = result.summary
    extra = {} if drawn is None else {"posterior": drawn}
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
        **extra,
    }


def write_outputs(out: Path, result, drawn: dict[str, Any] | None = None) -> None:
    """Write the three files under temporary names, then rename them into place."""
    out.mkdir(parents=True, exist_ok=True)
    tmp = {name: out / f".{name}.tmp" for name in ("series.csv", "events.csv", "summary.json")}
    try:
        result.series.to_csv(tmp["series.csv"], index=False)
        dates = dict(zip(result.series["step"], result.series["date"], strict=True))
        with open(tmp["events.csv"], "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["step", "date", "event", "cause"])
            w.writerows(
                (step, dates.get(step, ""), event, cause) for step, event, cause in result.events
            )
        tmp["summary.json"].write_text(dumps(summary_document(result, drawn), indent=2) + "\n")
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
