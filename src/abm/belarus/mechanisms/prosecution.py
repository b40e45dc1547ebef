"""Prosecution after the fact: a pool of exposed protesters, criminal charges drawn from it
week by week, and the political-prisoner stock they feed.

The second, slower channel of repression (Viasna: > 900 criminal cases in 2020, the
prisoner stock growing from ~169 at the end of 2020 to 1,446 at the end of 2022, mostly by
prosecuting past protest). Everything is counted in people, drawn from the model's actor
stream:

- every person who protests in a week adds one exposure to the pool E (a repeat protester
  leaves a new trail each time);
- each week Binomial(E, h) exposures are charged, h = ``prosecution_hazard`` x
  (1 + ``prosecution_repression_boost`` x repression); the rest fade at ``evidence_fade``;
- the charged enter the prisoner stock S, which releases Binomial(S, 1 / ``sentence_weeks``)
  a week (the release draw is on last week's stock).

Citizens deciding whether to protest now weigh the chance of being charged for it later,
P_pros = h / (h + fade (1 - h)): the probability that an exposure is charged before its trail
fades, under this very process with this week's hazard held (charged with h in the week it is
made and every week after; if not, faded with ``fade``). They weigh it beside the street
arrest estimate: P(sanction) = 1 - (1 - P_street)(1 - P_pros) (``rules``).
"""

from __future__ import annotations

import numpy as np


def prosecution_hazard(base: float, boost: float, repression: float) -> float:
    """This week's per-exposure charge hazard, raised by repression intensity in [0, 1]."""
    return base * (1.0 + boost * repression)


def perceived_risk(hazard: float, fade: float) -> float:
    """P_pros: the chance that protesting now is charged later, sum over weeks k >= 0 of
    ((1 - h)(1 - fade))^k h = h / (h + fade (1 - h)); 0 when the hazard is 0."""
    if hazard <= 0:
        return 0.0
    return hazard / (hazard + fade * (1.0 - hazard))


class Prosecution:
    """The exposure pool and the political-prisoner stock, in people."""

    def __init__(self, prisoners: int):
        self.exposed = 0
        self.prisoners = int(prisoners)
        self.charged = 0
        self.released = 0

    def week(
        self,
        protesters: int,
        hazard: float,
        fade: float,
        release: float,
        rng: np.random.Generator,
    ) -> int:
        """Add this week's protesters to the pool, charge, fade, release; return the charged.

        ``hazard = 0`` (prosecution switched off) charges nobody; releases go on."""
        self.released = int(rng.binomial(self.prisoners, release)) if self.prisoners else 0
        pool = self.exposed + int(protesters)
        self.charged = int(rng.binomial(pool, hazard)) if pool and hazard > 0 else 0
        pool -= self.charged
        self.exposed = pool - (int(rng.binomial(pool, fade)) if pool else 0)
        self.prisoners += self.charged - self.released
        return self.charged
