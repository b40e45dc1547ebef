"""The headline experiment: what `make results` runs.

Two questions of the brief, each written to its own folder under ``results/``:

1. The pressure sweep (``results/pressure/``): Kremlin desperation (the war's course) x the
   Ukrainian force a Belarusian expedition would face -> the probability of each outcome,
   with Wilson intervals (``experiments/sweep_belarus_pressure.toml`` through ``abm sweep``
   and ``abm report``). The raw sweep goes to ``out/sweeps/belarus_pressure`` and is
   resumable: interrupt and rerun, and only the missing runs are done.
2. The estimation's posterior (``results/posterior/``): the committed posterior of the
   calibration on August 2020 - September 2022 (``results/posterior/fit``, made by
   ``abm calibrate experiments/calibration.toml``, which takes far longer and is not rerun
   here) summarised, and its predictive check against the prior predictive over the whole
   history (``experiments/calibration_validate.py --stages posterior,predictive,sensitivity``;
   its runs resume from ``out/calibration/validate``). The held-out scores were computed
   once, after the freeze, and are not recomputed.
3. The history replay (``results/history/``): August 2020 - 2025 week by week at the
   default parameters and over the prior ranges, beside the observed protest, detentions
   and political prisoners (``experiments/history.py``; its sweeps resume from
   ``out/history``).

    .venv/bin/python experiments/headline.py            # about 9 minutes on 2 cores
    .venv/bin/python experiments/headline.py --quick    # a smoke run into out/headline_quick
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "experiments"))

PRESSURE_SPEC = ROOT / "experiments" / "sweep_belarus_pressure.toml"
#: The committed posterior of the fit period (``abm calibrate experiments/calibration.toml``).
POSTERIOR = Path("results/posterior/fit")
#: Posterior and prior draws of the predictive check, each run over the whole history.
PREDICTIVE_DRAWS = 100

PRESSURE_README = """# Pressure sweep: Kremlin desperation x Ukrainian strength

The brief's first experiment. From the late-2022 baseline, the war's course for Russia
(`war_trajectory`, which drives the Kremlin's desperation and through it the demand and the
readiness to gamble on a substitution) is crossed with the Ukrainian force a Belarusian
expedition would face (`ukraine_strength`); each cell holds {replicates} seeded runs of
{steps} weeks. `report.md` gives each outcome's probability with Wilson 95 % intervals,
envelopes of the key series by final outcome, time to each event and PRIM boxes.

## Reproduce

```bash
.venv/bin/python experiments/headline.py       # or: make results
```

which runs

```bash
abm sweep experiments/sweep_belarus_pressure.toml --out out/sweeps/belarus_pressure --workers 2
abm report out/sweeps/belarus_pressure --out results/pressure
```

Spec: `experiments/sweep_belarus_pressure.toml` (copied here as `spec.toml`).
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a few seeds, into out/headline_quick")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    args = ap.parse_args(argv)

    import calibration_validate
    import history

    from abm.analysis.report import write_report
    from abm.sweep import load_spec

    # Paths relative to the working directory, so the commands recorded in READMEs are portable.
    root = Path(os.path.relpath(ROOT))
    results = root / ("out/headline_quick" if args.quick else "results")
    sweeps = root / ("out/headline_quick/sweeps" if args.quick else "out/sweeps")
    t0 = time.perf_counter()

    # The sweep first: its manifest records the commit, and the tree is still clean then.
    print("== 1/3 pressure sweep: war trajectory x Ukrainian strength", flush=True)
    spec = load_spec(PRESSURE_SPEC)
    if args.quick:
        spec = dataclasses.replace(spec, replicates=2)
    history.current_sweep(spec, sweeps / "belarus_pressure", args.workers)
    out = results / "pressure"
    out.mkdir(parents=True, exist_ok=True)
    write_report(sweeps / "belarus_pressure", out)
    shutil.copyfile(PRESSURE_SPEC, out / "spec.toml")
    (out / "README.md").write_text(
        PRESSURE_README.format(replicates=spec.replicates, steps=spec.steps)
    )
    print("== 2/3 posterior: estimates and the predictive check over the history", flush=True)
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
            str(results / "posterior"),
            "--work",
            str(
                root / ("out/headline_quick/validate" if args.quick else "out/calibration/validate")
            ),
        ]
    )

    print("== 3/3 history: the replay and its prior predictive check", flush=True)
    history.main(
        ["--workers", str(args.workers)]
        + (["--quick"] if args.quick else ["--out", str(results / "history")])
    )
    print(f"done in {time.perf_counter() - t0:.0f} s; figures under {results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
