"""Who backs which side in a substitution or an uprising: threshold coordination.

Brief: "coups and defections: coordination among coercive units (a unit backs a side when it
expects enough others to)". Each unit j has a threshold theta_j, the share of coercive
capacity it must expect on a side before it joins that side (Granovetter 1978). Coups are
coordination games (Singh 2014): a unit's own leaning - loyalty to Lukashenko minus alignment
with Moscow - shifts its threshold around one half; a regime that looks doomed lowers it.

The cascade is Granovetter's fixed point: start from an external seed (Russian troops in a
substitution, protesters and mutinied soldiers in an uprising), let every unit whose threshold
is met join, recompute the expected share, repeat until nobody moves. Joining is monotone, so
it ends after at most ``len(weights)`` rounds.
"""

from __future__ import annotations

import numpy as np


def thresholds(
    leaning: np.ndarray,
    slope: float,
    weakness: float = 0.0,
    weakness_discount: float = 0.0,
    shock: np.ndarray | None = None,
) -> np.ndarray:
    """theta_j = 0.5 + slope * leaning_j - weakness_discount * weakness (+ private shock).

    ``leaning`` > 0 means the unit leans *against* the side being joined (e.g. loyalty minus
    alignment when the side is Moscow). Not clipped: a threshold <= 0 means the unit joins
    unconditionally, > 1 that it never joins.
    """
    theta = 0.5 + slope * np.asarray(leaning, dtype=np.float64) - weakness_discount * weakness
    if shock is not None:
        theta = theta + shock
    return theta


def cascade(
    weights: np.ndarray,
    theta: np.ndarray,
    seed: float,
    eligible: np.ndarray | None = None,
    partial: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | float]:
    """Granovetter's fixed point: which units join, and the share of capacity on the side.

    ``weights`` are the units' capacities (n,), ``theta`` their thresholds, (n,) or one row
    per imagined draw (m, n); ``seed`` the share already expected on the side from outside the
    units (it adds to what the units expect, not to the returned share). ``eligible`` masks
    units that may join at all. ``partial`` is the fraction of a unit that is on the side
    even while the unit as a whole has not joined (Moscow's penetrated personnel inside a
    unit that stays loyal); a unit that joins brings all of its weight.

    Returns (joined mask shaped like ``theta``, share of total weight on the side: a float
    for 1-D ``theta``, an (m,) array for 2-D).
    """
    w = np.asarray(weights, dtype=np.float64)
    th = np.asarray(theta, dtype=np.float64)
    total = float(w.sum())
    joined = np.zeros(th.shape, dtype=bool)
    part = np.zeros_like(w) if partial is None else np.asarray(partial, dtype=np.float64)
    share = np.full(th.shape[:-1], (w * part).sum() / total if total > 0 else 0.0)
    if total > 0:
        ok = True if eligible is None else np.asarray(eligible, dtype=bool)
        for _ in range(w.size + 1):
            expected = np.minimum(1.0, seed + share)
            now = ok & (th <= expected[..., None])
            if np.array_equal(now, joined):
                break
            joined = joined | now
            share = np.where(joined, w, w * part).sum(axis=-1) / total
    return joined, (float(share) if th.ndim == 1 else share)
