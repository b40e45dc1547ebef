"""Every figure of a sweep, made from its results folder (what `abm plot` draws).

Each figure is written as PNG and SVG; files are drawn into a staging folder and moved into
place one by one (``os.replace``), so an interrupted call leaves no half-written figure.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from abm.analysis import probabilities, survival, swept_model, trajectories
from abm.analysis.load import Results

#: At most this many series as envelopes: the model's key series (its catalogue entry's)
#: first, then others in the order they were stored.
MAX_SERIES = 6


@dataclass
class Figure:
    """A written figure: its stem (path without extension), title and caption."""

    stem: Path
    title: str
    caption: str


def heatmap_bins(runs: int) -> int:
    """Bins per axis of a heat map over sampled parameters: about 20 runs per cell on
    average (sqrt(runs / 20)), between 3 and 8, so cells are not mostly noise."""
    return int(np.clip(np.sqrt(runs / 20.0), 3, 8))


def param_label(results: Results, name: str) -> str:
    """Axis label with the unit the sweep recorded in its manifest (see swept_model)."""
    return results.design.param(name).label()


def make_figures(results: Results, out: str | Path, confidence: float = 0.95) -> list[Figure]:
    """Draw the outcome, envelope and event figures of a sweep into ``out``."""
    out = Path(out)
    with _staging(out) as stage:
        figs = _outcome_figures(results, stage, confidence)
        figs += _series_figures(results, stage)
        figs += _event_figures(results, stage, confidence)
    return [Figure(out / f.stem.name, f.title, f.caption) for f in figs]


def draw(
    out: str | Path, name: str, title: str, caption: str, fn: Callable[[str], object]
) -> Figure:
    """Draw one figure with ``fn(path_stem)`` through a staging folder into ``out``."""
    out = Path(out)
    with _staging(out) as stage:
        fn(str(stage / name))
    return Figure(out / name, title, caption)


def _outcome_figures(results: Results, out: Path, confidence: float) -> list[Figure]:
    from abm.plots import outcomes as plots

    figs: list[Figure] = []
    names = results.outcomes
    if not names:
        return figs
    frame = results.frame()
    bounds = {p.name: p.bounds for p in results.design.params if p.bounds}
    for p in results.design.names:
        table = probabilities.outcome_table(frame, [p], names, bounds=bounds, confidence=confidence)
        stem = out / f"probability_by_{p}"
        plots.probability_lines(
            table,
            p,
            param_label(results, p),
            names,
            str(stem),
            confidence,
            colours=swept_model.colours(results),
        )
        figs.append(
            Figure(
                stem,
                f"Outcome probability by {p}",
                f"Share of runs with each outcome at each level of {p} (continuous designs: "
                f"equal-width bins, other parameters averaged over); bands are {confidence:.0%} "
                "Wilson intervals.",
            )
        )
    if len(results.design.names) >= 2:
        px, py = results.design.names[:2]
        table = probabilities.outcome_table(
            frame,
            [px, py],
            names,
            bounds=bounds,
            bins=heatmap_bins(len(frame)),
            confidence=confidence,
        )
        for o in names:
            if table.loc[table["outcome"] == o, "k"].sum() == 0:
                continue
            stem = out / f"heatmap_{o}_{px}_{py}"
            plots.probability_heatmap(
                table,
                px,
                py,
                param_label(results, px),
                param_label(results, py),
                o,
                str(stem),
                confidence,
            )
            figs.append(
                Figure(
                    stem,
                    f"P({o}) over {px} and {py}",
                    f"Share of runs with {o} per cell (cell label: share, then its "
                    f"{confidence:.0%} Wilson interval); hatched cells hold fewer than "
                    f"{probabilities.MIN_RUNS} runs, white cells none. Sampled parameters are "
                    "binned (about 20 runs per cell on average), the others averaged over.",
                )
            )
    return figs


def _series_figures(results: Results, out: Path) -> list[Figure]:
    from abm.plots import envelopes as plots

    available = results.series_columns()
    if not available or "final_class" not in results.runs.columns:
        return []
    chosen = [c for c in swept_model.key_series(results) if c in available]
    chosen += [c for c in available if c not in chosen][: max(0, MAX_SERIES - len(chosen))]
    table = trajectories.envelopes(results, chosen[:MAX_SERIES])
    if table.empty:
        return []
    stem = out / "envelopes"
    plots.series_envelopes(
        table,
        str(stem),
        step_label=swept_model.step_label(results),
        colours=swept_model.colours(results),
    )
    return [
        Figure(
            stem,
            "Key series by final outcome",
            "Median (line), central 50 % and 90 % of runs (bands) at each step, for the runs "
            f"of each final class with at least {trajectories.MIN_RUNS_PER_CLASS} runs.",
        )
    ]


def _event_figures(results: Results, out: Path, confidence: float) -> list[Figure]:
    from abm.plots import events as plots

    figs: list[Figure] = []
    if not results.outcomes or results.horizon is None:
        return figs
    curves = {}
    for o in results.outcomes:
        time, observed = trajectories.event_times(results, o)
        if observed.any():
            curves[o] = survival.kaplan_meier(time, observed, confidence)
    if curves:
        stem = out / "time_to_event"
        plots.time_to_event(
            curves,
            results.horizon,
            str(stem),
            confidence=confidence,
            step_label=swept_model.step_label(results),
            colours=swept_model.colours(results),
        )
        figs.append(
            Figure(
                stem,
                "Time to each outcome",
                "Share of runs in which each outcome had happened by each week (1 - Kaplan-Meier "
                f"survival; runs without it censored at week {results.horizon}), with "
                f"{confidence:.0%} log-log bands.",
            )
        )
    examples = trajectories.example_runs(results)
    if not examples.empty:
        stem = out / "event_timelines"
        plots.event_timelines(
            examples,
            results.outcomes,
            results.horizon,
            str(stem),
            step_label=swept_model.step_label(results),
            colours=swept_model.colours(results),
        )
        figs.append(
            Figure(
                stem,
                "Example runs",
                "First week of each outcome in one run per final class (first run id of each).",
            )
        )
    return figs


class _staging:
    """A temporary folder next to ``out`` whose files move into ``out`` on success."""

    def __init__(self, out: Path):
        self.out = out

    def __enter__(self) -> Path:
        self.out.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.out))
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                for f in sorted(self.tmp.iterdir()):
                    os.replace(f, self.out / f.name)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
