"""The headline experiments: what `make results` runs.

Each writes its own folder under ``results/`` with a README that opens with the command
that made it; every experiment runs over the committed posterior of the estimation
(``results/posterior/fit``: parameter uncertainty and seed noise both in the intervals):

1. ``pressure``: Kremlin desperation (the war's course) x the Ukrainian force a Belarusian
   expedition would face -> the probability of each outcome.
2. ``posterior``: the estimation's posterior summarised and its predictive check against
   the prior predictive over the whole history (``calibration_validate.py --stages
   posterior,predictive,sensitivity``). The estimation itself (``abm calibrate``) and the
   held-out scores (computed once, after the freeze) are not rerun.
3. ``history``: August 2020 - 2025 week by week beside the observed protest, detentions and
   political prisoners.
4. ``forced_intervention``: Belarus sent in at a week of the history (Feb 2022, Oct 2022,
   Jul 2023) x Ukrainian strength x expedition size.
5. ``substitution_map``: penetration x indispensability -> attempts, backing, success.
6. ``nato_excuse`` and ``warning``: each rhetorical lever with and without it, and as its
   credibility wears at different rates (``levers.py``).
7. ``scenario_discovery``: PRIM boxes for intervention, mutiny, uprising, substitution.
8. ``sensitivity``: Morris then Sobol over the priors, given-data indices over the
   posterior, and each outcome's variance split between parameters and seeds.

Every sweep resumes from ``out/experiments/<name>`` (interrupt and rerun: only the missing
runs are done; a folder made by other code is set aside and redone).

    .venv/bin/python experiments/headline.py            # about 45 minutes on 2 cores
    .venv/bin/python experiments/headline.py --only pressure,levers
    .venv/bin/python experiments/headline.py --quick    # a smoke run into out/headline_quick
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "experiments"))

#: The committed posterior of the fit period (``abm calibrate experiments/calibration.toml``).
POSTERIOR = Path("results/posterior/fit")
#: Posterior and prior draws of the predictive check, each run over the whole history.
PREDICTIVE_DRAWS = 100
#: The experiments, in the order they run (names of their results folders).
STEPS = (
    "pressure",
    "posterior",
    "history",
    "forced_intervention",
    "substitution_map",
    "levers",
    "scenario_discovery",
    "sensitivity",
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke sizes, into out/headline_quick")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument(
        "--only",
        default=",".join(STEPS),
        help=f"comma-separated steps to run (default all: {','.join(STEPS)})",
    )
    args = ap.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in only if s not in STEPS]
    if unknown:
        ap.error(f"--only: unknown step(s) {unknown}; allowed: {', '.join(STEPS)}")

    # Paths relative to the working directory, so the commands recorded in READMEs are portable.
    root = Path(os.path.relpath(ROOT))
    quick = root / "out" / "headline_quick"
    t0 = time.perf_counter()
    for i, name in enumerate(s for s in STEPS if s in only):
        print(f"== {i + 1}/{len(only)} {name}", flush=True)
        step_t0 = time.perf_counter()
        if name == "posterior":
            posterior(args, root, quick)
        elif name == "history":
            import history

            history.main(
                ["--workers", str(args.workers)]
                + (["--quick"] if args.quick else ["--out", str(root / "results" / "history")])
            )
        else:
            module = __import__(name)
            sub = [] if args.workers == 2 else ["--workers", str(args.workers)]
            if args.quick:
                sub += ["--quick", "--out", str(quick / name), "--work", str(quick / "work" / name)]
            module.main(sub)
        print(f"== {name} done in {time.perf_counter() - step_t0:.0f} s", flush=True)
    where = quick if args.quick else root / "results"
    print(f"done in {time.perf_counter() - t0:.0f} s; figures under {where}")
    return 0


def posterior(args: argparse.Namespace, root: Path, quick: Path) -> None:
    """The committed posterior's summary and predictive check (not the estimation)."""
    import calibration_validate

    out = quick / "posterior" if args.quick else root / "results" / "posterior"
    work = quick / "validate" if args.quick else root / "out" / "calibration" / "validate"
    calibration_validate.main(
        [
            "--posterior",
            str(root / POSTERIOR),
            "--stages",
            "posterior,predictive,sensitivity",
            "--draws",
            "10" if args.quick else str(PREDICTIVE_DRAWS),
            "--workers",
            str(args.workers),
            "--out",
            str(out),
            "--work",
            str(work),
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
