"""The integrity of a sweep folder's part files: a checksum index, its check, quarantine.

Every part file (``runs/``, ``series/``, ``failures/``) is recorded in ``DIR/parts.jsonl``
with its SHA-256, size and row count *before* it is renamed into place, one JSON line per
write (an append, so the index costs the same per batch however big the sweep grows). So:

- an index line whose file is absent is a write a killed driver never finished: ignored;
- a file whose checksum matches no line recorded for its name is damaged (a flipped bit,
  a truncation): named, never read;
- a file with no line at all is not ours (a copy, a duplicated part): named, never read;
- two recorded parts holding the same run: the later one is named as a duplicate.

The reader refuses a folder with such problems (naming each file); the driver, which holds
the folder's lock, moves them into ``DIR/quarantine/`` with the other parts of their batch,
so that the batch's runs are simply not done and run again. A torn last line (a driver
killed mid-append) is not JSON and is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from abm.sweep.errors import StoreError

INDEX = "parts.jsonl"
QUARANTINE = "quarantine"
TABLES = ("runs", "series", "failures")
#: Columns that identify a stored row of each table (a run; a run's step).
KEYS = {"runs": ("run_id",), "failures": ("run_id",), "series": ("run_id", "step")}


def sha256_bytes(data: bytes | memoryview) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Entry:
    """One recorded write of a part."""

    table: str
    name: str
    sha256: str
    rows: int

    def line(self) -> str:
        return json.dumps(
            {"table": self.table, "name": self.name, "sha256": self.sha256, "rows": self.rows}
        )


def read_index(root: Path) -> dict[tuple[str, str], list[Entry]] | None:
    """Every recorded write per (table, part name), oldest first; None if the folder has no
    index (written before checksums were recorded)."""
    path = root / INDEX
    if not path.exists():
        return None
    out: dict[tuple[str, str], list[Entry]] = {}
    for raw in path.read_bytes().split(b"\n"):
        try:
            d = json.loads(raw)
            entry = Entry(str(d["table"]), str(d["name"]), str(d["sha256"]), int(d["rows"]))
        except (ValueError, KeyError, TypeError):
            continue  # an empty or torn line
        out.setdefault((entry.table, entry.name), []).append(entry)
    return out


def append_entry(root: Path, entry: Entry) -> None:
    """Record a part's checksum; called before the part is renamed into place."""
    with (root / INDEX).open("ab") as f:
        f.write(entry.line().encode() + b"\n")


@dataclass(frozen=True)
class Problem:
    """A part file the store cannot vouch for."""

    table: str
    name: str
    path: Path
    what: str
    #: damaged parts take their batch with them (its runs are rerun); a foreign or
    #: duplicated file goes alone (the real batch is intact)
    whole_batch: bool

    def text(self) -> str:
        return f"{self.path}: {self.what}"


@dataclass
class Check:
    """The sound parts of each table (in index order) and the problems found."""

    parts: dict[str, list[Path]]
    problems: list[Problem]
    indexed: bool
    digests: dict[Path, str]

    @property
    def sound(self) -> bool:
        return not self.problems


def part_files(root: Path, table: str) -> list[Path]:
    folder = root / table
    return sorted(folder.glob("*.parquet")) if folder.is_dir() else []


def check_parts(root: Path, tables: Iterable[str] = TABLES) -> Check:
    """Check each part of ``tables`` against the index and for runs stored twice."""
    index = read_index(root)
    parts: dict[str, list[Path]] = {}
    problems: list[Problem] = []
    digests: dict[Path, str] = {}
    for table in tables:
        good: list[Path] = []
        for path in part_files(root, table):
            problem = _check_one(table, path, index, digests)
            if problem is None:
                good.append(path)
            else:
                problems.append(problem)
        dups, good = _duplicates(table, good)
        problems += dups
        parts[table] = good
    return Check(parts, problems, index is not None, digests)


def _check_one(table: str, path: Path, index, digests: dict[Path, str]) -> Problem | None:
    if index is None:
        try:
            pq.read_metadata(path)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is a damaged part
            return Problem(table, path.stem, path, f"unreadable Parquet ({exc})", True)
        return None
    entries = index.get((table, path.stem))
    if not entries:
        what = "not in the parts index (a copied, duplicated or foreign file)"
        return Problem(table, path.stem, path, what, False)
    digest = digests[path] = sha256_file(path)
    if digest not in {e.sha256 for e in entries}:
        size = path.stat().st_size
        what = (
            f"checksum mismatch (damaged or truncated: {size} bytes, SHA-256 {digest[:12]}..., "
            f"recorded {entries[-1].sha256[:12]}...)"
        )
        return Problem(table, path.stem, path, what, True)
    return None


def _duplicates(table: str, parts: list[Path]) -> tuple[list[Problem], list[Path]]:
    """Parts holding a row an earlier part holds are duplicates (first one kept)."""
    keys = list(KEYS[table])
    seen: dict[tuple, str] = {}
    problems, good = [], []
    for path in parts:
        cols = pq.read_table(path, columns=keys).to_pydict()
        rows = list(zip(*(cols[k] for k in keys), strict=True))
        clash = next((r for r in rows if r in seen), None)
        if clash is not None:
            what = (
                f"duplicated rows: run_id appears more than once: {clash[0]} (already stored "
                f"in {seen[clash]}.parquet)"
            )
            problems.append(Problem(table, path.stem, path, what, False))
            continue
        seen.update(dict.fromkeys(rows, path.stem))
        good.append(path)
    return problems, good


def quarantine(root: Path, problems: Iterable[Problem]) -> list[dict[str, str]]:
    """Move each problem part (and, for a damaged one, the rest of its batch) into
    ``DIR/quarantine/<table>/``; returns what was moved and why, for the manifest."""
    moved: list[dict[str, str]] = []
    for p in problems:
        targets = [(p.table, p.path, p.what)]
        if p.whole_batch:
            for table in TABLES:
                sibling = root / table / f"{p.name}.parquet"
                if table != p.table and sibling.exists():
                    targets.append((table, sibling, f"same batch as damaged {p.path.name}"))
        for table, path, why in targets:
            if not path.exists():
                continue
            dest_dir = root / QUARANTINE / table
            dest_dir.mkdir(parents=True, exist_ok=True)
            dest = dest_dir / path.name
            n = 1
            while dest.exists():
                dest = dest_dir / f"{path.stem}.{n}{path.suffix}"
                n += 1
            os.replace(path, dest)
            moved.append(
                {"file": str(path.relative_to(root)), "to": str(dest.relative_to(root)), "why": why}
            )
    return moved


def rewrite_index(root: Path, check: Check | None, write) -> None:
    """Replace the index by one line per sound part (its current checksum), atomically;
    ``write(path, data)`` is the store's atomic writer."""
    lines = []
    for table, paths in (check.parts if check else {}).items():
        for path in paths:
            rows = pq.read_metadata(path).num_rows
            digest = check.digests.get(path) or sha256_file(path)
            lines.append(Entry(table, path.stem, digest, rows).line())
    write(root / INDEX, ("\n".join(lines) + "\n" if lines else "").encode())


def refuse(root: Path, problems: list[Problem]) -> StoreError:
    """The reader's refusal: every problem named, and how the store repairs them."""
    shown = "\n".join("  " + p.text() for p in problems)
    return StoreError(
        f"{root}: {len(problems)} part file(s) cannot be trusted:\n{shown}\n"
        f"abm sweep --resume --out {root} moves them into {root / QUARANTINE} and reruns "
        "their runs"
    )
