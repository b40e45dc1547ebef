"""Lukashenko's reckoning of what an expedition would lose (the war itself is
``mechanisms/front.py``).

Article: "his Belarusian army is no match for Ukrainian forces". Lanchester's (1916)
aimed-fire law, dB/dt = -alpha U, seen from Minsk with an undepleted Ukrainian force.
"""

from __future__ import annotations

import numpy as np


def expected_loss_share(enemy: float, deployed: float, alpha: float, weeks: float) -> float:
    """Share of an expedition of ``deployed`` soldiers expected lost after ``weeks``.

    Lukashenko's reckoning of 'the expected cost of fighting Ukrainian forces' (brief):
    under aimed fire with an undepleted enemy the expedition shrinks as
    B(t) = B0 - alpha U t; the front's binomial hazard gives 1 - exp(-alpha U / B) per week for
    the first week, and we use that hazard held constant over the horizon (optimistic for him,
    since it ignores that a shrinking B raises the rate).
    """
    if deployed <= 0 or enemy <= 0:
        return 0.0
    return float(1.0 - np.exp(-alpha * enemy / deployed * weeks))
