"""`abm sweep`: run (or resume) a declarative experiment spec into a results folder."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from abm.cli_checks import check_out_folder
from abm.errors import ParameterError
from abm.limits import check_workers


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sweep",
        help="run a parameter sweep from a TOML spec (parallel, resumable, Parquet)",
        description="Run every (design point, replicate) of SPEC and store the results in DIR "
        "(manifest.json, runs/, series/, failures/ as Parquet; see docs/sweeps.md). "
        "Rerunning into the same DIR runs only what is missing. Ctrl-C stops cleanly.",
    )
    p.add_argument("spec", nargs="?", help="experiment spec (TOML); optional with --resume")
    p.add_argument("--out", required=True, metavar="DIR", help="results folder")
    p.add_argument("--workers", type=int, default=None, help="parallel workers (default: CPUs)")
    p.add_argument("--executor", choices=("local", "dask"), default="local")
    p.add_argument(
        "--scheduler", default=None, metavar="ADDR", help="Dask scheduler, e.g. tcp://host:8786"
    )
    p.add_argument("--resume", action="store_true", help="continue DIR with its stored spec")
    p.add_argument("--retry-failed", action="store_true", help="rerun recorded failures too")
    p.add_argument("--batch-size", type=int, default=None, help="runs per task (default: auto)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument(
        "--yes",
        action="store_true",
        help="start a sweep above the size thresholds (runs, memory, time; see "
        "docs/reliability-inputs.md) after its estimate is printed",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from abm.sweep import run_sweep
    from abm.sweep.store import MANIFEST

    out = Path(args.out)
    spec = args.spec
    if spec is None:
        if not args.resume:
            raise ParameterError("SPEC", None, "a spec file (or --resume with an existing DIR)")
        manifest = out / MANIFEST
        if not manifest.exists():
            raise ParameterError("--out", str(out), "a sweep folder (with manifest.json)")
        spec = json.loads(manifest.read_text())["spec"]
    elif args.resume and not (out / MANIFEST).exists():
        raise ParameterError("--resume", str(out), "an existing sweep folder to resume")
    if args.scheduler is None:  # workers started on this machine (a cluster brings its own)
        check_workers("--workers", args.workers)
    check_out_folder("--out", out)
    if not (out / MANIFEST).exists():  # a new sweep: show its cost, ask for --yes if large
        spec = confirm_size(spec, args.workers, args.yes)
    summary = run_sweep(
        spec,
        out,
        workers=args.workers,
        executor=args.executor,
        scheduler=args.scheduler,
        batch_size=args.batch_size,
        retry_failed=args.retry_failed,
        progress=not args.no_progress,
    )
    print(summary.text())
    if summary.status == "interrupted":
        return 130
    return 0


def confirm_size(spec, workers: int | None, yes: bool):
    """The validated spec, after printing its estimate when large; refused above the
    thresholds unless ``yes``."""
    from abm.sweep.driver import as_spec
    from abm.sweep.estimate import estimate
    from abm.sweep.executors import default_workers

    spec = as_spec(spec)
    est = estimate(spec, workers or default_workers())
    if est.is_large():
        print(est.text(), flush=True)
    reasons = est.reasons()
    if reasons and not yes:
        raise ParameterError(
            "sweep size",
            "; ".join(reasons),
            "within the thresholds of docs/reliability-inputs.md, or --yes to start it anyway",
        )
    return spec
