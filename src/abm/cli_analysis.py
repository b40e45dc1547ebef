"""`abm plot RESULTS` and `abm report RESULTS`: figures and a report from a sweep's folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from abm.analysis.sensitivity import IMPUTE_RULES


def register(sub: argparse._SubParsersAction) -> None:
    plot = sub.add_parser(
        "plot",
        help="draw a sweep's figures (outcome probabilities, envelopes, time to event)",
        description="Draw the figures of a sweep's results folder (PNG and SVG): outcome "
        "probabilities with Wilson intervals over each varied parameter and the first pair, "
        "per-step envelopes by final outcome, time to each outcome, example runs.",
    )
    _results_arguments(plot, "output folder (default RESULTS/figures)")
    plot.set_defaults(func=run_plot)

    report = sub.add_parser(
        "report",
        help="write a sweep's Markdown report (spec, counts, figures, sensitivity, PRIM)",
        description="Write report.md and figures/ for a sweep: spec, run counts, outcome "
        "probabilities, figures, Sobol or Morris indices (for sweeps with that design) and "
        "PRIM boxes with feature scores. See docs/analysis.md.",
    )
    _results_arguments(report, "output folder (default: the results folder)")
    report.add_argument(
        "--impute",
        choices=IMPUTE_RULES,
        default="refuse",
        help="missing runs in sensitivity analysis: refuse (default), replicates (mean of "
        "the finished replicates), mean (also fill empty points with the mean of the others)",
    )
    report.set_defaults(func=run_report)


def _results_arguments(parser: argparse.ArgumentParser, out_help: str) -> None:
    """What every face over a results folder takes: the folder, where to write, the level."""
    parser.add_argument("results", help="results folder written by `abm sweep`")
    parser.add_argument("--out", help=out_help)
    parser.add_argument("--confidence", type=float, default=0.95, help="interval level (0.95)")


def run_plot(args: argparse.Namespace) -> int:
    from abm.analysis.figures import make_figures
    from abm.analysis.load import ResultsError, load

    _check_confidence(args.confidence)
    try:
        results = load(args.results)
        out = Path(args.out) if args.out else results.path / "figures"
        figs = make_figures(results, out, args.confidence)
    except ResultsError as exc:
        print(f"abm plot: error: {exc}", file=sys.stderr)
        return 2
    for f in figs:
        print(f"wrote {f.stem}.png/.svg")
    return 0


def run_report(args: argparse.Namespace) -> int:
    from abm.analysis.load import ResultsError
    from abm.analysis.report import write_report

    _check_confidence(args.confidence)
    try:
        path = write_report(args.results, args.out, impute=args.impute, confidence=args.confidence)
    except ResultsError as exc:
        print(f"abm report: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


def _check_confidence(value: float) -> None:
    if not 0.0 < value < 1.0:
        from abm.errors import ParameterError

        raise ParameterError("--confidence", value, "a number strictly between 0 and 1")
