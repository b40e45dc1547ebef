"""Sweeps at scale: declarative experiment specs, independent seeds, parallel and
distributed execution, crash-safe Parquet storage and resume (docs/sweeps.md).

    from abm.sweep import SweepSpec, Vary, Design, run_sweep
    spec = SweepSpec(model="epstein", vary={"legitimacy": Vary(range=(0.6, 0.9), num=4)},
                     replicates=5, steps=100, seed=1)
    summary = run_sweep(spec, "out/legitimacy", workers=2)
"""

from abm.sweep.design import DesignTable, build_design
from abm.sweep.driver import run_sweep, run_sweep_current
from abm.sweep.progress import SweepSummary
from abm.sweep.seeds import run_id, run_seed
from abm.sweep.spec import Design, SweepSpec, Vary, load_spec

__all__ = [
    "Design",
    "DesignTable",
    "SweepSpec",
    "SweepSummary",
    "Vary",
    "build_design",
    "load_spec",
    "run_id",
    "run_seed",
    "run_sweep",
    "run_sweep_current",
]
