"""`abm calibrate`: ABC-SMC (pyabc) of a calibration spec into a posterior folder.

    abm calibrate experiments/calibration.toml --out results/posterior/fit
    abm calibrate experiments/calibration.toml --out results/posterior/fit --resume
    abm calibrate SPEC --out DIR --executor dask --scheduler tcp://host:8786

A bad spec (unknown parameter, a bound outside its prior, no patterns, a tolerance <= 0)
is refused with one line naming the field, the value and what is allowed (exit 2) before
anything is written. Exit 0 when the posterior is written; 130 when interrupted (rerun
with ``--resume``: every completed generation is kept in DIR/abc.db).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_INTERRUPTED = 130


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "calibrate",
        help="estimate parameters by ABC-SMC (pyabc) from a calibration spec (TOML)",
        description="Fit the parameters SPEC estimates to its model's observed patterns by "
        "ABC-SMC (pyabc) and write the posterior folder DIR (abc.db, posterior.parquet, "
        "manifest.json, populations.csv, failures.jsonl; docs/ODD.md, 'Estimation'). "
        "--resume continues a killed calibration from its last completed generation.",
    )
    p.add_argument("spec", help="calibration spec (TOML), e.g. experiments/calibration.toml")
    p.add_argument("--out", required=True, metavar="DIR", help="posterior folder")
    p.add_argument("--resume", action="store_true", help="continue the calibration in DIR")
    p.add_argument("--executor", choices=("local", "dask"), default="local")
    p.add_argument(
        "--scheduler", default=None, metavar="ADDR", help="Dask scheduler, e.g. tcp://host:8786"
    )
    p.add_argument(
        "--workers", type=int, default=None, help="local processes (default: the spec's)"
    )
    p.add_argument("--no-progress", action="store_true", help="no line per generation")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from abm.calibration.abc import calibrate, check_folder
    from abm.calibration.spec import read_spec
    from abm.cli_checks import check_out_folder
    from abm.errors import ParameterError

    spec = read_spec(args.spec)  # every refusal before anything is written
    out = Path(args.out)
    if args.executor == "dask" and args.scheduler is None:
        raise ParameterError("--scheduler", None, "a Dask scheduler address for --executor dask")
    if args.workers is not None and args.workers < 1:
        raise ParameterError("--workers", args.workers, "an integer >= 1")
    check_out_folder("--out", out)
    check_folder(out, spec, args.resume)
    try:
        folder = calibrate(
            spec,
            out,
            resume=args.resume,
            executor=args.executor,
            scheduler=args.scheduler,
            progress=not args.no_progress,
            workers=args.workers,
        )
    except KeyboardInterrupt:
        print(
            f"abm calibrate: interrupted; completed generations are in {out / 'abc.db'}; "
            "rerun with --resume to continue",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    print(f"posterior written to {folder}")
    return 0
