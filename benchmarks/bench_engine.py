"""The civil-violence engine against Mesa 3.5.1's bundled Epstein example; scaling; memory.

    .venv/bin/python benchmarks/bench_engine.py              # full (about 3 minutes)
    .venv/bin/python benchmarks/bench_engine.py --quick      # smaller, for a smoke check
    .venv/bin/python benchmarks/bench_engine.py --json out.json   # also save the numbers

1. Side by side, same rules, same sizes: ``mesa.examples.advanced.epstein_civil_violence``
   (``EpsteinCivilViolence`` with its default ``EpsteinScenario``: citizen density 0.7,
   police 0.074, vision 7 von Neumann, round(C/A), L = 0.8, J_max 1000, random activation)
   and this engine's ``mesa_example`` preset (the same rules, including the example's act
   then move and the jailed keeping their cell), at 40 x 40 and 200 x 200.
   Data collection is made equivalent: the example collects two *agent* reporters for every
   agent every step; ``LeanMesaExample`` below replaces its DataCollector with the three
   model-level counts it already reports (active, quiet, arrested), which is what our
   model collects too (quiet, active, jailed, plus legitimacy, police, arrests).
   Both sides time ``step()`` only, from a freshly built model, for the same number of
   steps; model construction is excluded on both sides, and numba's compile time is
   excluded by a warm-up run before any timing. Each side is repeated; medians are shown.
   Rate = citizens x steps / seconds.
2. Scaling from 10^3 to 10^6 citizens at the same densities: seconds per citizen-step,
   each size in its own subprocess, with peak memory (the process's maximum RSS, and
   tracemalloc's peak of the allocations made while building and stepping the model).

Other processes slow every number down (the machine has 2 cores): the load average is
printed before and after; compare sides measured in the same session only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

DENSITY = 0.7


# ------------------------------------------------------------------------- Mesa side
def lean_mesa_class():
    import mesa
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    class LeanMesaExample(EpsteinCivilViolence):
        """Mesa's example with model-level data collection only (see the module docstring)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.datacollector = mesa.DataCollector(
                model_reporters={"active": "ACTIVE", "quiet": "QUIET", "arrested": "ARRESTED"}
            )
            self.datacollector.collect(self)

    return LeanMesaExample


def time_mesa(side: int, steps: int, seed: int) -> dict:
    from mesa.examples.advanced.epstein_civil_violence.agents import Citizen
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinScenario

    model = lean_mesa_class()(side, side, scenario=EpsteinScenario(rng=seed))
    n = len(model.agents_by_type[Citizen])
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        model.step()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return {"citizens": n, "steps": steps, "wall": wall, "cpu": cpu}


# ------------------------------------------------------------------------- our side
def engine_params(side: int) -> dict:
    from abm.engine.presets import preset

    overrides, _, _ = preset("mesa_example")
    return overrides | {"width": side, "height": side}


def time_engine(side: int, steps: int, seed: int, faces: bool | None = None) -> dict:
    from abm.engine.model import EpsteinModel

    model = EpsteinModel(engine_params(side), rng=seed, faces=faces)
    n = model.world.n_cit
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        model.step()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return {"citizens": n, "steps": steps, "wall": wall, "cpu": cpu}


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel before anything is timed."""
    from abm.engine.model import EpsteinModel

    EpsteinModel(engine_params(20) | {"vision": 3, "cop_vision": 3}, rng=0).run_for(3)


def median_rate(runs: list[dict], key: str) -> float:
    return statistics.median(r["citizens"] * r["steps"] / r[key] for r in runs)


def side_by_side(sizes, mesa_steps, mesa_repeats, engine_repeats) -> list[dict]:
    warm_up()
    rows = []
    for side in sizes:
        steps = mesa_steps[side]
        mesa_runs = [time_mesa(side, steps, seed) for seed in range(mesa_repeats)]
        ours = [time_engine(side, steps, seed) for seed in range(engine_repeats)]
        row = {
            "grid": f"{side}x{side}",
            "steps": steps,
            "mesa_citizens": statistics.median(r["citizens"] for r in mesa_runs),
            "engine_citizens": ours[0]["citizens"],
            "mesa_repeats": mesa_repeats,
            "engine_repeats": engine_repeats,
        }
        for key in ("wall", "cpu"):
            row[f"mesa_rate_{key}"] = median_rate(mesa_runs, key)
            row[f"engine_rate_{key}"] = median_rate(ours, key)
            row[f"ratio_{key}"] = row[f"engine_rate_{key}"] / row[f"mesa_rate_{key}"]
        rows.append(row)
        print(
            f"  {row['grid']:>9}  {steps:>4} steps  Mesa {row['mesa_rate_wall']:>11,.0f}"
            f"  engine {row['engine_rate_wall']:>13,.0f}  ratio {row['ratio_wall']:>6.0f}x"
            f"   (CPU time: {row['mesa_rate_cpu']:,.0f} / {row['engine_rate_cpu']:,.0f} ="
            f" {row['ratio_cpu']:.0f}x)",
            flush=True,
        )
    return rows


# --------------------------------------------------------------------------- scaling
def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM). Unlike ``getrusage``'s ru_maxrss, which
    Linux carries over from the parent across fork and exec, it covers this process only."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scaling_child(n_citizens: int, steps: int) -> dict:
    """Run in a fresh process: build, warm up one step, time ``steps``; measure memory."""
    import tracemalloc

    from abm.engine.model import EpsteinModel

    warm_up()
    side = round((n_citizens / DENSITY) ** 0.5)
    base_rss = peak_rss_mb()
    tracemalloc.start()
    model = EpsteinModel(engine_params(side), rng=1, faces=False)
    model.step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n = model.world.n_cit
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        model.step()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return {
        "side": side,
        "citizens": n,
        "steps": steps,
        "ns_per_citizen_step_wall": wall / (n * steps) * 1e9,
        "ns_per_citizen_step_cpu": cpu / (n * steps) * 1e9,
        "tracemalloc_peak_mb": peak / 2**20,
        "maxrss_mb": peak_rss_mb(),
        "baseline_maxrss_mb": base_rss,
    }


def scaling(sizes: list[int], budget: float) -> list[dict]:
    """One subprocess per size; about ``budget`` citizen-steps each (at least 5 steps)."""
    rows = []
    for n in sizes:
        steps = max(5, int(budget / n))
        code = (
            "import json, sys; sys.path.insert(0, 'benchmarks'); import bench_engine as b; "
            f"print(json.dumps(b.scaling_child({n}, {steps})))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        row = json.loads(out.strip().splitlines()[-1])
        rows.append(row)
        print(
            f"  {row['citizens']:>9,} citizens ({row['side']}x{row['side']}, {steps} steps):"
            f" {row['ns_per_citizen_step_wall']:6.0f} ns/citizen-step wall,"
            f" {row['ns_per_citizen_step_cpu']:6.0f} CPU;"
            f" peak RSS {row['maxrss_mb']:7.0f} MB (baseline {row['baseline_maxrss_mb']:.0f}),"
            f" tracemalloc peak {row['tracemalloc_peak_mb']:7.1f} MB",
            flush=True,
        )
    per = [r["ns_per_citizen_step_cpu"] for r in rows]
    print(f"  max/min time per citizen-step across sizes (CPU): {max(per) / min(per):.2f}")
    return rows


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            names = [ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer steps and repeats")
    ap.add_argument("--no-mesa", action="store_true", help="skip the side-by-side comparison")
    ap.add_argument("--no-scaling", action="store_true", help="skip the scaling runs")
    ap.add_argument("--json", help="write all numbers to this file")
    args = ap.parse_args(argv)

    import mesa
    import numba

    info = machine() | {"mesa": mesa.__version__, "numba": numba.__version__}
    info["load_before"] = os.getloadavg()
    print(
        f"machine: {info['cpu']}, {info['cores']} cores; Python {info['python']}, "
        f"Mesa {info['mesa']}, numba {info['numba']}; load average {info['load_before']}"
    )
    result: dict = {"machine": info}
    if not args.no_mesa:
        print(
            "\n1. Mesa 3.5.1's Epstein example vs this engine (citizen-steps per second, "
            "wall clock; numba compile time excluded by a warm-up)"
        )
        if args.quick:
            steps, reps = {40: 20, 200: 1}, (2, 10)
        else:
            steps, reps = {40: 100, 200: 5}, (3, 30)
        result["side_by_side"] = side_by_side([40, 200], steps, *reps)
    if not args.no_scaling:
        print("\n2. Scaling (engine only, same densities; one fresh process per size)")
        sizes = [10**3, 10**4, 10**5] if args.quick else [10**3, 10**4, 10**5, 10**6]
        result["scaling"] = scaling(sizes, budget=2e6 if args.quick else 1e7)
    info["load_after"] = os.getloadavg()
    print(f"\nload average after: {info['load_after']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2, default=float)
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
