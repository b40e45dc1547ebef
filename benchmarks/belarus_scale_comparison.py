"""What the scale factor changes: one 104-week run per (scale, scenario, seed), one JSON line each.

    .venv/bin/python benchmarks/belarus_scale_comparison.py N SCENARIO SEEDS
    # e.g. ... 100000 forced_intervention 0,1,2 >> results/benchmarks/belarus_scale_comparison.jsonl

Prints the final class, peak and mean weekly turnout, mean support level, each outcome's first
week and the wall time of the run.
"""

from __future__ import annotations

import json
import sys

from abm.runner import run


def main(argv: list[str]) -> int:
    n, scenario, seeds = int(argv[0]), argv[1], [int(s) for s in argv[2].split(",")]
    for seed in seeds:
        r = run("belarus", {"scenario": scenario, "n_citizens": n}, seed, 104)
        df = r.series
        row = {
            "n": n,
            "scenario": scenario,
            "seed": seed,
            "final": r.summary["final_class"],
            "peak_turnout": round(r.summary["peak_turnout"], 4),
            "mean_turnout": round(float(df.turnout.iloc[1:].mean()), 4),
            "mean_level": round(r.summary["mean_support_level"], 2),
            "weeks": {
                k: v for k, v in r.summary.items() if k.startswith("week_") and v is not None
            },
            "elapsed": round(r.elapsed_s, 1),
        }
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
