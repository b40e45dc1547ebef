"""Fault injection: what a failing machine or a careless hand does to a sweep folder is
detected, named and repaired, never silently used - damaged, truncated and duplicated parts,
a full disk, a corrupt manifest, a code change, a run that hangs, signals to the whole
process group and a Ctrl-C while the sweep is starting - and the exit codes say what
happened (docs/reliability.md).

The toy model below is registered by this module; specs name it in ``imports`` so spawned
workers (and CLI subprocesses, through PYTHONPATH) import it too.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from abm import catalog
from abm.cli import main
from abm.contract import RunResult
from abm.params import Param, ParamSet
from abm.sweep import SweepSpec, run_sweep
from abm.sweep.errors import StoreError
from abm.sweep.read import read_table, verify

TOY = "sweep_fault_toy"
HERE = Path(__file__).parent


def run_toy(setup, seed):
    """A cheap run; x == 99 sleeps for ever in small steps (a hung run); ``nap`` seconds
    of sleep per run make a sweep last long enough to be signalled."""
    params, steps = setup.params, setup.steps
    x = int(params.get("x", 0))
    nap = float(params.get("nap", 0.0))
    if x == 99:
        while True:
            time.sleep(0.05)
    time.sleep(nap)
    series = pd.DataFrame({"step": range(steps + 1), "v": [x * t for t in range(steps + 1)]})
    return RunResult(TOY, dict(params), seed, steps, {"y": x + seed % 7}, series)


catalog.register(
    catalog.Entry(
        TOY,
        "sweep fault toy",
        ParamSet(
            [
                Param("x", 0, "int", "toy input", low=0, high=100),
                Param("nap", 0.0, "float", "seconds each run sleeps", "s", 0, 10),
            ]
        ),
        run_toy,
        default_steps=3,
    )
)


def spec_dict(xs=range(6), **over) -> dict:
    d = {
        "model": TOY,
        "name": "faults",
        "imports": [__name__],
        "steps": 3,
        "replicates": 2,
        "seed": 5,
        "keep_series": "all",
        "vary": {"x": {"values": list(xs)}},
    }
    d.update(over)
    return d


def sweep(out: Path, **kw):
    kw.setdefault("workers", 1)
    kw.setdefault("batch_size", 2)
    return run_sweep(SweepSpec.from_dict(spec_dict()), out, progress=False, **kw)


@pytest.fixture(scope="module")
def complete(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("faults") / "sweep"
    assert sweep(out).status == "complete"
    return out


def flip_a_bit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-40])


@pytest.mark.parametrize("damage", [flip_a_bit, truncate], ids=["bit-flip", "truncated"])
def test_a_damaged_part_is_named_quarantined_and_its_runs_rerun(
    assert_same_sweep, copy_sweep, complete, tmp_path, damage
):
    out = copy_sweep(complete, tmp_path / "damaged")
    part = sorted((out / "runs").glob("*.parquet"))[1]
    damage(part)

    with pytest.raises(StoreError, match=part.name) as err:
        read_table(out, "runs")  # never silently read
    assert "checksum mismatch" in str(err.value)
    check = verify(out)
    assert not check.sound and part.name in check.text()
    assert main(["sweep", "--verify", "--out", str(out)]) == 1

    again = sweep(out)
    assert again.status == "complete" and again.done == 2  # the damaged batch's 2 runs
    assert (out / "quarantine" / "runs" / part.name).exists()
    assert (out / "quarantine" / "series" / part.name).exists()  # its batch went with it
    moved = json.loads((out / "manifest.json").read_text())["quarantined"]
    assert {m["file"] for m in moved} == {f"runs/{part.name}", f"series/{part.name}"}
    assert_same_sweep(complete, out)
    assert verify(out).sound and main(["sweep", "--verify", "--out", str(out)]) == 0


def test_a_duplicated_part_is_never_counted_twice(
    assert_same_sweep, copy_sweep, complete, tmp_path
):
    out = copy_sweep(complete, tmp_path / "doubled")
    part = sorted((out / "runs").glob("*.parquet"))[0]
    shutil.copy(part, part.with_name("zz-copy.parquet"))
    with pytest.raises(StoreError, match="zz-copy.parquet"):
        read_table(out, "runs")
    again = sweep(out)
    assert (again.status, again.done, again.skipped, again.pending) == ("complete", 0, 12, 0)
    assert (out / "quarantine" / "runs" / "zz-copy.parquet").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["counts"]["done"] == 12
    assert_same_sweep(complete, out)


def test_resume_refuses_other_code_unless_allowed_and_records_it(copy_sweep, complete, tmp_path):
    out = copy_sweep(complete, tmp_path / "recoded")
    path = out / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["param_schema_sha256"] = "0" * 64  # as if a parameter's range had changed
    path.write_text(json.dumps(manifest))
    with pytest.raises(StoreError, match="param_schema_sha256.*--allow-code-change"):
        sweep(out)
    code = main(["sweep", "--resume", "--out", str(out), "--workers", "1", "--no-progress"])
    assert code == 1
    assert sweep(out, allow_code_change=True).status == "complete"
    manifest = json.loads(path.read_text())
    assert "param_schema_sha256" in manifest["code_changes"][0]["changes"][0]
    assert manifest["sessions"][-1]["allow_code_change"] is True
    assert manifest["param_schema_sha256"] != "0" * 64  # the folder now names its code


def test_a_full_disk_stops_with_what_was_kept_and_resume_completes(
    assert_same_sweep, complete, tmp_path, monkeypatch
):
    import abm.sweep.parts as parts

    out = tmp_path / "full"
    real, calls = parts.append_entry, []

    def full_disk(root, entry):
        calls.append(entry)
        if len(calls) == 5:  # the third batch's series part is written, not yet renamed
            raise OSError(errno.ENOSPC, "No space left on device")
        real(root, entry)

    monkeypatch.setattr(parts, "append_entry", full_disk)
    with pytest.raises(StoreError) as err:
        sweep(out)
    text = str(err.value)
    assert "No space left on device" in text and "4 of 12 runs are stored" in text
    assert f"abm sweep --resume --out {out}" in text
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "error" and manifest["counts"]["done"] == 4
    assert not list(out.rglob(".*.tmp"))
    monkeypatch.setattr(parts, "append_entry", real)
    assert sweep(out).done == 8
    assert_same_sweep(complete, out)


def test_a_corrupt_manifest_is_an_error_naming_it_not_a_traceback(
    copy_sweep, complete, tmp_path, capsys
):
    out = copy_sweep(complete, tmp_path / "corrupt")
    (out / "manifest.json").write_text('{"spec": {"name": "fau')
    assert main(["sweep", "--resume", "--out", str(out), "--no-progress"]) == 1
    assert main(["sweep", "--verify", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "manifest.json: corrupt or unreadable manifest" in err and "Traceback" not in err


def test_out_that_is_a_file_is_refused_before_any_run(tmp_path, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text(f'model = "{TOY}"\nimports = ["{__name__}"]\n[vary]\nx = {{values = [1]}}\n')
    target = tmp_path / "a-file"
    target.write_text("not a folder")
    t0 = time.perf_counter()
    assert main(["sweep", str(spec), "--out", str(target), "--no-progress"]) == 2
    assert time.perf_counter() - t0 < 5  # refused before workers start
    assert "a folder (this path is a file)" in capsys.readouterr().err


def test_a_hung_run_times_out_as_a_failure_and_the_exit_code_says_so(tmp_path, capsys):
    spec = tmp_path / "hang.toml"
    spec.write_text(
        f'model = "{TOY}"\nimports = ["{__name__}"]\nreplicates = 1\nsteps = 3\n'
        "[vary]\nx = { values = [1, 99, 2] }\n"
    )
    out = tmp_path / "hang"
    argv = ["sweep", str(spec), "--out", str(out), "--workers", "1", "--no-progress"]
    assert main([*argv, "--run-timeout", "1"]) == 3
    printed = capsys.readouterr().out
    assert "finished with failed runs" in printed
    assert "1 runs failed" in printed and "--retry-failed" in printed
    fails = read_table(out, "failures")
    assert fails.param_x.tolist() == [99]
    assert fails.error[0].startswith("RunTimeout: the run exceeded the per-run timeout of 1 s")
    assert sorted(read_table(out, "runs").param_x) == [1, 2]
    assert json.loads((out / "manifest.json").read_text())["status"] == "failed_runs"


def start_cli(spec: Path, out: Path, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "abm.cli", "sweep", str(spec), "--out", str(out)]
    cmd += ["--workers", "2", "--batch-size", "1", "--no-progress", *extra]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, as a shell job would be
    )


def napping_spec(tmp_path: Path) -> Path:
    spec = tmp_path / "nap.toml"
    spec.write_text(
        f'model = "{TOY}"\nimports = ["test_sweep_faults"]\nreplicates = 4\nsteps = 3\n'
        "[fixed]\nnap = 0.3\n[vary]\nx = { values = [1, 2, 3, 4, 5] }\n"
    )
    return spec


def test_sigterm_to_the_process_group_reports_what_was_saved_honestly(tmp_path):
    spec, out = napping_spec(tmp_path), tmp_path / "term"
    proc = start_cli(spec, out)
    deadline = time.monotonic() + 60
    while len(list((out / "runs").glob("*.parquet"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGTERM)  # driver and workers alike
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "SIGTERM: stopping" in stderr
    assert "stopped by SIGTERM: every run counted as done is saved" in stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    assert manifest["counts"]["done"] == len(read_table(out, "runs"))
    summary = run_sweep(spec, out, workers=2, progress=False)
    assert summary.status == "complete" and len(read_table(out, "runs")) == 20


def test_ctrl_c_while_the_sweep_starts_is_a_clean_stop(tmp_path):
    spec, out = napping_spec(tmp_path), tmp_path / "early"
    proc = start_cli(spec, out)
    # Not a fixed sleep: under load the interpreter can still be importing after a second,
    # and a SIGINT that lands before the driver installs its handler is ignored (pytest-xdist
    # workers pass SIGINT on as ignored), so the sweep would simply finish. The driver makes
    # the folder just after installing it: signal then, while it probes and starts workers.
    deadline = time.monotonic() + 60
    while not out.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    # Known race (docs/reliability.md): on a loaded machine the interpreter can still end
    # by the signal itself (-SIGINT) after printing its message; either way it stops cleanly.
    assert proc.returncode in (130, -signal.SIGINT), stderr
    # before any run is scheduled the driver says to rerun; once its folder holds the plan,
    # to resume it: either way the user learns how to go on
    assert "rerun the same command" in stderr or "abm sweep --resume" in stdout
    assert "Traceback" not in stderr


def test_a_folder_of_other_code_is_set_aside_and_one_of_this_code_resumes(
    copy_sweep, complete, tmp_path
):
    from abm import catalog
    from abm.sweep.store import set_aside_if_stale
    from abm.sweep.version import code_version

    code = code_version(catalog.get(TOY).params)
    out = copy_sweep(complete, tmp_path / "current")
    assert set_aside_if_stale(out, code) is None and out.is_dir()  # same code: kept
    assert set_aside_if_stale(tmp_path / "missing", code) is None
    path = out / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["param_schema_sha256"] = "0" * 64
    path.write_text(json.dumps(manifest))
    aside = set_aside_if_stale(out, code)
    assert aside is not None and aside.name.startswith("current.stale-")
    assert not out.exists() and (aside / "manifest.json").is_file()  # moved, not deleted
    assert sweep(out).status == "complete"  # a fresh folder runs where the old one stood


def test_run_sweep_current_starts_afresh_beside_a_folder_of_other_code(
    copy_sweep, complete, tmp_path
):
    """What `make results` relies on: committed results never mix runs of two commits."""
    from abm.sweep import run_sweep_current

    spec = SweepSpec.from_dict(spec_dict())
    out = copy_sweep(complete, tmp_path / "current")
    resumed = run_sweep_current(spec, out, workers=1, progress=False)
    assert resumed.status == "complete" and resumed.done == 0  # same code: nothing redone
    path = out / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["param_schema_sha256"] = "0" * 64
    path.write_text(json.dumps(manifest))
    fresh = run_sweep_current(spec, out, workers=1, progress=False)
    assert fresh.status == "complete" and fresh.done == fresh.planned > 0
    assert [p.name for p in tmp_path.glob("current.stale-*")]  # the old folder kept aside
