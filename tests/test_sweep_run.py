"""End-to-end sweeps of the Epstein engine: what is stored equals what ``abm.runner.run``
returns for the same (parameters, seed); the number of workers, the batching and an
interrupted-then-resumed session do not change a single value; the folder is readable by
pandas and DuckDB and guarded against mixing sweeps."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

from abm.cli import main
from abm.errors import ParameterError
from abm.runner import run
from abm.sweep import SweepSpec, run_sweep


@pytest.fixture(scope="module")
def epstein_spec(epstein_sweep):
    """``epstein_spec(**fields)``: 12 runs of 15 steps on the small grid, validated."""

    def make(**fields) -> SweepSpec:
        tiny = {
            "name": "tiny",
            "steps": 15,
            "replicates": 3,
            "seed": 2024,
            "keep_series": ["active", "jailed"],
            "vary": {"legitimacy": {"values": [0.6, 0.85]}, "k": {"range": [1.0, 3.0], "num": 2}},
        }
        return SweepSpec.from_dict(epstein_sweep(**{**tiny, **fields}))

    return make


@pytest.fixture(scope="module")
def reference(epstein_spec, tmp_path_factory):
    """One uninterrupted 2-worker sweep that the other tests compare with."""
    out = tmp_path_factory.mktemp("ref") / "sweep"
    summary = run_sweep(epstein_spec(), out, workers=2, progress=False)
    return out, summary


def test_stored_results_equal_direct_runs_and_read_in_pandas_and_duckdb(epstein_spec, reference):
    out, summary = reference
    assert (summary.planned, summary.done, summary.failed, summary.pending) == (12, 12, 0, 0)
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == 12 and runs.run_id.is_unique
    counts = duckdb.sql(
        f"select count(*), count(distinct run_id) from read_parquet('{out}/runs/*.parquet')"
    ).fetchall()
    assert counts == [(12, 12)]
    steps = duckdb.sql(f"select count(*) from read_parquet('{out}/series/*.parquet')").fetchall()
    assert steps == [(12 * 16,)]
    series = pd.read_parquet(out / "series")
    for _, row in runs.sort_values("run_id").iloc[[0, 5, 11]].iterrows():
        fixed = epstein_spec().fixed
        params = {**fixed, "legitimacy": row.param_legitimacy, "k": row.param_k}
        direct = run("epstein", params, int(row.seed), 15)
        for key, value in direct.summary.items():
            assert row[key] == value or (value is None and pd.isna(row[key]))
        kept = series[series.run_id == row.run_id].sort_values("step")
        assert kept.step.tolist() == list(range(16))
        assert kept.active.tolist() == direct.series.active.tolist()
        assert kept.jailed.tolist() == direct.series.jailed.tolist()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == {"planned": 12, "done": 12, "failed": 0, "pending": 0}
    assert manifest["status"] == "complete"
    assert manifest["spec"] == epstein_spec().to_dict()
    assert manifest["abm_version"] and "git_commit" in manifest
    assert manifest["sessions"][0]["started"] <= manifest["sessions"][0]["ended"]


def test_one_worker_and_one_run_per_task_give_identical_results(
    assert_same_sweep, epstein_spec, reference, tmp_path
):
    out = tmp_path / "one"
    run_sweep(epstein_spec(), out, workers=1, batch_size=1, progress=False)
    assert_same_sweep(reference[0], out)


def test_resume_runs_only_what_is_missing_and_changes_nothing(
    assert_same_sweep, epstein_spec, reference, tmp_path
):
    out = tmp_path / "partial"
    run_sweep(epstein_spec(), out, workers=2, batch_size=2, progress=False)
    parts = sorted((out / "runs").glob("*.parquet"))
    lost = sum(pd.read_parquet(p).shape[0] for p in parts[1:4])
    for p in parts[1:4]:  # as if the driver had died before writing these batches
        p.unlink()
    again = run_sweep(epstein_spec(), out, workers=2, progress=False)
    assert (again.done, again.skipped) == (lost, 12 - lost)
    assert_same_sweep(reference[0], out)
    # and a third time there is nothing left to do
    third = run_sweep(epstein_spec(), out, workers=1, progress=False)
    assert (third.done, third.failed, third.skipped, third.pending) == (0, 0, 12, 0)
    sessions = json.loads((out / "manifest.json").read_text())["sessions"]
    assert [s["done"] for s in sessions] == [12, lost, 0]


def test_a_different_spec_is_refused_in_an_existing_sweep_folder(epstein_spec, reference):
    out = reference[0]
    with pytest.raises(ParameterError) as err:
        run_sweep(epstein_spec(replicates=4), out, workers=1, progress=False)
    assert err.value.field == "--out"
    assert "replicates" in err.value.allowed


def test_a_non_sweep_folder_is_refused(epstein_spec, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ParameterError) as err:
        run_sweep(epstein_spec(), tmp_path, workers=1, progress=False)
    assert err.value.field == "--out"
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_folder_in_use_by_another_driver_is_refused(epstein_spec, reference):
    from abm.sweep import build_design
    from abm.sweep.design import param_types
    from abm.sweep.store import SweepStore

    spec = epstein_spec()
    args = (spec.to_dict(), build_design(spec), param_types(spec), 12)
    held = SweepStore.open(reference[0], *args)
    try:
        with pytest.raises(ParameterError) as err:
            SweepStore.open(reference[0], *args)
        assert "locked" in err.value.allowed
    finally:
        held.close()


def test_cli_runs_resumes_and_reports(tmp_path, capsys):
    spec = tmp_path / "tiny.toml"
    spec.write_text(
        'name = "cli"\nmodel = "epstein"\nsteps = 5\nreplicates = 2\nseed = 1\n'
        "[fixed]\nwidth = 12\nheight = 12\nvision = 3\ncop_vision = 3\n"
        "[vary]\nlegitimacy = { values = [0.7, 0.9] }\n"
    )
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1", "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "sweep complete: 4 done, 0 failed, 0 skipped" in text and "runs/s" in text
    assert main(["sweep", "--resume", "--out", str(out), "--workers", "1", "--no-progress"]) == 0
    assert "0 done, 0 failed, 4 skipped" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["sweep", str(spec), "--out", str(out), "--executor", "cloud"])
    assert main(["sweep", "--resume", "--out", str(tmp_path / "nothing")]) == 2
    assert "manifest.json" in capsys.readouterr().err
