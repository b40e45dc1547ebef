"""Reading a sweep folder back: the one reader of the store format (analysis uses it too).

Every read is checked: each part file against the checksum recorded when it was written
(``DIR/parts.jsonl``), and no run stored twice. A part that fails is named and never read;
``abm sweep --resume`` quarantines it and reruns its runs. Tables come sorted by run_id
(and step), so two reads of the same folder give the same frame.

Plain ``pandas.read_parquet(DIR/'runs')`` or DuckDB's ``read_parquet('DIR/runs/*.parquet')``
also read a folder, without these checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from abm.sweep.parts import KEYS, TABLES, Check, check_parts, part_files, refuse
from abm.sweep.store import DESIGN, MANIFEST, read_manifest

__all__ = ["MANIFEST", "SweepFolder", "read_manifest", "read_table", "verify"]


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a whole folder without changing it."""

    root: Path
    problems: list[str]
    #: False for a folder written before checksums were recorded: its parts were only
    #: checked to be readable Parquet
    checksummed: bool
    counts: dict[str, int]

    @property
    def sound(self) -> bool:
        return not self.problems

    def text(self) -> str:
        c = self.counts
        head = (
            f"{self.root}: {c.get('runs', 0)} runs, {c.get('failures', 0)} failed runs, "
            f"{c.get('pending', '?')} pending of {c.get('planned', '?')} planned"
        )
        if self.sound:
            how = (
                "every part matches its recorded checksum"
                if self.checksummed
                else ("no checksums recorded (an older folder): every part is readable Parquet")
            )
            return f"{head}\nsound: {how}; no run stored twice"
        lines = [head, f"{len(self.problems)} problem(s):"]
        lines += [f"  {p}" for p in self.problems]
        lines.append(f"to repair: abm sweep --resume --out {self.root} (quarantines and reruns)")
        return "\n".join(lines)


class SweepFolder:
    """A sweep folder opened for reading: its manifest, and checked access to its tables."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.manifest: dict[str, Any] = read_manifest(self.root)

    @property
    def spec(self) -> dict[str, Any]:
        return self.manifest["spec"]

    @property
    def units(self) -> dict[str, dict[str, str]]:
        """Units the driver recorded: ``{"params": {name: unit}, "series": {column: unit}}``
        (empty maps for a folder written before units were recorded)."""
        units = self.manifest.get("units") or {}
        return {
            "params": dict(units.get("params") or {}),
            "series": dict(units.get("series") or {}),
        }

    def sound_parts(self, table: str) -> list[Path]:
        """The parts of ``table`` after their check; StoreError naming each bad one."""
        if table not in TABLES:
            raise ValueError(f"table must be one of {TABLES}, not {table!r}")
        check = check_parts(self.root, [table])
        if check.problems:  # perhaps a widening rewrite raced us: look once more
            check = check_parts(self.root, [table])
        if check.problems:
            raise refuse(self.root, check.problems)
        return check.parts[table]

    def table(
        self,
        table: str = "runs",
        columns: Sequence[str] | None = None,
        run_ids: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """``table`` (runs, series or failures) sorted by its keys, index reset; only
        ``columns`` (besides the keys) and the rows of ``run_ids`` when given."""
        parts = self.sound_parts(table)
        if not parts:
            return pd.DataFrame()
        keys = list(KEYS[table])
        cols = None if columns is None else [*keys, *(c for c in columns if c not in keys)]
        filters = None if run_ids is None else [("run_id", "in", list(run_ids))]
        df = pq.ParquetDataset(parts, filters=filters).read(columns=cols).to_pandas()
        return df.sort_values(keys, kind="stable").reset_index(drop=True)

    def columns(self, table: str) -> list[str]:
        """Column names of ``table`` (all parts share one schema), keys first."""
        parts = part_files(self.root, table)
        return pq.read_schema(parts[0]).names if parts else []

    def design(self) -> pd.DataFrame | None:
        """design.parquet: one row per design point (None if absent)."""
        path = self.root / DESIGN
        return pq.read_table(path).to_pandas() if path.is_file() else None

    @cached_property
    def check(self) -> Check:
        return check_parts(self.root)

    def verify(self) -> Verification:
        """Check every part of every table and the counts against the plan; changes nothing."""
        check = self.check
        problems = [p.text() for p in check.problems]
        rows = {
            t: sum(pq.read_metadata(p).num_rows for p in check.parts[t])
            for t in ("runs", "failures")
        }
        planned = self.manifest.get("planned")
        counts: dict[str, int] = dict(rows)
        if isinstance(planned, int):
            counts["planned"] = planned
            counts["pending"] = planned - rows["runs"] - rows["failures"]
            if counts["pending"] < 0:
                problems.append(f"more runs stored ({planned - counts['pending']}) than planned")
        both = _ids(check.parts["runs"]) & _ids(check.parts["failures"])
        if both:
            problems.append(f"runs both finished and failed: {', '.join(sorted(both)[:5])}")
        stray = sorted(p.name for p in self.root.rglob(".*.tmp"))
        if stray:
            problems.append(
                f"temporary files of an unfinished write: {', '.join(stray[:5])} "
                "(removed on the next resume)"
            )
        return Verification(self.root, problems, check.indexed, counts)


def _ids(parts: list[Path]) -> set[str]:
    out: set[str] = set()
    for p in parts:
        out.update(pq.read_table(p, columns=["run_id"]).column(0).to_pylist())
    return out


def read_table(out: str | Path, table: str = "runs") -> pd.DataFrame:
    """``table`` (runs, series or failures) of the sweep in ``out``, checked, sorted, index
    reset; StoreError naming any part that fails its checksum or repeats a run."""
    if table not in TABLES:
        raise ValueError(f"table must be one of {TABLES}, not {table!r}")
    return SweepFolder(out).table(table)


def verify(out: str | Path) -> Verification:
    """Check a folder without running or changing anything (``abm sweep --verify DIR``)."""
    return SweepFolder(out).verify()
