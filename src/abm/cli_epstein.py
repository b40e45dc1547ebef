"""`abm epstein`: run a preset of the civil-violence engine and write series.csv + a plot."""

from __future__ import annotations

import argparse
from pathlib import Path

from abm.cli_checks import check_run_args
from abm.engine.params import EPSTEIN_PARAMS, check_consistent
from abm.engine.presets import preset, preset_names
from abm.params import parse_assignments

RULES = ("literal", "floor", "round")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "epstein",
        help="run Epstein's civil-violence model (a named preset)",
        description="Run a preset of the civil-violence engine (Epstein 2002, Model I).\n"
        "Writes DIR/series.csv (columns step,quiet,active,jailed; one row per step, step 0 =\n"
        "the initial state) and the figure DIR/series.png/.svg. See docs/engine.md.\n\n"
        "presets:\n" + "\n".join(f"  {n:13s} {preset(n)[2]}" for n in preset_names()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--preset", default="run2", choices=preset_names(), help="named preset (default run2)"
    )
    p.add_argument("--steps", type=int, default=None, help="steps to run (default: preset's)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--rule",
        choices=RULES,
        help="arrest estimate f in P = 1 - exp(-k f(C/A)): C/A as printed (literal), "
        "NetLogo's floor, Mesa's round (default: the preset's)",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override any parameter (repeatable), e.g. --set legitimacy=0.7 or "
        "--set cop_density=linear:0.074,0,50,150",
    )
    p.add_argument("--out", default="out/epstein", help="output folder (default out/epstein)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Validate everything before any work: parameters, steps, the output folder.
    overrides, steps, description = preset(args.preset)
    extra = parse_assignments(args.set)
    if args.rule:
        extra["arrest_rule"] = args.rule
    params = EPSTEIN_PARAMS.resolve(overrides, extra)
    check_consistent(params)
    steps = steps if args.steps is None else args.steps
    out = Path(args.out)
    check_run_args(args.seed, steps, out)

    from abm.engine.model import EpsteinModel
    from abm.plots.epstein import series_figure

    model = EpsteinModel(params, rng=args.seed)
    model.run_for(steps)
    series = model.series()
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / "series.csv.tmp"
    series[["step", "quiet", "active", "jailed"]].astype(int).to_csv(tmp, index=False)
    tmp.replace(out / "series.csv")
    title = f"{args.preset} ({params['arrest_rule']} rule), seed {args.seed}"
    for path in series_figure(series, title, str(out / ".series.tmp")):
        Path(path).replace(out / ("series" + Path(path).suffix))
    quiet, active, jailed = model.counts
    print(f"{args.preset}: {description}")
    print(
        f"{steps} steps, seed {args.seed}, rule {params['arrest_rule']}: peak active "
        f"{int(series['active'].max())}; final quiet {quiet}, active {active}, jailed {jailed}"
    )
    print(f"wrote {out / 'series.csv'} and {out / 'series.png'} (+ .svg)")
    return 0
