"""`abm sweep`: run (or resume) a declarative experiment spec into a results folder.

Exit codes (docs/reliability.md): 0 every planned run finished; 1 the sweep stopped on an
error (damaged or unreadable folder, a full disk, a lost cluster) or ``--verify`` found
problems; 2 bad input, refused before any work; 3 every run has a result but some failed;
130 interrupted (Ctrl-C, SIGTERM) with runs still pending.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from abm.cli_checks import check_out_folder
from abm.errors import ParameterError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_FAILED_RUNS = 3
EXIT_INTERRUPTED = 130


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sweep",
        help="run a parameter sweep from a TOML spec (parallel, resumable, Parquet)",
        description="Run every (design point, replicate) of SPEC and store the results in DIR "
        "(manifest.json, runs/, series/, failures/ as Parquet; see docs/sweeps.md). "
        "Rerunning into the same DIR runs only what is missing. Ctrl-C stops cleanly. "
        "Exit codes: 0 all runs finished, 1 error (or --verify found problems), 2 bad input, "
        "3 finished with failed runs, 130 interrupted (docs/reliability.md).",
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
    p.add_argument(
        "--verify",
        action="store_true",
        help="check DIR (checksums, duplicates, counts) without running anything",
    )
    p.add_argument(
        "--allow-code-change",
        action="store_true",
        help="continue DIR although the code (version, commit, parameter schema) changed "
        "since it was started (recorded in its manifest)",
    )
    p.add_argument(
        "--run-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="record a run as failed after this long (default: 3600; 0: no limit)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from abm.sweep.errors import ExecutorLost, StoreError, SweepInterrupted

    try:
        if args.verify:
            return verify(Path(args.out))
        return sweep(args)
    except (StoreError, ExecutorLost) as exc:
        print(f"abm sweep: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except (SweepInterrupted, KeyboardInterrupt) as exc:
        what = str(exc) or "interrupted while starting"
        print(f"abm sweep: {what}; rerun the same command to start", file=sys.stderr)
        return EXIT_INTERRUPTED


def verify(out: Path) -> int:
    from abm.sweep.read import verify as check

    result = check(out)
    print(result.text())
    return EXIT_OK if result.sound else EXIT_ERROR


def sweep(args: argparse.Namespace) -> int:
    from abm.sweep import run_sweep
    from abm.sweep.driver import DEFAULT_RUN_TIMEOUT_S
    from abm.sweep.executors import check_executor_args
    from abm.sweep.store import MANIFEST, read_manifest

    out = Path(args.out)
    spec = args.spec
    if spec is None:
        if not args.resume:
            raise ParameterError("SPEC", None, "a spec file (or --resume with an existing DIR)")
        if not (out / MANIFEST).exists():
            raise ParameterError("--out", str(out), "a sweep folder (with manifest.json)")
        spec = read_manifest(out)["spec"]
    elif args.resume and not (out / MANIFEST).exists():
        raise ParameterError("--resume", str(out), "an existing sweep folder to resume")
    check_executor_args(args.executor, args.workers, args.scheduler)  # before the estimate
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
        run_timeout=DEFAULT_RUN_TIMEOUT_S if args.run_timeout is None else args.run_timeout,
        allow_code_change=args.allow_code_change,
    )
    print(summary.text())
    if summary.status == "interrupted":
        return EXIT_INTERRUPTED
    if summary.status == "failed_runs":
        return EXIT_FAILED_RUNS
    return EXIT_OK


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
