"""A tiny sweep of the Belarus model: its outcome weeks and final class are stored as the
runner returns them, and the example spec in experiments/ validates against its ParamSet."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from abm.errors import ParameterError
from abm.runner import run
from abm.sweep import SweepSpec, load_spec, run_sweep
from abm.sweep.read import read_table

SPEC = {
    "model": "belarus",
    "name": "tiny_belarus",
    "scenario": "rising_desperation",
    "steps": 10,
    "replicates": 2,
    "seed": 11,
    "keep_series": ["support_level"],
    "fixed": {"n_citizens": 300},
    "vary": {"war_trajectory": {"values": [0.2, 0.9]}},
}


def test_tiny_belarus_sweep_stores_what_the_runner_returns(tmp_path):
    out = tmp_path / "belarus"
    summary = run_sweep(SweepSpec.from_dict(SPEC), out, workers=2, progress=False)
    assert (summary.done, summary.failed) == (4, 0)
    runs = read_table(out, "runs")
    assert {"final_class", "week_intervention", "week_uprising", "scenario"} <= set(runs.columns)
    for _, row in runs.iterrows():
        params = {"scenario": "rising_desperation", "n_citizens": 300}
        params["war_trajectory"] = row.param_war_trajectory
        direct = run("belarus", params, int(row.seed), 10)
        for key, value in direct.summary.items():
            assert row[key] == value or (value is None and pd.isna(row[key])), key
    series = read_table(out, "series")
    assert len(series) == 4 * 11 and list(series.columns) == ["run_id", "step", "support_level"]
    classes = duckdb.sql(
        f"select final_class, count(*) from read_parquet('{out}/runs/*.parquet') group by 1"
    ).fetchall()
    assert sum(n for _, n in classes) == 4


def test_belarus_spec_names_are_checked_against_its_params_and_scenarios():
    with pytest.raises(ParameterError) as err:
        SweepSpec.from_dict({**SPEC, "scenario": "coup"})
    assert err.value.field == "scenario" and "baseline" in err.value.allowed
    with pytest.raises(ParameterError) as err:
        SweepSpec.from_dict({**SPEC, "vary": {"war_trajectory": {"values": [1.5]}}})
    assert err.value.field == "war_trajectory"


def test_belarus_example_spec_validates():
    path = Path(__file__).resolve().parents[1] / "experiments" / "sweep_belarus_pressure.toml"
    spec = load_spec(path)
    assert spec.model == "belarus" and spec.scenario == "baseline"
    assert set(spec.vary) == {"war_trajectory", "ukraine_strength"}  # the brief's pressure sweep
