"""`abm epstein`: run a preset of the civil-violence engine and write series.csv + a plot."""

from __future__ import annotations

import argparse
from pathlib import Path

from abm.engine.params import EPSTEIN_PARAMS
from abm.engine.presets import preset, preset_names
from abm.params import parse_assignments


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "epstein",
        help="run Epstein's civil-violence model (a named preset)",
        description="Run a preset of the civil-violence engine (Epstein 2002). Writes "
        "DIR/series.csv (step,quiet,active,jailed) and DIR/series.png/.svg.",
    )
    p.add_argument("--preset", default="run2", choices=preset_names(), help="named preset")
    p.add_argument("--steps", type=int, default=None, help="steps to run (default: preset's)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--rule", choices=("literal", "floor", "round"), help="arrest-estimate rule")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override any parameter (repeatable), e.g. --set legitimacy=0.7",
    )
    p.add_argument("--out", default="out/epstein", help="output folder (default out/epstein)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    overrides, steps, description = preset(args.preset)
    extra = parse_assignments(args.set)
    if args.rule:
        extra["arrest_rule"] = args.rule
    params = EPSTEIN_PARAMS.resolve(overrides, extra)  # validate before any work
    steps = steps if args.steps is None else args.steps
    if steps < 0:
        from abm.errors import ParameterError

        raise ParameterError("--steps", steps, "an integer >= 0")

    from abm.engine.model import EpsteinModel
    from abm.plots.epstein import series_figure

    model = EpsteinModel(params, rng=args.seed)
    model.run_for(steps)
    series = model.series()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / "series.csv.tmp"
    series[["step", "quiet", "active", "jailed"]].astype(int).to_csv(tmp, index=False)
    tmp.replace(out / "series.csv")
    title = f"{args.preset} ({params['arrest_rule']} rule), seed {args.seed}"
    series_figure(series, title, str(out / "series"))
    peak = int(series["active"].max())
    print(f"{args.preset}: {description}")
    print(f"{steps} steps, seed {args.seed}: peak active {peak}, final {series.iloc[-1].to_dict()}")
    print(f"wrote {out / 'series.csv'} and {out / 'series.png'}")
    return 0
