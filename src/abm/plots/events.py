"""Figures of when things happen: time-to-event curves and single runs' event timelines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from abm.plots import style


def time_to_event(
    curves: Mapping[str, pd.DataFrame],
    horizon: int,
    path_stem: str,
    *,
    confidence: float = 0.95,
    step_label: str = "week",
    colours: Mapping[str, str] | None = None,
) -> list[str]:
    """Share of runs in which each outcome has happened by week t (1 - Kaplan-Meier S(t)),
    with the pointwise band; runs without the event are censored at the horizon.
    ``colours`` maps an outcome to its declared colour."""
    style.apply()
    fig, ax = plt.subplots(figsize=(6.0, 3.4))
    for i, (outcome, km) in enumerate(curves.items()):
        t = np.append(km["time"].to_numpy(), horizon)
        inc = 1.0 - np.append(km["survival"].to_numpy(), km["survival"].iloc[-1])
        lo = 1.0 - np.append(km["high"].to_numpy(), km["high"].iloc[-1])
        hi = 1.0 - np.append(km["low"].to_numpy(), km["low"].iloc[-1])
        color = style.color_of(outcome, i, colours)
        ax.fill_between(t, lo, hi, step="post", color=color, alpha=0.2, lw=0)
        label = f"{outcome.replace('_', ' ')} ({int(km['events'].sum())} runs)"
        ax.step(t, inc, where="post", color=color, lw=1.2, label=label)
    ax.set_xlim(0, horizon)
    ax.set_ylim(0, 1)
    ax.set_xlabel(step_label)
    ax.set_ylabel("share of runs with the event by then")
    ax.set_title(
        f"Time to each outcome (Kaplan-Meier, censored at week {horizon}; "
        f"{confidence:.0%} log-log bands)",
        fontsize=9,
    )
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.tight_layout()
    return style.save(fig, path_stem)


def event_timelines(
    runs: pd.DataFrame,
    outcomes: Sequence[str],
    horizon: int,
    path_stem: str,
    *,
    step_label: str = "week",
    colours: Mapping[str, str] | None = None,
) -> list[str]:
    """One row per run: a marker at the week each outcome first happened.

    ``runs`` holds ``run_id``, ``week_<outcome>`` and optionally ``final_class``;
    ``colours`` maps an outcome to its declared colour.
    """
    style.apply()
    fig, ax = plt.subplots(figsize=(6.5, 0.45 * len(runs) + 1.3))
    seen = set()
    for row_i, (_, run) in enumerate(runs.iterrows()):
        y = len(runs) - 1 - row_i
        ax.hlines(y, 0, horizon, color="0.8", lw=1)
        happened = [
            (float(run[f"week_{o}"]), i, o)
            for i, o in enumerate(outcomes)
            if run.get(f"week_{o}") is not None and not pd.isna(run.get(f"week_{o}"))
        ]
        for week, i, outcome in happened:
            # outcomes in the same week are stacked, so none hides another
            same = [o for w, _, o in happened if w == week]
            offset = (same.index(outcome) - (len(same) - 1) / 2) * 0.22
            label = outcome.replace("_", " ") if outcome not in seen else None
            seen.add(outcome)
            ax.scatter(
                week,
                y + offset,
                s=36,
                color=style.color_of(outcome, i, colours),
                edgecolor="white",
                zorder=3,
                label=label,
            )
    labels = [
        f"{r['run_id']}"
        + (f"\n{str(r['final_class']).replace('_', ' ')}" if "final_class" in r else "")
        for _, r in runs.iterrows()
    ]
    ax.set_yticks(np.arange(len(runs))[::-1], labels, fontsize=7)
    ax.set_xlim(0, horizon)
    ax.set_ylim(-0.7, len(runs) - 0.3)
    ax.set_xlabel(step_label)
    ax.set_title("Example runs: first week of each outcome (label: run id, final class)")
    ax.grid(axis="y", visible=False)
    if seen:
        handles, names = ax.get_legend_handles_labels()
        order = [names.index(o.replace("_", " ")) for o in outcomes if o in seen]
        ax.legend(
            [handles[k] for k in order],
            [names[k] for k in order],
            loc="center left",
            bbox_to_anchor=(1.01, 0.5),
            frameon=False,
        )
    fig.tight_layout()
    return style.save(fig, path_stem)
