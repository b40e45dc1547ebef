"""Stochastic Lanchester attrition: what happens to Belarusian units sent into Ukraine.

Article: "his Belarusian army is no match for Ukrainian forces. Its defeat could culminate in
mutinies". Lanchester's (1916) aimed-fire (square-law) equations, dB/dt = -alpha U and
dU/dt = -beta B, give each side's losses per week in proportion to the *other* side's
strength; we draw them as binomial counts so that small expeditions show the luck of war.
"""

from __future__ import annotations

import numpy as np


def lanchester_week(
    strengths: np.ndarray,
    enemy: float,
    alpha: float,
    beta: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, float]:
    """Losses of each deployed unit in one week, and the expected enemy losses.

    ``strengths`` are the deployed units' soldiers, ``enemy`` the Ukrainian force they face.
    Aimed fire concentrates ``alpha * enemy`` expected losses a week on the whole
    expedition B; a soldier is therefore lost with probability 1 - exp(-alpha enemy / B),
    independently (binomial per unit). Losses never exceed a unit's strength, so soldiers are
    conserved. Ukraine's force is exogenous (a schedule), so its losses ``beta * B`` are only
    reported, not subtracted.
    """
    strengths = np.asarray(strengths, dtype=np.int64)
    total = int(strengths.sum())
    if total <= 0 or enemy <= 0 or alpha <= 0:
        return np.zeros_like(strengths), 0.0
    p_loss = 1.0 - np.exp(-alpha * enemy / total)
    losses = rng.binomial(strengths, p_loss)
    return losses.astype(np.int64), float(beta * total)


def expected_loss_share(enemy: float, deployed: float, alpha: float, weeks: float) -> float:
    """Share of an expedition of ``deployed`` soldiers expected lost after ``weeks``.

    Lukashenko's reckoning of 'the expected cost of fighting Ukrainian forces' (brief):
    under aimed fire with an undepleted enemy the expedition shrinks as
    B(t) = B0 - alpha U t; the binomial hazard above gives 1 - exp(-alpha U / B) per week for
    the first week, and we use that hazard held constant over the horizon (optimistic for him,
    since it ignores that a shrinking B raises the rate).
    """
    if deployed <= 0 or enemy <= 0:
        return 0.0
    return float(1.0 - np.exp(-alpha * enemy / deployed * weeks))
