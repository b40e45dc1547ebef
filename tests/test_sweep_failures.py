"""Failure isolation: a run that raises and a worker process that dies are recorded with
their parameters and traceback, and every other run completes; summary values whose type
changes between runs never corrupt the Parquet columns.

The toy model below is registered by this module; the spec's ``imports`` names the module
so that spawned worker processes import it too.
"""

from __future__ import annotations

import os

import duckdb
import pandas as pd
import pytest

from abm import catalog
from abm.contract import RunResult
from abm.params import Param, ParamSet
from abm.sweep import SweepSpec, run_sweep
from abm.sweep.read import read_table

TOY = "sweep_test_toy"
RAISES, DIES = 13, 17


def run_toy(setup, seed):
    """x == 13 raises (unless ABM_TOY_CURED is set), x == 17 kills its worker process."""
    params, steps = setup.params, setup.steps
    x = int(params.get("x", 0))
    if x == RAISES and not os.environ.get("ABM_TOY_CURED"):
        raise ValueError(f"x={x} is cursed")
    if x == DIES:
        os._exit(3)
    summary = {
        "y": x * 0.5 + (seed % 1000) / 1000,
        # null while x < 4, then an int: the column's type is only known later
        "late_int": None if x < 4 else x,
        # an int while x < 6, then a float: the column widens to float
        "widening": x if x < 6 else x + 0.25,
        # text for x == 11 only: does not fit the numbers seen in earlier runs
        "clash": "eleven" if x == 11 else x,
    }
    series = pd.DataFrame({"step": range(steps + 1), "v": [x + t for t in range(steps + 1)]})
    return RunResult(TOY, dict(params), seed, steps, summary, series)


catalog.register(
    catalog.Entry(
        TOY,
        "sweep failure toy",
        ParamSet([Param("x", 0, "int", "toy input", low=0, high=100)]),
        run_toy,
        default_steps=3,
    )
)


def toy_spec(xs, **over) -> SweepSpec:
    d = {
        "model": TOY,
        "name": "toy",
        "imports": [__name__],
        "steps": 3,
        "replicates": 2,
        "seed": 1,
        "keep_series": "all",
        "vary": {"x": {"values": list(xs)}},
    }
    d.update(over)
    return SweepSpec.from_dict(d)


def test_raising_and_dying_runs_are_recorded_and_the_rest_complete(tmp_path):
    xs = list(range(20))
    out = tmp_path / "sweep"
    summary = run_sweep(toy_spec(xs), out, workers=2, batch_size=4, progress=False)
    runs, fails = read_table(out, "runs"), read_table(out, "failures")
    # x == 11 fails too, on purpose: its "clash" value is text among numbers
    bad = {RAISES, DIES, 11}
    assert sorted(set(fails.param_x)) == sorted(bad)
    assert len(fails) == 2 * len(bad)  # both replicates of each
    assert sorted(set(runs.param_x)) == [x for x in xs if x not in bad]
    assert len(runs) == 2 * (len(xs) - len(bad))
    assert not set(runs.run_id) & set(fails.run_id)
    assert (summary.done, summary.failed, summary.pending) == (len(runs), len(fails), 0)
    assert summary.status == "failed_runs"  # every run has a result, some failed

    raised = fails[fails.param_x == RAISES].iloc[0]
    assert raised.error == "ValueError: x=13 is cursed"
    assert "run_toy" in raised.traceback and "cursed" in raised.traceback
    died = fails[fails.param_x == DIES].iloc[0]
    assert "worker process died" in died.error and "BrokenProcessPool" in died.error
    clash = fails[fails.param_x == 11].iloc[0]
    assert "summary key 'clash' is str here but int" in clash.error
    # a failure row carries what is needed to rerun it by hand
    from abm.sweep import run_seed

    assert raised.seed == run_seed(1, int(raised.point_id), int(raised.replicate))
    # the series of every finished run, none of the failed ones
    series = read_table(out, "series")
    assert set(series.run_id) == set(runs.run_id)


def test_columns_whose_type_is_learnt_late_read_back_in_pandas_and_duckdb(tmp_path):
    out = tmp_path / "sweep"
    xs = [0, 1, 2, 3, 4, 5, 6, 7, 8]
    # one run per task, one worker: the first parts are written before a type is known
    run_sweep(toy_spec(xs, replicates=1), out, workers=1, batch_size=1, progress=False)
    runs = pd.read_parquet(out / "runs").sort_values("param_x").reset_index(drop=True)
    assert runs.late_int.isna().tolist() == [x < 4 for x in xs]
    assert runs.late_int.dropna().tolist() == [4, 5, 6, 7, 8]
    assert runs.widening.tolist() == [x if x < 6 else x + 0.25 for x in xs]
    db = duckdb.sql(
        f"select param_x, late_int, widening from read_parquet('{out}/runs/*.parquet') "
        "order by param_x"
    ).fetchall()
    assert db == [(x, None if x < 4 else x, x if x < 6 else x + 0.25) for x in xs]
    import pyarrow.parquet as pq

    schemas = {pq.read_schema(p).remove_metadata() for p in (out / "runs").glob("*.parquet")}
    assert len(schemas) == 1  # every part was rewritten to the widened schema


def test_rerun_skips_recorded_failures_unless_asked_to_retry_them(tmp_path, monkeypatch):
    out = tmp_path / "sweep"
    spec = toy_spec([1, RAISES, 2])
    first = run_sweep(spec, out, workers=1, progress=False)
    assert (first.done, first.failed) == (4, 2)
    again = run_sweep(spec, out, workers=1, progress=False)
    assert (again.done, again.failed, again.skipped) == (0, 0, 6)
    monkeypatch.setenv("ABM_TOY_CURED", "1")  # spawned workers inherit it
    retry = run_sweep(spec, out, workers=1, progress=False, retry_failed=True)
    assert (retry.done, retry.failed, retry.skipped) == (2, 0, 4)
    assert read_table(out, "failures").empty
    assert len(read_table(out, "runs")) == 6


def test_model_not_in_the_catalogue_is_refused():
    from abm.errors import ParameterError

    with pytest.raises(ParameterError) as err:
        SweepSpec.from_dict({"model": "sweep_test_uncatalogued"})
    assert err.value.field == "model"
    assert TOY in err.value.allowed and "belarus" in err.value.allowed


def test_tasks_cancelled_by_the_executor_stop_the_sweep_without_recording_failures(tmp_path):
    """A cancelled task (e.g. a Dask client that lost its scheduler) is not the runs'
    fault: nothing is recorded for them, the sweep stops, and a rerun resumes."""
    from collections import deque
    from concurrent.futures import Future

    from abm.sweep import build_design
    from abm.sweep.design import param_types
    from abm.sweep.driver import BatchSizer, _Loop
    from abm.sweep.signals import StopFlag
    from abm.sweep.store import SweepStore

    class CancellingExecutor:
        def submit(self, fn, *args):
            fut = Future()
            fut.cancel()
            fut.set_running_or_notify_cancel()  # what Dask's ClientExecutor does
            return fut

    class Handle:
        slots, generation = 1, 0
        executor = CancellingExecutor()

        def is_broken(self, exc):
            return False

        def worker_died(self, exc):
            return False

    spec = toy_spec([1, 2])
    design = build_design(spec)
    store = SweepStore.open(tmp_path / "s", spec.to_dict(), design, param_types(spec), 4)
    try:
        loop = _Loop(spec, design, store, Handle(), BatchSizer(None, 1), StopFlag())
        with pytest.raises(RuntimeError, match="cancelled"):
            loop.run(deque([(0, 0), (0, 1), (1, 0), (1, 1)]))
        assert store.counts() == {"planned": 4, "done": 0, "failed": 0, "pending": 4}
    finally:
        store.close()
    assert run_sweep(spec, tmp_path / "s", workers=1, progress=False).done == 4
