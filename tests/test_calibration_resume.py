"""A killed calibration resumes without losing the accepted particles of its completed
generations (issue 13): SIGKILL mid-run, then ``calibrate(..., resume=True)``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import calibration_toy as toy
import pandas as pd
import pyabc
import pytest

from abm.calibration.abc import calibrate
from abm.errors import ParameterError

TESTS = Path(__file__).resolve().parent


def populations(db: Path) -> dict[int, pd.DataFrame]:
    h = pyabc.History(f"sqlite:///{db}")
    out = {}
    for t in range(h.max_t + 1):
        df, w = h.get_distribution(0, t)
        out[t] = df.assign(w=w).sort_values("mu").reset_index(drop=True)
    return out


def test_resume_after_sigkill_keeps_completed_generations(tmp_path):
    spec = toy.spec(population=100, generations=4, quantile=0.8)
    out = tmp_path / "post"
    code = (
        "import sys, calibration_toy as toy\n"
        "from abm.calibration.abc import calibrate\n"
        f"calibrate(toy.spec(**{spec['abc']!r}), {str(out)!r})\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stderr=subprocess.PIPE, text=True, env=env
    )
    seen = []
    deadline = time.monotonic() + 120
    try:
        for line in proc.stderr:  # kill as soon as generation 1 is stored
            seen.append(line)
            if "generation 1 " in line or time.monotonic() > deadline:
                break
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "".join(seen)
    assert not (out / "posterior.parquet").exists()
    before = populations(out / "abc.db")
    assert len(before) >= 2
    # without --resume the folder is refused; with it the run finishes
    with pytest.raises(ParameterError, match="resume"):
        calibrate(spec, out, progress=False)
    calibrate(spec, out, resume=True, progress=False)
    after = populations(out / "abc.db")
    assert len(after) == 4
    for t, df in before.items():
        pd.testing.assert_frame_equal(after[t], df)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["generations"] == 4 and manifest["accepted"] == 100


def test_resume_with_a_larger_budget_equals_an_uninterrupted_run(tmp_path):
    # one process (workers = 1): the proposals are seeded per (seed, t), so a run stopped
    # after 2 generations and resumed to 3 is the uninterrupted 3-generation run, bit for bit
    calibrate(toy.spec(population=60, generations=3), tmp_path / "whole", progress=False)
    calibrate(toy.spec(population=60, generations=2), tmp_path / "split", progress=False)
    first = pd.read_parquet(tmp_path / "split" / "posterior.parquet")
    calibrate(
        toy.spec(population=60, generations=3), tmp_path / "split", resume=True, progress=False
    )
    whole = pd.read_parquet(tmp_path / "whole" / "posterior.parquet")
    split = pd.read_parquet(tmp_path / "split" / "posterior.parquet")
    pd.testing.assert_frame_equal(whole, split)
    assert not first.equals(split)
    assert populations(tmp_path / "whole" / "abc.db")[1].equals(
        populations(tmp_path / "split" / "abc.db")[1]
    )


def test_resume_refuses_another_problem(tmp_path):
    calibrate(toy.spec(population=20, generations=1), tmp_path / "p", progress=False)
    with pytest.raises(ParameterError) as err:
        calibrate(
            {**toy.spec(population=20, generations=2), "seed": 99}, tmp_path / "p", resume=True
        )
    assert err.value.field == "SPEC" and "seed" in str(err.value.value)
    with pytest.raises(ParameterError) as err:
        calibrate(toy.spec(), tmp_path / "nothing", resume=True)
    assert err.value.field == "--resume"


def test_a_generation_the_budget_cuts_short_is_counted_in_the_record(tmp_path):
    """pyabc keeps no part of an unfilled generation; its runs still cost time and must
    appear in the manifest, or runs per second and 'simulations used' are wrong."""
    spec = toy.spec(population=50, generations=5, quantile=0.2, max_simulations=200)
    out = calibrate(spec, tmp_path / "post", progress=False)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["simulations"] < 200
    assert manifest["simulations_discarded"] > 0
    assert manifest["simulations"] + manifest["simulations_discarded"] <= 200 + 2
