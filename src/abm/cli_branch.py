"""`abm branch`: a scenario tree - runs branched at a step, over many seeds.

``abm branch --scenario NAME --at T --set INPUT=VALUE [--set ...] [--seeds N] [--seed S]
[--steps N] [--posterior DIR] [--out DIR]`` runs, for each seed S..S+N-1, the scenario (the
trunk) and the same run with the inputs changed from step T on (the branch;
``abm.branching``), checks that the two agree on every step before T, and writes
DIR/branches.csv (one row per seed: each run's final outcome, the first step where they
differ) and DIR/summary.json (the share of each final outcome in trunk and branch). With
``--posterior`` each seed also draws its parameters from a posterior folder, as ``abm run
--posterior`` does with the same seed (the particle is in branches.csv), so the tree spans
parameter uncertainty too. Every input is validated before the first run; the files are
written under temporary names and renamed, so a failed command leaves nothing.
"""

from __future__ import annotations

import argparse
import csv
import os
from collections import Counter
from pathlib import Path

from abm.cli_checks import check_run_args, check_seed
from abm.errors import ParameterError
from abm.jsonout import dumps
from abm.params import parse_assignments


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "branch",
        help="branch runs at a step: the same seeds with inputs changed from then on",
        description=__doc__.split("\n\n")[1],
    )
    p.add_argument("--scenario", default="baseline", help="the trunk's scenario")
    p.add_argument("--at", type=int, required=True, help="the step the branch starts at")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="INPUT=VALUE",
        help="an input (a schedule parameter) and its value from --at on; repeatable",
    )
    p.add_argument("--seeds", type=int, default=20, help="how many seeds (default 20)")
    p.add_argument("--seed", type=int, default=0, help="the first seed (default 0)")
    p.add_argument("--steps", type=int, default=None, help="weeks (default: the scenario's)")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="PARAM=VALUE",
        help="a parameter of trunk and branch alike; repeatable",
    )
    p.add_argument(
        "--posterior",
        default=None,
        metavar="DIR",
        help="draw each seed's parameters from this posterior folder (as abm run --posterior "
        "with that seed: defaults < draw < scenario < --param/--set)",
    )
    p.add_argument("--out", default=None, help="folder (default out/branch_SCENARIO_atT)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from abm.branching import branch_params, branch_run
    from abm.runner import prepare

    if isinstance(args.seeds, bool) or args.seeds < 1:
        raise ParameterError("--seeds", args.seeds, "an integer >= 1")
    params = {**dict(parse_assignments(args.param)), "scenario": args.scenario}
    changes = dict(parse_assignments(args.set))
    seeds = range(args.seed, args.seed + args.seeds)
    drawn = {}
    if args.posterior is not None:
        from abm.cli_run import posterior_draw

        check_seed("--seed", args.seed)  # the seed picks the draw: check it first
        taken = {**params, **changes}
        drawn = {s: posterior_draw(args.posterior, args.scenario, s, taken) for s in seeds}
    first = {**drawn.get(args.seed, {}).get("applied", {}), **params}
    trunk = prepare("belarus", first, args.steps)  # validates the trunk once
    prepare("belarus", branch_params("belarus", dict(trunk.params), changes, args.at))
    if args.at > trunk.steps:
        raise ParameterError("--at", args.at, f"a step <= the run's {trunk.steps} steps")
    out = Path(args.out or f"out/branch_{args.scenario}_at{args.at}")
    check_run_args(args.seed, trunk.steps, out)
    check_run_args(args.seed + args.seeds - 1, trunk.steps, out)

    rows = []
    for seed in seeds:
        run_params = {**drawn[seed]["applied"], **params} if drawn else params
        b = branch_run("belarus", run_params, changes, args.at, seed, args.steps)
        row = {
            "seed": seed,
            "trunk": b.trunk.summary.get("final_class"),
            "branch": b.branch.summary.get("final_class"),
            "diverged_at": b.diverged_at,
        }
        if drawn:
            row["particle"] = drawn[seed]["particle"]
        rows.append(row)
    summary = {
        "scenario": args.scenario,
        "at": args.at,
        "changes": changes,
        "params": {k: v for k, v in params.items() if k != "scenario"},
        "steps": trunk.steps,
        "seeds": [args.seed, args.seed + args.seeds - 1],
        "trunk": _shares(r["trunk"] for r in rows),
        "branch": _shares(r["branch"] for r in rows),
        "identical_before_at": all(
            r["diverged_at"] is None or r["diverged_at"] >= args.at for r in rows
        ),
    }
    if drawn:
        d = drawn[args.seed]
        summary["posterior"] = {
            k: d[k] for k in ("path", "git_commit", "particles", "ess", "dated_only")
        }
    _write(out, rows, summary)
    told = ", ".join(f"{k}={v}" for k, v in changes.items())
    print(f"branch of {args.scenario} at step {args.at} ({told}), {args.seeds} seeds:")
    for c in sorted(set(summary["trunk"]) | set(summary["branch"])):
        trunk_share, branch_share = summary["trunk"].get(c, 0), summary["branch"].get(c, 0)
        print(f"  {c:<24} trunk {trunk_share:6.1%}   branch {branch_share:6.1%}")
    print(f"wrote {out / 'branches.csv'}, {out / 'summary.json'}")
    return 0


def _shares(classes) -> dict[str, float]:
    counts = Counter(classes)
    n = sum(counts.values())
    return {str(k): v / n for k, v in sorted(counts.items(), key=lambda kv: str(kv[0]))}


def _write(out: Path, rows: list[dict], summary: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tmp_csv, tmp_json = out / ".branches.csv.tmp", out / ".summary.json.tmp"
    try:
        with open(tmp_csv, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        tmp_json.write_text(dumps(summary) + "\n")
        os.replace(tmp_csv, out / "branches.csv")
        os.replace(tmp_json, out / "summary.json")
    finally:
        tmp_csv.unlink(missing_ok=True)
        tmp_json.unlink(missing_ok=True)
