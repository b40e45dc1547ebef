"""Turning a batch's results into Arrow tables whose schema every part file shares.

Readers (``pandas.read_parquet(DIR/'runs')``, DuckDB's ``read_parquet('DIR/runs/*.parquet')``)
take the schema of one file and cast the others to it; if parts disagree (a column all-null
in one part and integer in another, an integer part read as float, a column missing in the
first part) they fail or, worse, silently truncate. So each column has one *kind* for the
whole sweep: null (no value seen yet), bool, int, float or str. Kinds only widen
(null -> anything, int -> float); the store rewrites older parts when one does. A run whose
value would need any other change (text where numbers were) is recorded as a failure
naming the key, rather than corrupting the column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from abm.sweep.design import column_value
from abm.sweep.worker import BatchOutput, RunTask

KIND_TYPE = {
    "null": pa.null(),
    "bool": pa.bool_(),
    "int": pa.int64(),
    "float": pa.float64(),
    "str": pa.string(),
}
ID_FIELDS = [
    pa.field("run_id", pa.string()),
    pa.field("point_id", pa.int64()),
    pa.field("replicate", pa.int64()),
    pa.field("seed", pa.uint64()),
]


def value_kind(value: Any) -> str | None:
    """The kind of a summary value, or None when it has no column type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int" if -(2**63) <= value < 2**63 else None
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return None


def type_kind(typ: pa.DataType) -> str | None:
    """The kind of an Arrow column type (series columns, existing parts)."""
    if pa.types.is_null(typ):
        return "null"
    if pa.types.is_boolean(typ):
        return "bool"
    if pa.types.is_integer(typ):
        return "int"
    if pa.types.is_floating(typ):
        return "float"
    if pa.types.is_string(typ) or pa.types.is_large_string(typ):
        return "str"
    return None


def merge_kind(a: str, b: str) -> str | None:
    """The kind that holds values of both kinds without loss, or None if there is none."""
    if a == b or b == "null":
        return a
    if a == "null":
        return b
    if {a, b} == {"int", "float"}:
        return "float"
    return None


def param_fields(param_types: Mapping[str, pa.DataType]) -> list[pa.Field]:
    return [pa.field(f"param_{n}", t) for n, t in param_types.items()]


def runs_base_schema(param_types: Mapping[str, pa.DataType]) -> pa.Schema:
    """Columns every runs part starts with; summary columns follow."""
    return pa.schema([*ID_FIELDS, *param_fields(param_types), pa.field("elapsed_s", pa.float64())])


def failures_schema(param_types: Mapping[str, pa.DataType]) -> pa.Schema:
    return pa.schema(
        [
            *ID_FIELDS,
            *param_fields(param_types),
            pa.field("error", pa.string()),
            pa.field("traceback", pa.string()),
        ]
    )


def series_base_schema() -> pa.Schema:
    return pa.schema([pa.field("run_id", pa.string()), pa.field("step", pa.int64())])


def kinds_of(schema: pa.Schema, skip: int) -> dict[str, str]:
    """Established kinds of the columns after the first ``skip`` (fixed) ones."""
    return {f.name: type_kind(f.type) or "str" for f in list(schema)[skip:]}


class BatchTables:
    """The three tables of one finished batch (None where there is nothing to write)."""

    def __init__(self, runs: pa.Table | None, series: pa.Table | None, failures: pa.Table | None):
        self.runs, self.series, self.failures = runs, series, failures


def assemble(
    tasks: Sequence[RunTask],
    out: BatchOutput,
    param_types: Mapping[str, pa.DataType],
    runs_schema: pa.Schema,
    series_schema: pa.Schema,
) -> BatchTables:
    """Build the batch's tables, moving runs whose values do not fit the sweep's column
    kinds to the failures, so that every written part agrees with every other."""
    runs_base = runs_base_schema(param_types)
    reserved = set(runs_base.names)
    s_kinds = kinds_of(runs_schema, len(runs_base))
    t_kinds = kinds_of(series_schema, 2)
    failures = dict(out.failures)
    ok: list[RunTask] = []
    for task in tasks:
        rid = task.run_id
        if rid in failures:
            continue
        problem = _fit(out.summaries[rid].items(), s_kinds, reserved, "summary key", value_kind)
        table = out.series.get(rid)
        if problem is None and table is not None and table.num_columns:
            cols = [(f.name, f.type) for f in table.schema if f.name != "step"]
            problem = _fit(cols, t_kinds, {"run_id"}, "series column", type_kind)
        if problem is not None:
            failures[rid] = (problem, "")
            continue
        ok.append(task)
    return BatchTables(
        _runs_table(ok, out, param_types, runs_base, s_kinds),
        _series_table(ok, out, t_kinds),
        _failures_table([t for t in tasks if t.run_id in failures], failures, param_types),
    )


def _fit(items, kinds: dict[str, str], reserved, what: str, kind_fn) -> str | None:
    """Merge a run's (name, value-or-type) pairs into ``kinds``; an error text if one does
    not fit (then ``kinds`` is left as it was)."""
    trial = dict(kinds)
    for name, value in items:
        if name in reserved or (what == "summary key" and name.startswith("param_")):
            return f"{what} {name!r} collides with a column the sweep writes itself"
        kind = kind_fn(value)
        if kind is None:
            shown = value if what == "series column" else type(value).__name__
            return f"{what} {name!r}: {shown} is not bool, int, float, str or null"
        merged = merge_kind(trial.get(name, "null"), kind)
        if merged is None:
            return f"{what} {name!r} is {kind} here but {trial[name]} in earlier runs"
        trial[name] = merged
    kinds.update(trial)
    return None


def _id_columns(tasks: Sequence[RunTask], param_types) -> dict[str, pa.Array]:
    cols = {
        "run_id": pa.array([t.run_id for t in tasks], pa.string()),
        "point_id": pa.array([t.point_id for t in tasks], pa.int64()),
        "replicate": pa.array([t.replicate for t in tasks], pa.int64()),
        "seed": pa.array([t.seed for t in tasks], pa.uint64()),
    }
    for name, typ in param_types.items():
        values = [(t.params if t.point is None else t.point)[name] for t in tasks]
        cols[f"param_{name}"] = pa.array([column_value(v, typ) for v in values], typ)
    return cols


def _runs_table(tasks, out: BatchOutput, param_types, base: pa.Schema, kinds) -> pa.Table | None:
    if not tasks:
        return None
    cols = _id_columns(tasks, param_types)
    cols["elapsed_s"] = pa.array([out.elapsed[t.run_id] for t in tasks], pa.float64())
    for key, kind in kinds.items():
        values = [out.summaries[t.run_id].get(key) for t in tasks]
        cols[key] = pa.array(values, KIND_TYPE[kind])
    return pa.table(cols)


def _series_table(tasks, out: BatchOutput, kinds: dict[str, str]) -> pa.Table | None:
    """All kept series of the batch, long by step, each column assembled from the runs'
    chunks (cast only where a run's type differs from the column's)."""
    runs = [
        (t.run_id, out.series[t.run_id])
        for t in tasks
        if t.run_id in out.series and out.series[t.run_id].num_columns
    ]
    if not runs:
        return None
    lengths = [table.num_rows for _, table in runs]
    ids = np.repeat(np.array([rid for rid, _ in runs], dtype=object), lengths)
    cols = {"run_id": pa.array(ids, pa.string())}
    targets = {"step": pa.int64(), **{name: KIND_TYPE[kind] for name, kind in kinds.items()}}
    for name, typ in targets.items():
        chunks = []
        for (_, table), n in zip(runs, lengths, strict=True):
            if name not in table.column_names:
                chunks.append(pa.nulls(n, typ))
                continue
            col = table.column(name)
            chunks.extend((col if col.type == typ else col.cast(typ)).chunks)
        cols[name] = pa.chunked_array(chunks, typ)
    return pa.table(cols)


def _failures_table(tasks, failures: Mapping[str, tuple[str, str]], param_types) -> pa.Table | None:
    if not tasks:
        return None
    cols = _id_columns(tasks, param_types)
    cols["error"] = pa.array([failures[t.run_id][0] for t in tasks], pa.string())
    cols["traceback"] = pa.array([failures[t.run_id][1] for t in tasks], pa.string())
    return pa.table(cols)
