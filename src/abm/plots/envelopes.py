"""Per-step envelopes of key series, one colour per final outcome."""

from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib.pyplot as plt
import pandas as pd

from abm.plots import style


def series_envelopes(
    table: pd.DataFrame,
    path_stem: str,
    *,
    by: str = "final_class",
    units: Mapping[str, str] | None = None,
    step_label: str = "week",
    colours: Mapping[str, str] | None = None,
) -> list[str]:
    """One panel per series: the median line and 50 % / 90 % bands for each group of runs.

    ``table`` is ``analysis.trajectories.envelopes(...)``; ``colours`` maps a group (a
    final class) to its declared colour.
    """
    style.apply()
    units = units or {}
    names = list(dict.fromkeys(table["series"]))
    groups = list(dict.fromkeys(table[by]))
    ncols = min(3, len(names))
    nrows = math.ceil(len(names) / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(2.5 * ncols + 0.8, 2.0 * nrows + 0.8), sharex=True, squeeze=False
    )
    for k, name in enumerate(names):
        ax = axes.flat[k]
        for i, group in enumerate(groups):
            t = table[(table["series"] == name) & (table[by] == group)].sort_values("step")
            if t.empty:
                continue
            color = style.color_of(str(group), i, colours)
            ax.fill_between(t["step"], t["q05"], t["q95"], color=color, alpha=0.12, lw=0)
            ax.fill_between(t["step"], t["q25"], t["q75"], color=color, alpha=0.3, lw=0)
            runs = int(t["n"].max())
            label = f"{str(group).replace('_', ' ')} ({runs} runs)"
            ax.plot(t["step"], t["q50"], color=color, lw=1.1, label=label)
        unit = units.get(name, "")
        ax.set_ylabel(name.replace("_", " ") + (f" [{unit}]" if unit and unit != "-" else ""))
        ax.set_title(name.replace("_", " "))
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    for ax in axes[-1, :]:
        ax.set_xlabel(step_label)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="lower center",
        ncols=min(4, len(labels)),
        frameon=False,
        title=f"median by {by.replace('_', ' ')}; bands: central 50 % and 90 % of runs",
        bbox_to_anchor=(0.5, -0.02),
    )
    fig.tight_layout(rect=(0, 0.1 + 0.02 * math.ceil(len(labels) / 4), 1, 1))
    return style.save(fig, path_stem)
