"""Figures of scenario discovery: PRIM's peeling trade-off, its box, and feature scores."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from abm.plots import style


def prim_figure(result, path_stem: str, labels: dict[str, str] | None = None) -> list[str]:
    """Left: the peeling trajectory (coverage vs density, colour = restricted dimensions),
    the boxes made by dropping insignificant restrictions as squares, the chosen box
    circled. Right: the chosen box's limits on each restricted parameter, drawn as a share
    of the parameter's sampled range. ``result`` is a ``PrimResult``."""
    style.apply()
    labels = labels or {}
    traj = result.trajectory
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(7.0, 3.3), gridspec_kw={"width_ratios": [1, 1.2]}
    )
    dims = traj["res_dim"].to_numpy()
    cmap = plt.get_cmap("viridis", int(dims.max()) + 1)
    peel = ~traj["dropped"].to_numpy() if "dropped" in traj else np.ones(len(traj), bool)
    sc = left.scatter(
        traj["coverage"][peel],
        traj["density"][peel],
        c=dims[peel],
        cmap=cmap,
        vmin=-0.5,
        vmax=dims.max() + 0.5,
        s=14,
    )
    insignificant = peel & ~traj["significant"].to_numpy()
    left.scatter(
        traj["coverage"][insignificant],
        traj["density"][insignificant],
        marker="x",
        s=14,
        color="0.4",
    )
    if (~peel).any():  # boxes made by dropping insignificant restrictions
        left.plot(traj["coverage"][~peel], traj["density"][~peel], "s", ms=4, mfc="none", mec="0.2")
    c = traj.loc[result.chosen]
    left.scatter([c["coverage"]], [c["density"]], s=90, facecolor="none", edgecolor="red", lw=1.3)
    left.set_xlim(0, 1.05)
    left.set_ylim(0, 1.05)
    left.set_xlabel("coverage (share of outcome runs inside)")
    left.set_ylabel("density (share inside with outcome)")
    left.set_title(
        "×: a restriction not significant; □: after dropping those; red ○: chosen", fontsize=7
    )
    cb = fig.colorbar(sc, ax=left, ticks=range(int(dims.max()) + 1))
    cb.set_label("restricted parameters")
    box = result.box
    numeric = box[box["values"] == ""]
    y = np.arange(len(numeric))[::-1]
    for yi, (_, r) in zip(y, numeric.iterrows(), strict=True):
        span = r["range_high"] - r["range_low"] or 1.0
        lo = (r["low"] - r["range_low"]) / span
        hi = (r["high"] - r["range_low"]) / span
        right.hlines(yi, 0, 1, color="0.85", lw=6)
        right.hlines(yi, lo, hi, color="#C44E52", lw=6)
        right.text(lo, yi + 0.22, f"{r['low']:.3g}", ha="right", fontsize=7)
        right.text(hi, yi + 0.22, f"{r['high']:.3g}", ha="left", fontsize=7)
    right.set_yticks(y, [labels.get(p, p) for p in numeric["param"]])
    right.set_xlim(-0.15, 1.15)
    right.set_ylim(-0.8, max(len(numeric), 1) - 0.2)
    right.set_xlabel("share of the sampled range")
    right.grid(axis="y", visible=False)
    s = result.stats
    right.set_title(
        f"box {result.chosen}: coverage {s['coverage']:.2f}, density {s['density']:.2f}, "
        f"mass {s['mass']:.2f}",
        fontsize=8,
    )
    fig.suptitle(f"PRIM scenario discovery: {result.outcome.replace('_', ' ')}", fontsize=9)
    fig.tight_layout()
    return style.save(fig, path_stem)


def feature_score_heatmap(scores: pd.DataFrame, path_stem: str) -> list[str]:
    """Parameters (rows) by outcomes (columns): extra-trees feature score, annotated."""
    style.apply()
    fig, ax = plt.subplots(figsize=(1.0 * scores.shape[1] + 2.2, 0.35 * scores.shape[0] + 1.4))
    im = ax.imshow(scores.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.grid(False)
    for i in range(scores.shape[0]):
        for j in range(scores.shape[1]):
            v = scores.iat[i, j]
            if pd.notna(v):
                ax.text(
                    j,
                    i,
                    f"{v:.2f}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if v > 0.6 else "black",
                )
    ax.set_xticks(
        range(scores.shape[1]),
        [c.replace("_", " ") for c in scores.columns],
        rotation=45,
        ha="right",
    )
    ax.set_yticks(range(scores.shape[0]), scores.index)
    cb = fig.colorbar(im, ax=ax)
    cb.set_label("feature score (sums to 1 per outcome)")
    ax.set_title("Which parameters predict each outcome (extra trees)", fontsize=9)
    fig.tight_layout()
    return style.save(fig, path_stem)
