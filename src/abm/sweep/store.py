"""The results folder of a sweep: manifest, design, and Parquet part files per batch.

Layout (docs/schema.md, docs/sweeps.md)::

    DIR/manifest.json        spec, code version, units, sessions, counts
    DIR/design.parquet       one row per design point (point_id, param_*, x_*)
    DIR/parts.jsonl          SHA-256, size and rows of every part written (abm.sweep.parts)
    DIR/runs/<batch>.parquet one row per finished run
    DIR/series/<batch>.parquet  kept per-step series, long by step
    DIR/failures/<batch>.parquet  failed runs with error and traceback
    DIR/quarantine/          parts that failed their check, moved aside with their batch

Crash safety: every file is written under a hidden temporary name and renamed into place
(``os.replace`` is atomic), so a reader or a resumed sweep sees a part whole or not at all;
a part's checksum is recorded before the rename, so a part that is later damaged, truncated
or copied is recognised. A batch writes its series part, then its failures part, then its
runs part; the runs part is what marks a run done, and a series part without a runs part of
the same name is an orphan of a killed driver, deleted on the next open. Only one driver
may hold the folder (an flock, released by the kernel even on SIGKILL); a run is scheduled
only when neither runs nor failures hold it; so no run can be written twice. A failed write
(a full disk) removes its temporary file before the error goes on.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from abm import jsonout
from abm.errors import ParameterError
from abm.folders import check_out_folder
from abm.sweep import parts as integrity
from abm.sweep.design import DesignTable, column_value
from abm.sweep.errors import StoreError
from abm.sweep.tables import (
    BatchTables,
    assemble,
    failures_schema,
    runs_base_schema,
    series_base_schema,
)
from abm.sweep.version import differences
from abm.sweep.worker import BatchOutput, RunTask

MANIFEST = "manifest.json"
DESIGN = "design.parquet"
#: 2: parts.jsonl records each part's checksum; the manifest records code version and units
FORMAT = 2


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def atomic_write_bytes(path: Path, data: bytes | memoryview, before_rename=None) -> None:
    """Write ``data`` under a hidden temporary name, then rename it into place; on any
    failure (a full disk) the temporary file is removed and the error goes on."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("wb") as f:
            f.write(data)
        if before_rename is not None:
            before_rename()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def table_bytes(table: pa.Table) -> memoryview:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return memoryview(sink.getvalue())


def atomic_write_table(path: Path, table: pa.Table) -> None:
    atomic_write_bytes(path, table_bytes(table))


def part_name(run_ids: Iterable[str]) -> str:
    """A batch's file name, derived from its run ids: the same batch always maps to the same
    name, so writing it twice would replace, never duplicate."""
    ids = list(run_ids)
    digest = hashlib.sha1(",".join(ids).encode()).hexdigest()[:12]
    return f"{ids[0]}-n{len(ids)}-{digest}"


def read_manifest(root: Path) -> dict[str, Any]:
    """The folder's manifest; StoreError naming the file if it is not readable JSON."""
    path = Path(root) / MANIFEST
    try:
        manifest = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise StoreError(f"{root}: not a results folder (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise StoreError(
            f"{path}: corrupt or unreadable manifest ({type(exc).__name__}: {exc}); the parts "
            "in runs/, series/ and failures/ are untouched; restore the manifest from a "
            "backup, or run the spec into a new folder"
        ) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("spec"), dict):
        raise StoreError(f"{path}: corrupt manifest (no 'spec' table)")
    return manifest


class PartFolder:
    """One table of the sweep (runs, series or failures) as a folder of part files that
    all share ``schema``; widening the schema rewrites the older parts. Every write records
    the part's checksum in the folder's parts index before the part appears."""

    def __init__(self, root: Path, table: str, base: pa.Schema):
        self.root = root
        self.table = table
        self.path = root / table
        self.path.mkdir(parents=True, exist_ok=True)
        schemas = [pq.read_schema(p).remove_metadata() for p in self.parts()]
        self.schema = pa.unify_schemas([base, *schemas], promote_options="permissive")
        self._conform_existing()

    def parts(self) -> list[Path]:
        return integrity.part_files(self.root, self.table)

    def names(self) -> set[str]:
        return {p.stem for p in self.parts()}

    def write(self, name: str, table: pa.Table) -> None:
        schema = pa.unify_schemas(
            [self.schema, table.schema.remove_metadata()], promote_options="permissive"
        )
        if not schema.equals(self.schema):
            self.schema = schema
            self._conform_existing()
        self._write_part(name, conform(table, self.schema))

    def _write_part(self, name: str, table: pa.Table) -> None:
        data = table_bytes(table)
        entry = integrity.Entry(self.table, name, integrity.sha256_bytes(data), table.num_rows)
        atomic_write_bytes(
            self.path / f"{name}.parquet",
            data,
            before_rename=lambda: integrity.append_entry(self.root, entry),
        )

    def _conform_existing(self) -> None:
        for p in self.parts():
            if not pq.read_schema(p).remove_metadata().equals(self.schema):
                self._write_part(p.stem, conform(pq.read_table(p), self.schema))

    def column(self, name: str) -> list[Any]:
        out: list[Any] = []
        for p in self.parts():
            out.extend(pq.read_table(p, columns=[name]).column(0).to_pylist())
        return out

    def rows(self) -> int:
        return sum(pq.ParquetFile(p).metadata.num_rows for p in self.parts())


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with ``schema``'s columns in its order (missing ones all null)."""
    n = table.num_rows
    cols = [
        table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(n, f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(cols, schema=schema)


class SweepStore:
    """A sweep's folder, held exclusively by one driver while it is open."""

    def __init__(self, root: Path, manifest: dict[str, Any], param_types, lock_fd: int):
        self.root = root
        self.manifest = manifest
        self.param_types = param_types
        self._lock_fd = lock_fd
        #: parts quarantined when the folder was opened (file, to, why)
        self.moved: list[dict[str, str]] = []
        self.runs = PartFolder(root, "runs", runs_base_schema(param_types))
        self.series = PartFolder(root, "series", series_base_schema())
        self.failures = PartFolder(root, "failures", failures_schema(param_types))

    # -- opening ------------------------------------------------------------------------

    @staticmethod
    def precheck(root: str | Path, spec: Mapping[str, Any]) -> dict[str, Any] | None:
        """The checks that need no lock and no model run, done before any work: ``--out``
        is a folder (or can be made one) we may write to, and is new, empty or a sweep of
        this spec. Returns the stored manifest (None for a new folder)."""
        root = Path(root)
        check_out_folder("--out", root)
        if (root / MANIFEST).exists():
            manifest = read_manifest(root)
            check_same_spec(root, manifest.get("spec"), dict(spec))
            return manifest
        if root.exists() and any(p.name != ".lock" for p in root.iterdir()):
            raise ParameterError("--out", str(root), "a new or empty folder, or a sweep folder")
        return None

    @classmethod
    def open(
        cls,
        root: str | Path,
        spec: Mapping[str, Any],
        design: DesignTable,
        param_types: Mapping[str, pa.DataType],
        planned: int,
        retry_failed: bool = False,
        *,
        code: Mapping[str, Any] | None = None,
        units: Mapping[str, Any] | None = None,
        allow_code_change: bool = False,
    ) -> SweepStore:
        """Create the folder, or reopen one holding the same spec, design and code.

        Refuses a folder holding a different spec, a non-empty folder that is not a sweep,
        a folder another driver is writing to, and (unless ``allow_code_change``) a folder
        made by other code. Cleans what a killed driver left and quarantines parts that
        fail their check (their runs are then pending again).
        """
        root = Path(root)
        manifest = cls.precheck(root, spec)
        design_table = design_to_table(design, param_types)
        code = dict(code or {})
        root.mkdir(parents=True, exist_ok=True)
        fd = _lock(root)
        try:
            _remove_temporaries(root)
            if manifest is None:
                atomic_write_table(root / DESIGN, design_table)
                manifest = {
                    "format": FORMAT,
                    "spec": dict(spec),
                    **code,
                    "units": dict(units or {}),
                    "created": now(),
                    "planned": planned,
                    "design_points": len(design),
                    "problem": design.problem,
                    "sessions": [],
                }
                integrity.rewrite_index(root, None, atomic_write_bytes)
            else:
                manifest = read_manifest(root)  # again, now that no other driver can write
                _check_design(root, design_table)
                _check_code(root, manifest, code, allow_code_change)
                for session in manifest.get("sessions", []):
                    if session.get("status") == "running":  # we hold the lock: it died
                        session["status"] = "killed"
                if units and not manifest.get("units"):
                    manifest["units"] = dict(units)
            moved = _repair(root)
            manifest["format"] = FORMAT  # an older folder now has its parts index
            if moved:
                manifest.setdefault("quarantined", []).extend({**m, "when": now()} for m in moved)
            store = cls(root, manifest, dict(param_types), fd)
            store._remove_orphans()
            if retry_failed:
                for p in store.failures.parts():
                    p.unlink()
            store.moved = moved
            store.write_manifest()
            return store
        except BaseException:
            os.close(fd)
            raise

    def _remove_orphans(self) -> None:
        done = self.runs.names()
        for p in self.series.parts():
            if p.stem not in done:
                p.unlink()

    # -- writing ------------------------------------------------------------------------

    def write_batch(self, name: str, tables: BatchTables) -> None:
        """Write a batch's parts in commit order: series, failures, then runs."""
        if tables.series is not None and tables.runs is not None:
            self.series.write(name, tables.series)
        if tables.failures is not None:
            self.failures.write(name, tables.failures)
        if tables.runs is not None:
            self.runs.write(name, tables.runs)

    def write_runs(self, tasks: Sequence[RunTask], out: BatchOutput) -> BatchTables:
        """Write a batch of finished (and failed) runs as one part per table: the tables
        are assembled against the column kinds stored so far, so every part agrees."""
        tables = assemble(tasks, out, self.param_types, self.runs.schema, self.series.schema)
        self.write_batch(part_name(t.run_id for t in tasks), tables)
        return tables

    def finished_ids(self) -> set[str]:
        """Runs that have a result (finished or failed): a resumed sweep skips them."""
        return set(self.runs.column("run_id")) | set(self.failures.column("run_id"))

    def counts(self) -> dict[str, int]:
        done, failed = self.runs.rows(), self.failures.rows()
        planned = int(self.manifest["planned"])
        return {
            "planned": planned,
            "done": done,
            "failed": failed,
            "pending": planned - done - failed,
        }

    def write_manifest(self) -> None:
        self.manifest["counts"] = self.counts()
        data = jsonout.dumps(self.manifest, indent=2, default=str).encode()
        atomic_write_bytes(self.root / MANIFEST, data + b"\n")

    def close(self) -> None:
        if self._lock_fd >= 0:
            os.close(self._lock_fd)
            self._lock_fd = -1


def design_to_table(design: DesignTable, param_types: Mapping[str, pa.DataType]) -> pa.Table:
    cols: dict[str, pa.Array] = {"point_id": pa.array(range(len(design)), pa.int64())}
    for name, typ in param_types.items():
        cols[f"param_{name}"] = pa.array([column_value(p[name], typ) for p in design.points], typ)
    if design.x is not None:
        for j, name in enumerate(design.names):
            cols[f"x_{name}"] = pa.array(design.x[:, j], pa.float64())
    return pa.table(cols)


def check_same_spec(root: Path, stored: Any, spec: dict[str, Any]) -> None:
    """Refuse to mix two different sweeps in one folder; name the fields that differ."""
    spec = json.loads(json.dumps(spec, default=str))
    if stored == spec:
        return
    stored = stored or {}
    diff = [k for k in sorted(set(stored) | set(spec)) if stored.get(k) != spec.get(k)]
    raise ParameterError(
        "--out",
        str(root),
        "a new folder: it holds a sweep of a different spec (differs in "
        + ", ".join(diff)
        + "); rerun with its own spec (abm sweep --resume --out DIR) or use a new folder",
    )


def _check_design(root: Path, design_table: pa.Table) -> None:
    try:
        stored = pq.read_table(root / DESIGN)
    except Exception as exc:  # noqa: BLE001 - missing or damaged: either way not usable
        raise StoreError(
            f"{root / DESIGN}: unreadable ({type(exc).__name__}: {exc}); run the spec into "
            "a new folder"
        ) from None
    if not stored.equals(design_table):
        raise ParameterError(
            "--out",
            str(root),
            "a folder whose stored design equals the one generated now "
            "(it differs: did the SALib/numpy version change?); use a new folder",
        )


def set_aside_if_stale(root: str | Path, code: Mapping[str, Any]) -> Path | None:
    """For a script whose results must come from the code running now (``make results``):
    if ``root`` holds a sweep made by other code, rename it to ``<root>.stale-<commit>`` so
    the sweep starts afresh beside it (nothing is deleted), and return the new path; a
    missing folder, or one of this code (which then resumes), is left as it is."""
    root = Path(root)
    if not (root / MANIFEST).is_file():
        return None
    manifest = read_manifest(root)
    if not code_changes(manifest, code):
        return None
    tag = str(manifest.get("git_commit") or manifest.get("abm_version") or "old")[:10]
    aside = root.with_name(f"{root.name}.stale-{tag}")
    n = 1
    while aside.exists():
        n += 1
        aside = root.with_name(f"{root.name}.stale-{tag}-{n}")
    root.rename(aside)
    return aside


def code_changes(manifest: Mapping[str, Any], code: Mapping[str, Any]) -> list[str]:
    """What differs between the code a folder's manifest records and ``code`` (the running
    code's ``version.code_version``), as 'field: old -> new'."""
    stored = {k: manifest[k] for k in code if k in manifest}
    return differences(stored, dict(code))


def _check_code(root: Path, manifest: dict, code: Mapping[str, Any], allow: bool) -> None:
    """Refuse to add rows of other code to a folder, unless allowed (then recorded)."""
    changed = code_changes(manifest, code)
    if not changed:
        return
    if not allow:
        raise StoreError(
            f"{root} was made by other code ({'; '.join(changed)}); its rows and new ones "
            "would mix two versions of the model. Rerun into a new folder, or pass "
            "--allow-code-change to continue it anyway (recorded in its manifest)"
        )
    manifest.setdefault("code_changes", []).append({"when": now(), "changes": changed})
    manifest.update(code)


def _repair(root: Path) -> list[dict[str, str]]:
    """Quarantine parts that fail their check and rewrite the index to the sound parts
    (a folder written before checksums were recorded gets its index here)."""
    check = integrity.check_parts(root)
    moved = integrity.quarantine(root, check.problems)
    if moved:
        check = integrity.check_parts(root)  # a batch sibling may have gone too
    integrity.rewrite_index(root, check, atomic_write_bytes)
    return moved


def _lock(root: Path) -> int:
    fd = os.open(root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise ParameterError(
            "--out", str(root), "a folder no other sweep is writing to (it is locked)"
        ) from None
    return fd


def _remove_temporaries(root: Path) -> None:
    for sub in (root, root / "runs", root / "series", root / "failures"):
        if sub.is_dir():
            for p in sub.glob(".*.tmp"):
                p.unlink()
