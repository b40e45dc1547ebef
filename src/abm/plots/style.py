"""One figure style for every plot: readable at paper size, consistent colours."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

#: The one colour table of series and states (citizen states, police), shared by every
#: figure and the dashboard. Outcome colours are not here: each outcome declares its own
#: (``abm.contract.Outcome``), and figures get them from the sweep's manifest or the
#: model's catalogue entry.
COLORS = {
    "quiet": "#4C72B0",
    "active": "#C44E52",
    "jailed": "#8C8C8C",
    "police": "#222222",
    "quiet_pro_russian": "#9FB4D9",
    "empty": "#FFFFFF",
    # citizens' orientation, on the grid and in the protest plot
    "pro_western": "#3A6FB0",
    "pro_russian": "#E8A33D",
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


#: Colours for outcomes that declare none (e.g. a model outside the catalogue), by index.
_FALLBACK = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3"]


def color_of(name: str, index: int = 0, colours: Mapping[str, str] | None = None) -> str:
    """An outcome's declared colour (from ``colours``); others take the index-th fallback."""
    return (colours or {}).get(name, _FALLBACK[index % len(_FALLBACK)])
