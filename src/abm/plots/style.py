"""One figure style for every plot: readable at paper size, consistent colours."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

#: Colours by citizen state and by outcome, shared by every figure.
COLORS = {
    "quiet": "#4C72B0",
    "active": "#C44E52",
    "jailed": "#8C8C8C",
    "police": "#222222",
}


def apply() -> None:
    plt.rcParams.update(
        {
            "figure.dpi": 110,
            "savefig.dpi": 200,
            "font.size": 9,
            "axes.titlesize": 10,
            "axes.labelsize": 9,
            "legend.fontsize": 8,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
        }
    )


def save(fig, path_stem) -> list[str]:
    """Write PNG and SVG next to each other; return the paths."""
    out = []
    # No timestamps and fixed SVG ids: the same data give the same bytes, so a rerun of an
    # experiment only changes the committed figures whose content changed.
    metadata = {"png": {"Software": None}, "svg": {"Date": None}}
    for ext in ("png", "svg"):
        p = f"{path_stem}.{ext}"
        with plt.rc_context({"svg.hashsalt": "abm"}):
            fig.savefig(p, bbox_inches="tight", metadata=metadata[ext])
        out.append(p)
    plt.close(fig)
    return out


#: Colours of the Belarus model's outcomes and final classes, shared by the analysis figures.
OUTCOME_COLORS = {
    "status_quo": "#7F7F7F",
    "intervention": "#FF7F0E",
    "mutiny": "#BCBD22",
    "mass_mutiny": "#8C564B",
    "uprising": "#D62728",
    "substitution_attempt": "#17BECF",
    "substitution": "#1F77B4",
    "ejection": "#111111",
    "russian_intervention": "#2CA02C",
}
_FALLBACK = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3"]


def color_of(name: str, index: int = 0) -> str:
    """A stable colour for an outcome or class; unknown names take the index-th fallback."""
    return OUTCOME_COLORS.get(name, _FALLBACK[index % len(_FALLBACK)])
