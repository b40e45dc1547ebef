"""Reading a results folder: design from the manifest, indicators, series, clear refusals."""

import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from abm.analysis.load import ResultsError, load
from abm.analysis.trajectories import envelopes, example_runs
from abm.sweep.parts import Entry, append_entry, sha256_file


@pytest.fixture(scope="module")
def folder(known_results):
    ab = {"a": (0.0, 1.0), "b": (0.0, 1.0)}
    return known_results("lhs", 30, bounds=ab, replicates=3, steps=20, failed=[(4, 1)])


def test_design_and_tables_are_read(folder):
    res = load(folder)
    assert res.design.kind == "lhs"
    assert res.design.names == ["a", "b"]
    assert res.design.param("a").bounds == (0.0, 1.0)
    assert res.design.replicates == 3 and res.design.n_points == 30
    assert res.horizon == 20 and res.model == "toy_outcomes"
    assert len(res.runs) == 89 and len(res.failures) == 1
    assert res.runs["run_id"].is_monotonic_increasing  # sorted by point, replicate
    assert res.outcomes == ["uprising", "mutiny", "ejection"]
    assert res.points is not None and "x_a" in res.points


def test_indicator_is_week_not_null(folder):
    res = load(folder)
    ind = res.indicators()
    for o in res.outcomes:
        assert ind[o].tolist() == res.runs[f"week_{o}"].notna().tolist()
    frame = res.frame()
    assert list(frame.columns) == ["a", "b", *res.outcomes]


def test_series_reads_only_what_is_asked(folder):
    res = load(folder)
    assert res.series_columns() == ["tension", "calm"]
    ids = res.runs["run_id"].iloc[:2].tolist()
    s = res.series(["tension"], run_ids=ids)
    assert list(s.columns) == ["run_id", "step", "tension"]
    assert sorted(s["run_id"].unique()) == ids and len(s) == 2 * 21


def test_envelopes_split_by_final_class(folder):
    res = load(folder)
    env = envelopes(res, ["tension"], min_runs=5)
    big = res.runs["final_class"].value_counts()
    assert set(env["final_class"]) == set(big.index[big >= 5])
    sq = env[env["final_class"] == "status_quo"]
    assert (sq["q50"] < 0.4).all()  # tension stays low when nothing happens
    assert (env["q05"] <= env["q25"]).all() and (env["q75"] <= env["q95"]).all()
    examples = example_runs(res)
    assert examples["final_class"].is_unique


def _index(root, part):
    """Record ``part`` in the folder's parts index, as the store's writer would have."""
    rows = pq.read_metadata(part).num_rows
    append_entry(root, Entry(part.parent.name, part.stem, sha256_file(part), rows))


def test_missing_manifest_is_refused(tmp_path):
    with pytest.raises(ResultsError, match="no manifest.json"):
        load(tmp_path)


def test_duplicated_run_ids_are_refused(folder, tmp_path):
    import shutil

    copy = tmp_path / "dup"
    shutil.copytree(folder, copy)
    part = sorted((copy / "runs").glob("*.parquet"))[0]
    dup = copy / "runs" / "zz-copy.parquet"
    shutil.copy(part, dup)
    _index(copy, dup)  # recorded as written, so only the duplicated rows are wrong
    with pytest.raises(ResultsError, match="run_id appears more than once: p000000-r0000"):
        load(copy)


def test_missing_parameter_column_is_refused(folder, tmp_path):
    import shutil

    copy = tmp_path / "cols"
    shutil.copytree(folder, copy)
    for part in (copy / "runs").glob("*.parquet"):
        pd.read_parquet(part).drop(columns="param_b").to_parquet(part)
        _index(copy, part)
    with pytest.raises(ResultsError, match="missing columns param_b"):
        load(copy)


def test_manifest_without_vary_is_refused(folder, tmp_path):
    import shutil

    copy = tmp_path / "novary"
    shutil.copytree(folder, copy)
    m = json.loads((copy / "manifest.json").read_text())
    m["spec"]["vary"] = {}
    (copy / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(ResultsError, match="no varied parameters"):
        load(copy)


def test_temporary_part_files_are_ignored(folder, tmp_path):
    import shutil

    copy = tmp_path / "tmp"
    shutil.copytree(folder, copy)
    (copy / "runs" / ".half-written.parquet.tmp").write_bytes(b"garbage")
    assert len(load(copy).runs) == 89
    assert np.isfinite(load(copy).runs["elapsed_s"]).all()
