"""Read a sweep's results folder (docs/schema.md) into one object the analyses share.

The folder is the only input, read through the sweep package's reader
(``abm.sweep.read.SweepFolder``: every part checked against its recorded checksum, no run
twice), so analysis never parses the store format itself and never imports a model: the
manifest says which parameters were varied, over what ranges and in which units, with which
design and how many replicates; the runs table holds one row per finished run; the failures
table one row per failed run. An outcome happened in a run iff its ``week_<outcome>`` is
not null.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abm.sweep.errors import StoreError
from abm.sweep.read import SweepFolder

WEEK_PREFIX = "week_"
PARAM_PREFIX = "param_"


class ResultsError(ValueError):
    """A results folder is missing, incomplete or inconsistent with what an analysis needs."""


def with_unit(name: str, unit: str) -> str:
    """``name [unit]``; a unit already in brackets (``[0,1]``) is not bracketed again, and a
    dimensionless ``-`` or empty unit is left out."""
    unit = (unit or "").strip()
    if not unit or unit == "-":
        return name
    return f"{name} {unit}" if unit.startswith("[") else f"{name} [{unit}]"


@dataclass(frozen=True)
class VariedParam:
    """One varied parameter as the spec declared it: a range or a list of values."""

    name: str
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] | None = None
    unit: str = ""  # from the manifest's units (recorded by the sweep from the model)

    @property
    def column(self) -> str:
        return PARAM_PREFIX + self.name

    @property
    def bounds(self) -> tuple[float, float] | None:
        if self.low is not None and self.high is not None:
            return float(self.low), float(self.high)
        return None

    def label(self) -> str:
        """Axis label: the name, with its unit in brackets when it has one."""
        return with_unit(self.name, self.unit)


@dataclass(frozen=True)
class Design:
    """How the sweep chose its points (kind and sampler options) and how often it ran each."""

    kind: str
    params: tuple[VariedParam, ...]
    replicates: int
    options: dict[str, Any] = field(default_factory=dict)
    n_points: int | None = None

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.params]

    def param(self, name: str) -> VariedParam:
        for p in self.params:
            if p.name == name:
                return p
        raise ResultsError(f"{name!r} is not a varied parameter; varied: {', '.join(self.names)}")


@dataclass
class Results:
    """A loaded results folder. ``runs`` is the runs table as written (one row per run)."""

    path: Path
    manifest: dict[str, Any]
    design: Design
    runs: pd.DataFrame
    failures: pd.DataFrame
    horizon: int | None
    model: str = ""
    #: design.parquet: one row per design point (point_id, param_*, and x_* for sampled
    #: designs: the sampler's raw matrix, which SALib's analysers need). None if absent.
    points: pd.DataFrame | None = None
    folder: SweepFolder | None = field(default=None, repr=False)

    @property
    def series_units(self) -> dict[str, str]:
        """Units of the series columns, as the manifest records them ({} when unknown)."""
        return self._folder().units["series"]

    def _folder(self) -> SweepFolder:
        if self.folder is None:
            self.folder = _open(self.path)
        return self.folder

    @property
    def outcomes(self) -> list[str]:
        """Outcome names, from the runs table's ``week_<outcome>`` columns, in their order."""
        return [c[len(WEEK_PREFIX) :] for c in self.runs.columns if c.startswith(WEEK_PREFIX)]

    @property
    def param_columns(self) -> list[str]:
        return [p.column for p in self.design.params]

    def indicators(self) -> pd.DataFrame:
        """One boolean column per outcome: did it happen in the run (its week is not null)."""
        return pd.DataFrame(
            {o: self.runs[WEEK_PREFIX + o].notna().to_numpy() for o in self.outcomes},
            index=self.runs.index,
        )

    def frame(self) -> pd.DataFrame:
        """Runs with plain parameter names and outcome indicators side by side."""
        out = self.runs[self.param_columns].copy()
        out.columns = self.design.names
        return pd.concat([out, self.indicators()], axis=1)

    def series_columns(self) -> list[str]:
        return [c for c in self._folder().columns("series") if c not in ("run_id", "step")]

    def series(
        self, columns: Sequence[str] | None = None, run_ids: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Per-step series, long by (run_id, step), reading only the columns asked for."""
        if not self.series_columns():
            raise ResultsError(f"{self.path / 'series'}: no per-step series were kept")
        return _table(self._folder(), "series", columns, run_ids)


def load(path: str | Path) -> Results:
    """Load a results folder; raise ResultsError naming what is missing or inconsistent
    (a part that fails its checksum is named too, never read)."""
    path = Path(path)
    folder = _open(path)
    manifest = folder.manifest
    design = design_from_manifest(manifest, folder.design())
    runs = _table(folder, "runs")
    if runs.empty:
        raise ResultsError(f"{path / 'runs'}: no finished runs to analyse")
    _check_runs(runs, design, path)
    runs = runs.sort_values(["point_id", "replicate"], kind="stable", ignore_index=True)
    spec = manifest["spec"]
    results = Results(
        path=path,
        manifest=manifest,
        design=design,
        runs=runs,
        failures=_table(folder, "failures"),
        horizon=None,
        model=str(spec.get("model", "")),
        points=folder.design(),
        folder=folder,
    )
    steps = spec.get("steps")
    results.horizon = int(steps) if steps is not None else _horizon_from_series(results)
    return results


def _open(path: Path) -> SweepFolder:
    try:
        return SweepFolder(path)
    except StoreError as exc:
        raise ResultsError(str(exc)) from None


def _table(folder: SweepFolder, table: str, columns=None, run_ids=None) -> pd.DataFrame:
    try:
        return folder.table(table, columns, run_ids)
    except StoreError as exc:
        raise ResultsError(str(exc)) from None


def design_from_manifest(manifest: dict[str, Any], points: pd.DataFrame | None = None) -> Design:
    """The varied parameters, the design kind and options, and the replicates per point.

    Reads the manifest ``abm sweep`` writes (abm.sweep.store): ``spec.vary`` maps each name
    to ``{"range": [low, high], "num": n}`` or ``{"values": [...]}``; ``spec.design`` holds
    ``kind`` and the sampler options (``n``, ``seed``, ``second_order``, ``levels``);
    ``design_points`` counts the design's rows and ``problem`` is SALib's problem dict.
    """
    spec = manifest.get("spec")
    if not isinstance(spec, dict):
        raise ResultsError("manifest.json holds no 'spec'")
    vary = spec.get("vary") or {}
    design = spec.get("design") or {"kind": "grid"}
    if isinstance(design, str):
        design = {"kind": design}
    drawn = _posterior_params(points, vary) if design.get("kind") == "posterior" else []
    if (not isinstance(vary, dict) or not vary) and not drawn:
        raise ResultsError("manifest: the spec names no varied parameters ('vary')")
    units = (manifest.get("units") or {}).get("params") or {}
    params = [dataclasses.replace(p, unit=str(units.get(p.name, ""))) for p in drawn]
    for name, decl in vary.items():
        rng = decl.get("range") if isinstance(decl, dict) else None
        values = decl.get("values") if isinstance(decl, dict) else decl
        params.append(
            VariedParam(
                name=name,
                low=None if rng is None else rng[0],
                high=None if rng is None else rng[1],
                values=None if values is None else tuple(values),
                unit=str(units.get(name, "")),
            )
        )
    options = {k: v for k, v in design.items() if k != "kind" and v is not None}
    replicates = int(spec.get("replicates", 1))
    n_points = manifest.get("design_points")
    if n_points is None and manifest.get("planned") is not None:
        n_points = int(manifest["planned"]) // replicates
    return Design(
        kind=str(design.get("kind", "grid")),
        params=tuple(params),
        replicates=replicates,
        options=options,
        n_points=None if n_points is None else int(n_points),
    )


def _posterior_params(points: pd.DataFrame | None, vary: dict) -> list[VariedParam]:
    """A posterior design's drawn parameters, read from its stored design (``param_*``
    columns the spec does not vary), each spanning the values drawn: the analyses treat them
    as continuous inputs over what the posterior put in the sweep."""
    if points is None:
        raise ResultsError("a posterior design needs its stored design (design.parquet)")
    out = []
    for column in points.columns:
        name = column.removeprefix("param_")
        if not column.startswith("param_") or name in vary:
            continue
        values = pd.to_numeric(points[column], errors="coerce")
        if values.isna().any():  # a drawn schedule or category: a factor of its values
            out.append(VariedParam(name, None, None, tuple(pd.unique(points[column])), ""))
        else:
            out.append(VariedParam(name, float(values.min()), float(values.max()), None, ""))
    return out


def _horizon_from_series(results: Results) -> int | None:
    """With no ``steps`` in the spec (the model's own horizon), the last step stored."""
    if not results.series_columns():
        return None
    steps = _table(results._folder(), "series", columns=[])["step"]
    return int(steps.max()) if len(steps) else None


def _check_runs(runs: pd.DataFrame, design: Design, path: Path) -> None:
    need = ["run_id", "point_id", "replicate", *(p.column for p in design.params)]
    missing = [c for c in need if c not in runs.columns]
    if missing:
        raise ResultsError(f"{path / 'runs'}: missing columns {', '.join(missing)}")
    dup = runs["run_id"][runs["run_id"].duplicated()]
    if len(dup):
        shown = ", ".join(map(str, np.unique(dup)[:10]))
        raise ResultsError(f"{path / 'runs'}: run_id appears more than once: {shown}")
