"""Street detention in people: binomial thinning of the people in broken-up protests.

The engine's agent is a super-individual of m = population / n_citizens people. When the
police "arrest" an agent (Epstein's rule C), this model reads it as the police breaking up
that group's protest: its m people protested this week, and each of them is detained
independently with probability q (``detention_share``). A sum of independent
Binomial(m_i, q) is Binomial(sum m_i, q), so one draw over all the week's broken-up people
gives the same distribution of detainees as a draw per agent - and the same distribution in
people at every scale, whatever m is. The total is then capped at what the regime can
process in a week (``detention_capacity``).
"""

from __future__ import annotations

import numpy as np


def broken_up_people(broken_up_agents: int, people_per_agent: float) -> int:
    """People in the protests the police broke up this week (whole people)."""
    return int(round(broken_up_agents * people_per_agent))


def detain(people: int, share: float, capacity: float, rng: np.random.Generator) -> int:
    """People detained among ``people`` in broken-up protests: Binomial(people, share),
    capped at ``capacity``. No draw is made when nobody was broken up."""
    if people <= 0:
        return 0
    return min(int(rng.binomial(people, share)), int(capacity))
