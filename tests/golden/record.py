"""The golden master: what every named scenario, Epstein preset and a small sweep produce.

``python tests/golden/record.py`` (re)writes ``tests/golden/*.json``; ``test_golden.py``
recomputes the same runs and compares. A refactor must leave these files unchanged; an
issue that changes behaviour regenerates them on purpose and says why in its commit.

Series are stored as one SHA-256 per column (over the column's dtype and raw bytes), so a
file stays small while any changed bit in any week is caught; summaries and events are
stored in full so that a failure shows what moved.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEEDS = (1, 2, 3)
#: Belarus runs are shortened to keep the test fast; every scenario's mechanisms fire by then
#: (forced intervention at week 10, rising desperation ramps from week 0).
BELARUS_STEPS = 60
EPSTEIN_STEPS = 80


def column_digest(col: pd.Series) -> str:
    arr = np.ascontiguousarray(col.to_numpy())
    h = hashlib.sha256(str(arr.dtype).encode())
    if arr.dtype == object:
        h.update(json.dumps([None if v is None else str(v) for v in arr]).encode())
    else:
        h.update(arr.tobytes())
    return h.hexdigest()[:20]


def frame_digest(df: pd.DataFrame) -> dict[str, str]:
    return {str(c): column_digest(df[c]) for c in df.columns}


def plain(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value)  # exact, and JSON-safe for nan/inf
    if isinstance(value, np.generic):
        return plain(value.item())
    return value


def run_record(model: str, params: dict[str, Any], seed: int, steps: int) -> dict[str, Any]:
    from abm.runner import run

    r = run(model, params, seed, steps)
    return {
        "summary": {k: plain(v) for k, v in sorted(r.summary.items())},
        "params": hashlib.sha256(
            json.dumps({k: plain(v) for k, v in sorted(r.params.items())}).encode()
        ).hexdigest()[:20],
        "events": [list(e) for e in r.events],
        "series": frame_digest(r.series),
    }


def belarus_cases() -> dict[str, dict[str, Any]]:
    from abm.belarus.scenarios import scenario_names

    return {
        f"{name}/seed{seed}": run_record("belarus", {"scenario": name}, seed, BELARUS_STEPS)
        for name in scenario_names()
        for seed in SEEDS
    }


def epstein_cases() -> dict[str, dict[str, Any]]:
    from abm.engine.presets import preset_names

    return {
        f"{name}/seed{seed}": run_record("epstein", {"scenario": name}, seed, EPSTEIN_STEPS)
        for name in preset_names()
        for seed in SEEDS[:2]
    }


def sweep_cases() -> dict[str, dict[str, Any]]:
    """A small grid sweep of each model: its run and series tables, id columns included."""
    from abm.sweep import SweepSpec, Vary, run_sweep
    from abm.sweep.read import read_table

    specs = {
        "belarus": SweepSpec(
            model="belarus",
            vary={"sanctions": Vary(values=(0.2, 0.8))},
            fixed={"n_citizens": 2000},
            replicates=2,
            steps=30,
            seed=7,
            keep_series=("turnout", "support_level", "exasperation"),
        ),
        "epstein": SweepSpec(
            model="epstein",
            vary={"legitimacy": Vary(values=(0.7, 0.85))},
            scenario="run1",
            replicates=2,
            steps=40,
            seed=11,
            keep_series=("active", "jailed"),
        ),
    }
    out: dict[str, dict[str, Any]] = {}
    for name, spec in specs.items():
        with tempfile.TemporaryDirectory() as tmp:
            run_sweep(spec, Path(tmp) / name, workers=1, progress=False)
            runs = read_table(Path(tmp) / name, "runs")
            runs = runs.drop(columns=[c for c in runs.columns if c in VOLATILE])
            series = read_table(Path(tmp) / name, "series")
        out[name] = {
            "runs_columns": sorted(runs.columns),
            "runs": frame_digest(runs[sorted(runs.columns)]),
            "series": frame_digest(series[sorted(series.columns)]),
        }
    return out


#: Run-table columns that measure the machine, not the model.
VOLATILE = {"elapsed_s", "worker", "host", "pid", "started", "finished"}

CASES = {"belarus": belarus_cases, "epstein": epstein_cases, "sweep": sweep_cases}


def path(name: str) -> Path:
    return HERE / f"{name}.json"


def main(names: list[str]) -> int:
    for name in names or list(CASES):
        path(name).write_text(json.dumps(CASES[name](), indent=1, sort_keys=True) + "\n")
        print(f"wrote {path(name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
