"""Figures of the civil-violence engine."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from abm.plots import style


def series_figure(series: pd.DataFrame, title: str, path_stem: str) -> list[str]:
    """Quiet / active / jailed citizens over time, with legitimacy on a second axis."""
    style.apply()
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    total = series[["quiet", "active", "jailed"]].sum(axis=1).iloc[0]
    for col in ("active", "jailed", "quiet"):
        ax.plot(series["step"], series[col] / total, label=col, color=style.COLORS[col], lw=1.1)
    ax.set_xlabel("step (one activation of every agent)")
    ax.set_ylabel("share of citizens")
    ax.set_ylim(0, 1)
    ax.set_title(title)
    if "legitimacy" in series and series["legitimacy"].nunique() > 1:
        ax2 = ax.twinx()
        ax2.plot(series["step"], series["legitimacy"], color="k", ls="--", lw=0.8)
        ax2.set_ylabel("legitimacy L (dashed)")
        ax2.set_ylim(0, 1)
    ax.legend(loc="upper left", ncols=3, frameon=False)
    return style.save(fig, path_stem)
