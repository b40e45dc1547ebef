"""The sweep folder's crash-safety rules: what a killed driver leaves behind (temporary
files, a series part without its runs part, parts caught mid-rewrite) is cleaned up on the
next open without losing or doubling a row; a changed design is refused; a duplicated row
is detected on read."""

from __future__ import annotations

import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from abm.errors import ParameterError
from abm.sweep import SweepSpec, run_sweep
from abm.sweep.parts import Entry, append_entry, sha256_file
from abm.sweep.read import read_table


@pytest.fixture(scope="module")
def spec(epstein_sweep) -> SweepSpec:
    """8 runs of 8 steps on the small grid."""
    store = {"name": "store", "steps": 8, "replicates": 4, "seed": 3, "keep_series": ["active"]}
    return SweepSpec.from_dict(epstein_sweep(vary={"legitimacy": {"values": [0.6, 0.8]}}, **store))


@pytest.fixture(scope="module")
def complete(spec, tmp_path_factory):
    out = tmp_path_factory.mktemp("complete") / "sweep"
    run_sweep(spec, out, workers=1, batch_size=2, progress=False)
    return out


def test_leftovers_of_a_killed_driver_are_cleaned_and_nothing_doubles(
    assert_same_sweep, copy_sweep, spec, complete, tmp_path
):
    out = copy_sweep(complete, tmp_path / "crashed")
    runs_part = sorted((out / "runs").glob("*.parquet"))[1]
    lost = pq.read_table(runs_part).num_rows
    runs_part.unlink()  # killed after writing the series part, before the runs part
    assert (out / "series" / runs_part.name).exists()
    (out / "runs" / f".{runs_part.name}.tmp").write_bytes(b"half a parquet file")
    summary = run_sweep(spec, out, workers=1, batch_size=1, progress=False)
    assert summary.done == lost
    assert not (out / "series" / runs_part.name).exists()  # the orphan went
    assert not list(out.rglob(".*.tmp"))
    assert_same_sweep(complete, out)


def test_a_part_left_with_an_older_schema_is_conformed_on_open(
    copy_sweep, spec, complete, tmp_path
):
    out = copy_sweep(complete, tmp_path / "midrewrite")
    part = sorted((out / "runs").glob("*.parquet"))[0]
    table = pq.read_table(part)
    i = table.schema.get_field_index("peak_active_share")
    # as if killed while widening: this part (as the store wrote and recorded it) still
    # lacks a column the others have
    pq.write_table(table.remove_column(i), part)
    entry = Entry("runs", part.stem, sha256_file(part), table.num_rows)
    append_entry(out, entry)
    run_sweep(spec, out, workers=1, progress=False)
    schemas = {pq.read_schema(p).remove_metadata() for p in (out / "runs").glob("*.parquet")}
    assert len(schemas) == 1
    runs = read_table(out, "runs")
    assert runs.peak_active_share.isna().sum() == table.num_rows  # unknown, not invented
    assert len(runs) == 8


def test_a_changed_design_is_refused(copy_sweep, spec, complete, tmp_path):
    out = copy_sweep(complete, tmp_path / "redesigned")
    design = pq.read_table(out / "design.parquet")
    changed = design.set_column(1, "param_legitimacy", pa.array([0.6, 0.81]))
    pq.write_table(changed, out / "design.parquet")
    with pytest.raises(ParameterError) as err:
        run_sweep(spec, out, workers=1, progress=False)
    assert "design" in err.value.allowed


def test_reading_detects_a_duplicated_run(copy_sweep, complete, tmp_path):
    out = copy_sweep(complete, tmp_path / "doubled")
    part = sorted((out / "runs").glob("*.parquet"))[0]
    shutil.copy(part, part.with_name("copy-" + part.name))
    with pytest.raises(RuntimeError, match="duplicated"):
        read_table(out, "runs")
