"""Killing the driver: after SIGKILL mid-sweep (no chance to clean up) or SIGINT (clean
stop), resuming gives exactly the rows of an uninterrupted sweep - none lost, none doubled,
every value equal - and the killed driver's worker processes do not linger."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from abm.sweep import run_sweep
from abm.sweep.read import read_table

SPEC = """
name = "killme"
model = "epstein"
steps = 100
replicates = 6
seed = 99
keep_series = ["active"]

[fixed]
width = 16
height = 16
vision = 3
cop_vision = 3

[vary]
legitimacy = { range = [0.5, 0.9], num = 5 }
k = { values = [1.5, 2.3, 4.0] }
"""
PLANNED = 5 * 3 * 6


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "killme.toml"
    path.write_text(SPEC)
    return path


@pytest.fixture(scope="module")
def uninterrupted(spec_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "sweep"
    run_sweep(spec_file, out, workers=2, progress=False)
    return out


def start_driver(spec_file: Path, out: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "abm.cli", "sweep", str(spec_file), "--out", str(out)]
    cmd += ["--workers", "2", "--batch-size", "3", "--no-progress"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_parts(proc: subprocess.Popen, out: Path, n: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(list((out / "runs").glob("*.parquet"))) >= n:
            return
        if proc.poll() is not None:
            pytest.fail(f"driver ended before being killed: {proc.communicate()}")
        time.sleep(0.01)
    proc.kill()
    pytest.fail("no part files appeared")


def assert_same(a: Path, b: Path) -> None:
    runs_a = read_table(a, "runs").drop(columns="elapsed_s")
    runs_b = read_table(b, "runs").drop(columns="elapsed_s")
    assert len(runs_a) == PLANNED
    pd.testing.assert_frame_equal(runs_a, runs_b, check_exact=True)
    pd.testing.assert_frame_equal(
        read_table(a, "series"), read_table(b, "series"), check_exact=True
    )


def test_sigkill_mid_sweep_then_resume_equals_an_uninterrupted_sweep(
    spec_file, uninterrupted, tmp_path
):
    out = tmp_path / "killed"
    proc = start_driver(spec_file, out)
    wait_for_parts(proc, out, 3)
    workers = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    # the orphaned workers notice and exit instead of lingering
    gone, alive = psutil.wait_procs(workers, timeout=20)
    assert not alive, f"worker processes outlived the driver: {alive}"

    done_before = len(read_table(out, "runs"))
    assert 0 < done_before < PLANNED  # it really was mid-sweep
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "running"  # never got to say otherwise

    summary = run_sweep(spec_file, out, workers=2, progress=False)
    assert summary.skipped == done_before
    assert summary.done == PLANNED - done_before
    assert summary.status == "complete"
    assert_same(uninterrupted, out)
    assert not list(out.rglob(".*.tmp"))
    sessions = json.loads((out / "manifest.json").read_text())["sessions"]
    assert [s["status"] for s in sessions] == ["killed", "complete"]


def test_sigint_stops_cleanly_and_resume_completes_it(spec_file, uninterrupted, tmp_path):
    out = tmp_path / "stopped"
    proc = start_driver(spec_file, out)
    wait_for_parts(proc, out, 2)
    os.kill(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "SIGINT: stopping" in stderr
    assert "sweep interrupted" in stdout and "abm sweep --resume" in stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    assert manifest["sessions"][-1]["signal"] == "SIGINT"
    counts = manifest["counts"]
    assert counts["done"] == len(read_table(out, "runs")) and counts["pending"] > 0

    summary = run_sweep(spec_file, out, workers=2, progress=False)
    assert summary.done == counts["pending"]
    assert_same(uninterrupted, out)


def test_a_second_sigint_abandons_running_batches_and_kills_the_workers(tmp_path):
    spec_file = tmp_path / "long.toml"
    spec_file.write_text(SPEC.replace("replicates = 6", "replicates = 20"))
    out = tmp_path / "abandoned"
    cmd = [sys.executable, "-m", "abm.cli", "sweep", str(spec_file), "--out", str(out)]
    cmd += ["--workers", "2", "--batch-size", "30", "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_parts(proc, out, 1)
    workers = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGINT)
    time.sleep(0.05)  # batches of 30 runs are still running
    os.kill(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "abandoning" in stderr and "Traceback" not in stderr
    gone, alive = psutil.wait_procs(workers, timeout=20)
    assert not alive
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["counts"]["pending"] > 0
    assert manifest["counts"]["done"] == len(read_table(out, "runs"))

    summary = run_sweep(spec_file, out, workers=2, progress=False)
    assert summary.done == manifest["counts"]["pending"]
    runs = read_table(out, "runs")  # raises if a run were stored twice
    assert len(runs) == 5 * 3 * 20
