"""What ABC-SMC costs: simulations per second of a small calibration against a plain sweep
of the same number of runs of the same model, pyabc's overhead, and an estimate of the full
calibration's wall time on a Dask cluster of N workers (issue 13, part 7).

    .venv/bin/python benchmarks/bench_calibration.py                 # Belarus, small
    .venv/bin/python benchmarks/bench_calibration.py --population 40 --generations 3
    .venv/bin/python benchmarks/bench_calibration.py --spec experiments/calibration.toml \\
        --n-citizens 10000 --population 20 --generations 2

1. Calibration: ``calibrate()`` of the spec (default experiments/calibration.toml) with a
   small population, ``--generations`` generations, ``--n-citizens`` citizens, on
   ``--workers`` local processes: its wall time and simulations.
2. Sweep: ``run_sweep`` of as many runs of the same model, scenario, fixed values and steps,
   the estimated parameters drawn by a Latin hypercube over their priors (log-scale priors in
   log10), on the same number of workers.
3. Overhead: the share of the calibration's wall time beyond the sweep's rate,
   1 - (calibration sims/s) / (sweep sims/s): pyabc's proposals, its SQLite history, the
   generation barriers (each generation waits for its slowest run) and the start-up.
4. A Dask cluster of N workers for the full spec (its own population, generations and
   n_citizens; one run of it timed here; the acceptance rates measured in 1): wall ~
   simulations x cost per run / N plus, per generation, one slowest run (the barrier) and
   the per-generation overhead measured in 1. An estimate,
   not a measurement: real clusters add scheduling and data transfer.

No assertion: a table on stdout. Other processes on the machine slow every number down.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from abm.calibration.abc import calibrate
from abm.calibration.spec import CalibrationSpec, read_spec
from abm.runner import run
from abm.sweep import Design, SweepSpec, Vary, run_sweep
from abm.sweep.read import read_table


def small_spec(spec: CalibrationSpec, args) -> CalibrationSpec:
    d = spec.to_dict()
    d["fixed"] = {**d["fixed"], "n_citizens": args.n_citizens}
    d["abc"] = {
        **d["abc"],
        "population": args.population,
        "generations": args.generations,
        "workers": args.workers,
        "max_simulations": 10**6,
    }
    return CalibrationSpec.from_dict(d)


def sweep_spec(spec: CalibrationSpec, runs: int, steps: int) -> SweepSpec:
    vary = {
        p.name: Vary(range=(p.low, p.high), scale=p.scale if p.scale == "log" else "linear")
        for p in spec.priors()
    }
    return SweepSpec(
        model=spec.model,
        name="bench_calibration_sweep",
        scenario=spec.scenario,
        fixed=dict(spec.fixed),
        vary=vary,
        design=Design("lhs", n=runs, seed=spec.seed),
        replicates=1,
        steps=steps,
        seed=spec.seed,
        imports=spec.imports,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec", default="experiments/calibration.toml")
    ap.add_argument("--population", type=int, default=20)
    ap.add_argument("--generations", type=int, default=2)
    ap.add_argument("--n-citizens", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cluster", default="8,32,128,512", help="Dask worker counts to estimate")
    args = ap.parse_args(argv)

    full = read_spec(args.spec)
    spec = small_spec(full, args)
    steps = spec.target().steps
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        out = calibrate(spec, Path(tmp) / "calibration", progress=True)
        calib_wall = time.perf_counter() - t0
        pops = pd.read_csv(out / "populations.csv")
        sims = int(pops["simulations"].sum())
        gen_wall = pops["wall_s"].to_numpy()

        t0 = time.perf_counter()
        summary = run_sweep(
            sweep_spec(spec, sims, steps), Path(tmp) / "sweep", workers=args.workers, progress=False
        )
        sweep_wall = time.perf_counter() - t0
        runs = read_table(Path(tmp) / "sweep", "runs")
        per_run = float(runs["elapsed_s"].mean()) if "elapsed_s" in runs else math.nan
        slowest = float(runs["elapsed_s"].max()) if "elapsed_s" in runs else math.nan

    calib_rate = sims / calib_wall
    sweep_rate = (summary.done + summary.failed) / sweep_wall
    overhead = 1 - calib_rate / sweep_rate
    # the overhead per generation beyond the runs' share of the workers' time
    per_gen_overhead = max(0.0, (calib_wall - sims * per_run / args.workers) / len(pops))
    print()
    print(f"model {spec.model}, scenario {spec.scenario}, steps {steps}, "
          f"n_citizens {args.n_citizens}, workers {args.workers}")  # fmt: skip
    print(f"{'':24}{'runs':>8}{'wall s':>10}{'runs/s':>10}")
    print(f"{'calibration (pyabc)':24}{sims:>8}{calib_wall:>10.1f}{calib_rate:>10.3f}")
    n_sweep = summary.done + summary.failed
    print(f"{'sweep (run_sweep)':24}{n_sweep:>8}{sweep_wall:>10.1f}{sweep_rate:>10.3f}")
    print(f"pyabc overhead: {100 * overhead:.0f} % of the calibration's wall time "
          f"(per generation ~{per_gen_overhead:.1f} s beyond the runs); mean run "
          f"{per_run:.2f} s, slowest {slowest:.2f} s")  # fmt: skip
    print(f"generation walls (s): {', '.join(f'{w:.1f}' for w in gen_wall)}")

    # the full spec on a cluster: simulations from the acceptance rates measured here
    rates = pops["acceptance_rate"].to_numpy()[1:] if len(pops) > 1 else [0.3]
    rate = float(pd.Series(rates).mean()) if len(rates) else 0.3
    fa = full.abc
    full_sims = min(
        fa.max_simulations, fa.population * (1 + (fa.generations - 1) / max(rate, 1e-3))
    )
    # one run of the full spec (its n_citizens) at the priors' medians, timed here
    theta = {p.name: float(p.from_unit(0.5)) for p in full.priors()}
    seed = full.seed_for(theta)
    t0 = time.perf_counter()
    run(full.model, full.params_for(theta, seed), seed, steps=steps)
    cost = time.perf_counter() - t0
    print()
    n_full = full.fixed.get("n_citizens")
    print(f"full spec {args.spec}: population {fa.population}, generations {fa.generations}, "
          f"~{full_sims:.0f} runs at acceptance {rate:.2f}; one run {cost:.1f} s at "
          f"n_citizens {n_full} (one run timed at the priors' medians)")  # fmt: skip
    print(f"{'workers':>8}{'wall h':>10}")
    for n in [args.workers, *(int(x) for x in args.cluster.split(","))]:
        wall = full_sims * cost / n + fa.generations * (per_gen_overhead + cost * slowest / per_run)
        print(f"{n:>8}{wall / 3600:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
