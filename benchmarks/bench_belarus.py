"""The Belarus model against Mesa 3.5.1's Epstein example; and the model at full scale.

    .venv/bin/python benchmarks/bench_belarus.py                 # side by side (~3 minutes)
    .venv/bin/python benchmarks/bench_belarus.py --full-scale    # + one agent per inhabitant
    .venv/bin/python benchmarks/bench_belarus.py --json out.json # also save the numbers

1. Side by side. One 104-week baseline run of ``BelarusModel`` at its default scale
   (``n_citizens`` = 10,000 on a 120 x 120 torus, every actor and mechanism on) against
   ``mesa.examples.advanced.epstein_civil_violence`` (``EpsteinCivilViolence``, stock
   ``EpsteinScenario``: citizen density 0.7, police 0.074, vision 7) on the same 120 x 120
   torus - about the same number of citizens - for the same 104 steps. The example is timed
   as shipped (its DataCollector gathers two agent reporters per agent per step) and, to be
   fair, also with model-level counts only (``--lean``). Both sides time ``run``/``step``
   only; building is timed separately; numba's compile time is excluded by a warm-up. The
   Belarus side is timed without and with Mesa agent faces for the citizens.
2. Full scale (``--full-scale``): one citizen agent per inhabitant (9,255,524 on a
   3,637 x 3,637 torus, faces off), 104 weeks, in a subprocess: wall time, build time,
   seconds per week and peak memory (maximum RSS). Writes its series and events next to the
   JSON when ``--json`` is given, so what the scale factor changes can be compared.

The machine has 2 cores and other processes may load it: the load average is printed; compare
numbers from the same session only.
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

STEPS = 104


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --------------------------------------------------------------------------- Belarus side
def time_belarus(reps: int, steps: int, faces: bool, seed0: int = 0) -> dict:
    from abm.belarus.model import BelarusModel

    BelarusModel({"n_citizens": 500}, rng=0, faces=False).run_for(3)  # numba warm-up
    builds, runs = [], []
    n_cit = 0
    for r in range(reps):
        t0 = time.perf_counter()
        m = BelarusModel(None, rng=seed0 + r, faces=faces)
        t1 = time.perf_counter()
        m.run_for(steps)
        t2 = time.perf_counter()
        builds.append(t1 - t0)
        runs.append(t2 - t1)
        n_cit = m.n_cit
    return {
        "citizens": n_cit,
        "grid": f"{m.width}x{m.height}",
        "faces": faces,
        "build_s": statistics.median(builds),
        "run_s": statistics.median(runs),
        "runs_s": runs,
        "final_class": m.final_class(),
    }


# ------------------------------------------------------------------------------ Mesa side
def time_mesa(side: int, steps: int, lean: bool, seed: int = 0) -> dict:
    import mesa
    from mesa.examples.advanced.epstein_civil_violence.model import (
        EpsteinCivilViolence,
        EpsteinScenario,
    )

    t0 = time.perf_counter()
    m = EpsteinCivilViolence(width=side, height=side, scenario=EpsteinScenario(rng=seed))
    if lean:
        m.datacollector = mesa.DataCollector(
            model_reporters={"active": "ACTIVE", "quiet": "QUIET", "arrested": "ARRESTED"}
        )
    t1 = time.perf_counter()
    for _ in range(steps):
        m.step()
    t2 = time.perf_counter()
    from mesa.examples.advanced.epstein_civil_violence.agents import Citizen

    return {
        "citizens": len(m.agents_by_type[Citizen]),
        "grid": f"{side}x{side}",
        "lean": lean,
        "build_s": t1 - t0,
        "run_s": t2 - t1,
    }


# ----------------------------------------------------------------------------- full scale
FULL_SCALE_CHILD = r"""
import json, resource, sys, time
from abm.belarus.model import BelarusModel
from abm.belarus.params import POPULATION_2022
steps, out = int(sys.argv[1]), sys.argv[2]
BelarusModel({"n_citizens": 500}, rng=0, faces=False).run_for(2)  # warm-up
t0 = time.perf_counter()
m = BelarusModel({"n_citizens": POPULATION_2022}, rng=0, faces=False)
t1 = time.perf_counter()
weeks = []
for w in range(steps):
    s = time.perf_counter()
    m.step()
    weeks.append(time.perf_counter() - s)
    if (w + 1) % 10 == 0:
        print(f"week {w + 1}: {sum(weeks):.0f} s", file=sys.stderr, flush=True)
t2 = time.perf_counter()
if out:
    m.series().to_csv(out + ".series.csv", index=False)
    with open(out + ".events.json", "w") as fh:
        json.dump(m.events, fh, indent=1)
print(json.dumps({
    "citizens": m.n_cit, "grid": f"{m.width}x{m.height}",
    "police_capacity": int(m.cop_capacity.sum()), "steps": steps,
    "build_s": t1 - t0, "run_s": t2 - t1, "wall_s": t2 - t0,
    "s_per_week_median": sorted(weeks)[len(weeks) // 2] if weeks else None,
    "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    "final_class": m.final_class(), "events": len(m.events),
}))
"""


def full_scale(steps: int, out_stem: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", FULL_SCALE_CHILD, str(steps), out_stem],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=STEPS)
    ap.add_argument("--reps", type=int, default=3, help="Belarus repetitions (median shown)")
    ap.add_argument("--lean", action="store_true", help="also time the lean Mesa example")
    ap.add_argument("--full-scale", action="store_true", help="also run one agent per person")
    ap.add_argument("--full-scale-only", action="store_true", help="only the full-scale run")
    ap.add_argument("--json", default=None, help="write the numbers to this JSON file")
    args = ap.parse_args(argv)

    out: dict = {"python": platform.python_version(), "cpus": os.cpu_count(), "steps": args.steps}
    print(f"load average before: {load()}")
    if not args.full_scale_only:
        bel = time_belarus(args.reps, args.steps, faces=False)
        bel_faces = time_belarus(1, args.steps, faces=True)
        side = int(bel["grid"].split("x")[0])
        mesa_stock = time_mesa(side, args.steps, lean=False)
        out.update(belarus=bel, belarus_faces=bel_faces, mesa=mesa_stock)
        print(
            f"Belarus baseline, {bel['citizens']:,} citizens on {bel['grid']}, {args.steps} "
            f"weeks: run {bel['run_s']:.3f} s (median of {args.reps}), "
            f"build {bel['build_s']:.3f} s; with citizen faces: run {bel_faces['run_s']:.3f} s, "
            f"build {bel_faces['build_s']:.3f} s"
        )
        print(
            f"Mesa 3.5.1 Epstein example, {mesa_stock['citizens']:,} citizens on "
            f"{mesa_stock['grid']}, {args.steps} steps: run {mesa_stock['run_s']:.1f} s, build "
            f"{mesa_stock['build_s']:.2f} s"
        )
        out["speedup_run"] = mesa_stock["run_s"] / bel["run_s"]
        out["speedup_total"] = (mesa_stock["run_s"] + mesa_stock["build_s"]) / (
            bel["run_s"] + bel["build_s"]
        )
        out["speedup_total_with_faces"] = (mesa_stock["run_s"] + mesa_stock["build_s"]) / (
            bel_faces["run_s"] + bel_faces["build_s"]
        )
        print(
            f"speed-up (run only) {out['speedup_run']:.0f}x; including build "
            f"{out['speedup_total']:.0f}x "
            f"(with citizen faces {out['speedup_total_with_faces']:.0f}x)"
        )
        if args.lean:
            lean = time_mesa(side, args.steps, lean=True)
            out["mesa_lean"] = lean
            out["speedup_run_lean"] = lean["run_s"] / bel["run_s"]
            print(
                f"lean Mesa example: run {lean['run_s']:.1f} s -> speed-up "
                f"{out['speedup_run_lean']:.0f}x"
            )
    if args.full_scale or args.full_scale_only:
        stem = os.path.splitext(args.json)[0] if args.json else ""
        fs = full_scale(args.steps, stem)
        out["full_scale"] = fs
        print(
            f"full scale: {fs['citizens']:,} citizens on {fs['grid']}, {fs['steps']} weeks: wall "
            f"{fs['wall_s'] / 60:.1f} min (build {fs['build_s']:.0f} s, median "
            f"{fs['s_per_week_median']:.1f} s/week), peak RSS {fs['peak_rss_gib']:.1f} GiB, "
            f"final class {fs['final_class']}"
        )
    print(f"load average after: {load()}")
    if args.json:
        tmp = args.json + ".tmp"
        with open(tmp, "w") as fh:
            json.dump(out, fh, indent=2)
        os.replace(tmp, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
