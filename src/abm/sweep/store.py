"""The results folder of a sweep: manifest, design, and Parquet part files per batch.

Layout (docs/schema.md, docs/sweeps.md)::

    DIR/manifest.json        spec, versions, sessions, counts
    DIR/design.parquet       one row per design point (point_id, param_*, x_*)
    DIR/runs/<batch>.parquet one row per finished run
    DIR/series/<batch>.parquet  kept per-step series, long by step
    DIR/failures/<batch>.parquet  failed runs with error and traceback

Crash safety: every file is written under a hidden temporary name and renamed into place
(``os.replace`` is atomic), so a reader or a resumed sweep sees a part whole or not at all.
A batch writes its series part, then its failures part, then its runs part; the runs part
is what marks a run done, and a series part without a runs part of the same name is an
orphan of a killed driver, deleted on the next open. Only one driver may hold the folder
(an flock, released by the kernel even on SIGKILL); a run is scheduled only when neither
runs nor failures hold it; so no run can be written twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from abm import __version__, jsonout
from abm.errors import ParameterError
from abm.sweep.design import DesignTable, column_value
from abm.sweep.tables import BatchTables, failures_schema, runs_base_schema, series_base_schema

MANIFEST = "manifest.json"
DESIGN = "design.parquet"
FORMAT = 1


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def atomic_write_table(path: Path, table: pa.Table) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def part_name(run_ids: Iterable[str]) -> str:
    """A batch's file name, derived from its run ids: the same batch always maps to the same
    name, so writing it twice would replace, never duplicate."""
    ids = list(run_ids)
    digest = hashlib.sha1(",".join(ids).encode()).hexdigest()[:12]
    return f"{ids[0]}-n{len(ids)}-{digest}"


def git_commit() -> dict[str, Any]:
    """The commit (and whether the tree was dirty) of the source the package runs from."""
    src = Path(__file__).resolve().parent
    try:
        head = subprocess.run(
            ["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
        if head.returncode:
            return {"commit": None, "dirty": None}
        dirty = subprocess.run(
            ["git", "-C", str(src), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        return {"commit": head.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


class PartFolder:
    """One table of the sweep (runs, series or failures) as a folder of part files that
    all share ``schema``; widening the schema rewrites the older parts."""

    def __init__(self, path: Path, base: pa.Schema):
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        schemas = [pq.read_schema(p).remove_metadata() for p in self.parts()]
        self.schema = pa.unify_schemas([base, *schemas], promote_options="permissive")
        self._conform_existing()

    def parts(self) -> list[Path]:
        return sorted(self.path.glob("*.parquet"))

    def names(self) -> set[str]:
        return {p.stem for p in self.parts()}

    def write(self, name: str, table: pa.Table) -> None:
        schema = pa.unify_schemas(
            [self.schema, table.schema.remove_metadata()], promote_options="permissive"
        )
        if not schema.equals(self.schema):
            self.schema = schema
            self._conform_existing()
        atomic_write_table(self.path / f"{name}.parquet", conform(table, self.schema))

    def _conform_existing(self) -> None:
        for p in self.parts():
            if not pq.read_schema(p).remove_metadata().equals(self.schema):
                atomic_write_table(p, conform(pq.read_table(p), self.schema))

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
        self.runs = PartFolder(root / "runs", runs_base_schema(param_types))
        self.series = PartFolder(root / "series", series_base_schema())
        self.failures = PartFolder(root / "failures", failures_schema(param_types))

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        root: str | Path,
        spec: Mapping[str, Any],
        design: DesignTable,
        param_types: Mapping[str, pa.DataType],
        planned: int,
        retry_failed: bool = False,
    ) -> SweepStore:
        """Create the folder, or reopen one holding the same spec and design.

        Refuses a folder holding a different spec, a non-empty folder that is not a sweep,
        and a folder another driver is writing to. Cleans what a killed driver left.
        """
        root = Path(root)
        manifest_path = root / MANIFEST
        design_table = design_to_table(design, param_types)
        if manifest_path.exists():
            manifest = json.loads(manifest_path.read_text())
            check_same_spec(root, manifest.get("spec"), dict(spec))
        elif root.exists() and any(p.name != ".lock" for p in root.iterdir()):
            raise ParameterError("--out", str(root), "a new or empty folder, or a sweep folder")
        else:
            manifest = None
        root.mkdir(parents=True, exist_ok=True)
        fd = _lock(root)
        try:
            if manifest is None:
                atomic_write_table(root / DESIGN, design_table)
                manifest = {
                    "format": FORMAT,
                    "spec": dict(spec),
                    "abm_version": __version__,
                    **{f"git_{k}": v for k, v in git_commit().items()},
                    "created": now(),
                    "planned": planned,
                    "design_points": len(design),
                    "problem": design.problem,
                    "sessions": [],
                }
            else:
                for session in manifest.get("sessions", []):
                    if session.get("status") == "running":  # we hold the lock: it died
                        session["status"] = "killed"
                stored = pq.read_table(root / DESIGN)
                if not stored.equals(design_table):
                    raise ParameterError(
                        "--out",
                        str(root),
                        "a folder whose stored design equals the one generated now "
                        "(it differs: did the SALib/numpy version change?); use a new folder",
                    )
            _remove_temporaries(root)
            store = cls(root, manifest, dict(param_types), fd)
            store._remove_orphans()
            if retry_failed:
                for p in store.failures.parts():
                    p.unlink()
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
