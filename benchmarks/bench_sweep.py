"""Sweep machinery at scale: parallel efficiency, per-run overhead, driver memory.

    .venv/bin/python benchmarks/bench_sweep.py            # full (several minutes)
    .venv/bin/python benchmarks/bench_sweep.py --quick    # smaller, for a smoke check

1. Parallel efficiency on 2 workers: the same 1000-run sweep (about 15 s of model time)
   with 1 and with 2 local workers, alternately twice, best of each; efficiency =
   T1 / (2 T2) (target >= 85 %). Walls are whole calls of run_sweep: checks, pool
   start-up and all.
2. Per-run overhead against calling ``abm.runner.run`` directly: sweeps of N1 and N2 runs
   on 1 worker; the slope (T(N2) - T(N1)) / (N2 - N1) is the cost of one more run through
   the sweep, compared with the mean time of the same runs called directly in this process
   (target < 5 %). The intercept is the fixed cost of a session (spawning the worker,
   loading the compiled kernels), reported separately.
3. Driver memory over a 10,000-run sweep of tiny runs on 2 workers: the driver's RSS is
   sampled every 0.2 s; flat means the last quarter's level is no higher than the first
   quarter's and the fitted slope is ~0 MB per 1000 runs.

Other processes on the machine slow every number down; run it on an idle machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil

from abm.runner import run
from abm.sweep import SweepSpec, build_design, run_sweep
from abm.sweep.driver import plan
from abm.sweep.read import read_table

# A representative run: Epstein run 2 on its 40 x 40 torus (about 0.1 s per run).
REAL = {
    "model": "epstein",
    "scenario": "run2",
    "steps": 100,
    "seed": 1,
    "fixed": {"arrest_rule": "floor"},
    "vary": {"legitimacy": {"range": [0.7, 0.9], "num": 5}},
}
# A tiny run (about 1 ms) so that 10,000 runs stress the driver, not the model.
TINY = {
    "model": "epstein",
    "steps": 10,
    "seed": 1,
    "keep_series": "all",
    "fixed": {"width": 12, "height": 12, "vision": 3, "cop_vision": 3},
    "vary": {"legitimacy": {"range": [0.6, 0.9], "num": 100}},
}


def spec(base: dict, replicates: int, name: str) -> SweepSpec:
    return SweepSpec.from_dict({**base, "replicates": replicates, "name": name})


def session(s: SweepSpec, workers: int, root: Path, tag: str, **kw):
    """Run a sweep into a fresh folder; its summary and the model time its runs reported."""
    out = root / tag
    summary = run_sweep(s, out, workers=workers, progress=False, **kw)
    assert summary.failed == 0 and summary.pending == 0, summary
    model_s = float(read_table(out, "runs").elapsed_s.sum())
    shutil.rmtree(out)
    return summary, model_s


def direct_mean(s: SweepSpec, limit: int) -> float:
    """Mean wall time of the sweep's first ``limit`` runs called directly."""
    design = build_design(s)
    tasks = [plan(s, design, p, r) for p in range(len(design)) for r in range(s.replicates)]
    run(s.model, tasks[0].params, tasks[0].seed, s.steps)  # warm the compiled kernels
    t0 = time.perf_counter()
    for t in tasks[:limit]:
        run(s.model, t.params, t.seed, s.steps)
    return (time.perf_counter() - t0) / min(limit, len(tasks))


def parallel_efficiency(root: Path, replicates: int, repeats: int = 2) -> None:
    """T1 and T2 measured alternately ``repeats`` times; the best of each counts (other
    processes on the machine only ever slow a measurement down)."""
    s = spec(REAL, replicates, "efficiency")
    n = 5 * replicates
    t1s, t2s = [], []
    for i in range(repeats):
        t1s.append(session(s, 1, root, f"w1-{i}")[0].wall_s)
        t2s.append(session(s, 2, root, f"w2-{i}")[0].wall_s)
    t1, t2 = min(t1s), min(t2s)
    shown = ", ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(t1s, t2s, strict=True))
    print(f"parallel efficiency: {n} runs, T1/T2 per repeat {shown} s; load {load()}")
    print(f"  best: 1 worker {t1:.2f} s, 2 workers {t2:.2f} s, speed-up {t1 / t2:.2f}")
    print(f"  efficiency T1/(2 T2) = {100 * t1 / (2 * t2):.1f} %")


def load() -> str:
    """1-minute load average: above ~0.5 someone else was using the cores too."""
    return f"{os.getloadavg()[0]:.2f}"


def overhead(root: Path, reps_small: int, reps_large: int) -> None:
    small, large = spec(REAL, reps_small, "small"), spec(REAL, reps_large, "large")
    n1, n2 = 5 * reps_small, 5 * reps_large
    direct = direct_mean(large, n2)
    (s1, m1), (s2, m2) = session(small, 1, root, "n1"), session(large, 1, root, "n2")
    w1, w2 = s1.wall_s, s2.wall_s
    per_run = (w2 - w1) / (n2 - n1)
    fixed = w1 - n1 * per_run
    in_worker = (m2 - m1) / (n2 - n1)
    machinery = per_run - in_worker
    print(f"per-run overhead: direct abm.runner.run {1000 * direct:.2f} ms/run ({n2} runs)")
    print(f"  sweep, 1 worker: {n1} runs {w1:.2f} s, {n2} runs {w2:.2f} s")
    print(
        f"  marginal {1000 * per_run:.2f} ms/run: {100 * (per_run / direct - 1):+.1f} % vs direct"
    )
    print(
        f"  of which the model timed inside the worker {1000 * in_worker:.2f} ms/run, "
        f"sweep machinery {1000 * machinery:.2f} ms/run ({100 * machinery / direct:+.1f} %)"
    )
    print(f"  fixed session cost (checks, spawn, kernel load) {fixed:.2f} s")
    print(f"  whole {n2}-run session vs direct: {100 * (w2 / (n2 * direct) - 1):+.1f} %")
    print(f"  load {load()}")


def driver_memory(root: Path, replicates: int) -> None:
    s = spec(TINY, replicates, "memory")
    n = 100 * replicates
    proc = psutil.Process()
    samples: list[tuple[float, float]] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append((time.perf_counter(), proc.memory_info().rss / 2**20))
            stop.wait(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    t0 = time.perf_counter()
    thread.start()
    try:
        summary = session(s, 2, root, "mem")[0]
    finally:
        stop.set()
        thread.join()
    t = np.array([x[0] - t0 for x in samples])
    rss = np.array([x[1] for x in samples])
    q = max(1, len(rss) // 4)
    # drop the first seconds (imports, pool start) before fitting the trend
    steady = t > t[-1] * 0.1
    slope = np.polyfit(t[steady], rss[steady], 1)[0] if steady.sum() > 2 else float("nan")
    runs_per_s = n / summary.wall_s
    print(
        f"driver memory: {n} runs on 2 workers in {summary.wall_s:.1f} s ({runs_per_s:.0f} runs/s)"
    )
    print(
        f"  RSS MB: first quarter median {statistics.median(rss[:q]):.1f}, "
        f"last quarter median {statistics.median(rss[-q:]):.1f}, peak {rss.max():.1f}"
    )
    print(f"  trend {1000 * slope / runs_per_s:+.2f} MB per 1000 runs ({len(rss)} samples)")
    print(f"  load {load()}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a smoke check)")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench_sweep_"))
    try:
        if args.quick:
            parallel_efficiency(root, 8)
            overhead(root, 4, 12)
            driver_memory(root, 10)
        else:
            parallel_efficiency(root, 200)
            overhead(root, 40, 200)
            driver_memory(root, 100)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
